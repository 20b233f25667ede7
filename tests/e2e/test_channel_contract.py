"""The channel contract: one scenario — first contact, admin setup and schedule change, scheduled check-in,
mood, note, moments, weekly digest — run through each channel's real adapter must leave the same stored data
and the same digest figures. Legs: Slack (signed requests to /slack/events + fake Slack Web API), Teams
(activities over HTTP + fake Bot Connector) and the console (ConsoleSession + ConsoleMessenger)."""
from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from bot.config import load_settings
from bot.console.messenger import ConsoleMessenger
from bot.console.session import ConsoleSession
from bot.delivery.dispatcher import Dispatcher
from bot.slack import ids
from bot.wiring import Deps, build
from handlers.messages import MOOD_CHOICES, DigestMessage, MoodPrompt
from handlers.ports import SimulatedClock
from handlers.sentiment import TextBlobScorer
from storage.db import upgrade
from storage.models import CustomerMoment, DigestRun, Membership, MoodEntry, Person, Schedule, Team, Workspace
from tests.conftest import ROOT, START
from tests.e2e.slack_support import SlackRig, eventually, slack_rig
from tests.e2e.teams_support import TeamsServer, card_actions, cards, new_tenant, new_user, running_server
from tests.fakes import teams_activities as ta
from tests.fakes.slack_api import Call
from tests.fakes.slack_signing import (
    app_home_opened_event,
    block_actions_payload,
    event_body,
    plain_text_value,
    slash_command_form,
    view_submission_payload,
)
from tests.fakes.teams_activities import DEFAULT_TIMEZONE as TIMEZONE

PEOPLE = ("Alice", "Bob", "Cara")  # Alice comes first, so she is the workspace admin
# Everyone lives in TIMEZONE: Teams' and Slack's clients report it, the console falls back to the workspace's
# (app.yaml), so every channel plans the 10:00 check-in at the same instant.
SETUP = ("tandem privacy min-group 3", "tandem team create Support", "tandem team add Support @Alice @Bob @Cara",
         "tandem team manager Support @Alice", "tandem schedule checkin mon-fri 10:00")
MOODS = {"Alice": (4, "Busy but a good, focused day"), "Bob": (2, "Swamped and tired after the outage"),
         "Cara": (5, None)}
FORM_MOMENT = ("Bob", "Helped a customer recover their lost invoices, they were relieved", "positive", "billing")
ONE_LINE_MOMENT = ("Cara", "moment The renewal call went badly, pricing upset them outcome:negative "
                           "touchpoint:renewal customer:ACME-42")


class Channel(Protocol):
    deps: Deps
    clock: SimulatedClock
    dispatcher: Dispatcher

    async def first_contact(self, name: str) -> None: ...
    async def say(self, name: str, text: str) -> None: ...
    async def answer_checkin(self, name: str, score: int, note: str | None) -> None: ...
    async def moment_via_form(self, name: str, text: str, outcome: str, touchpoint: str) -> None: ...
    def digests_to(self, name: str) -> list[dict[str, Any]]: ...


async def run_scenario(channel: Channel) -> dict[str, Any]:
    channel.clock.set(datetime(2026, 11, 16, 8, 0, tzinfo=UTC))
    for name in PEOPLE:
        await channel.first_contact(name)
    for command in SETUP:
        await channel.say("Alice", command)
    channel.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    planned, _ = await channel.dispatcher.tick()
    assert planned.checkins == 0  # moved to 10:00 by the admin
    channel.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=UTC))
    planned, drained = await channel.dispatcher.tick()
    assert planned.checkins == 3 and drained.sent == 3
    for name, (score, note) in MOODS.items():
        await channel.answer_checkin(name, score, note)
    await channel.moment_via_form(*FORM_MOMENT)
    await channel.say(*ONE_LINE_MOMENT)
    channel.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    planned, _ = await channel.dispatcher.tick()
    assert planned.digests == 1
    *_, digest = channel.digests_to("Alice")  # W46's (empty) digest was caught up on Monday too
    return await stored(channel.deps) | {"delivered_digest": digest}


async def stored(deps: Deps) -> dict[str, Any]:
    """Everything the scenario stored, keyed by display name instead of platform ids; a person's zone is the
    one Tandem schedules them in (their own, else the workspace's: the console reports none)."""
    async with deps.context() as ctx:
        [workspace] = (await ctx.session.scalars(select(Workspace))).all()
        people = {p.id: p for p in (await ctx.session.scalars(select(Person))).all()}
        name = {pid: p.display_name for pid, p in people.items()}
        moods = sorted((name[e.person_id], e.local_date.isoformat(), e.score, e.note, e.note_label)
                       for e in (await ctx.session.scalars(select(MoodEntry))).all())
        moments = sorted((name[m.person_id], m.text, m.label, m.outcome, m.touchpoint, m.customer_ref,
                          m.team_id is not None) for m in (await ctx.session.scalars(select(CustomerMoment))).all())
        memberships = sorted((name[m.person_id], m.role) for m in (await ctx.session.scalars(select(Membership))).all())
        teams = sorted(t.name for t in (await ctx.session.scalars(select(Team))).all())
        [schedule] = (await ctx.session.scalars(select(Schedule))).all()
        runs = sorted((r.iso_week, r.respondents, r.summary)
                      for r in (await ctx.session.scalars(select(DigestRun))).all())
    return {"people": sorted((p.display_name, p.is_admin, p.timezone or workspace.timezone) for p in people.values()),
            "workspace": (workspace.active, workspace.timezone, workspace.holiday_country, workspace.min_group),
            "moods": moods, "moments": moments, "memberships": memberships, "teams": teams,
            "schedule": (schedule.checkin_days, schedule.checkin_time, schedule.digest_day, schedule.digest_time),
            "digest_runs": runs}


# ------------------------------------------------------------------------------------------------ console


class ConsoleChannel:
    def __init__(self, deps: Deps, clock: SimulatedClock) -> None:
        self.deps, self.clock = deps, clock
        self.messenger = ConsoleMessenger(current_user=None, write=lambda _: None)
        deps.messengers["console"] = self.messenger
        self.dispatcher = Dispatcher(deps, seed=1)
        self.sessions: dict[str, ConsoleSession] = {}
        self.screens: dict[str, list[str]] = {}

    async def first_contact(self, name: str) -> None:
        screen = self.screens.setdefault(name, [])
        self.sessions[name] = ConsoleSession(self.deps, name.lower(), screen.append, display_name=name)
        await self.sessions[name].greet()
        await self.say(name, "tandem help")

    async def say(self, name: str, text: str) -> None:
        await self.sessions[name].handle_line(text)

    async def answer_checkin(self, name: str, score: int, note: str | None) -> None:
        [prompt] = [m for r, m in self.messenger.delivered
                    if r.platform_user_id == name.lower() and isinstance(m, MoodPrompt)]
        self.sessions[name].expect_mood(prompt.prompt_id)
        await self.say(name, str(score))
        await self.say(name, note or "")

    async def moment_via_form(self, name: str, text: str, outcome: str, touchpoint: str) -> None:
        for line in ("moment", text, outcome, touchpoint):
            await self.say(name, line)

    def digests_to(self, name: str) -> list[dict[str, Any]]:
        return [m.report.to_json() for r, m in self.messenger.delivered
                if r.platform_user_id == name.lower() and isinstance(m, DigestMessage)]


async def console_leg(tmp: Path) -> dict[str, Any]:
    settings = load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml")})
    clock = SimulatedClock(datetime(2026, 11, 16, 8, 0, tzinfo=UTC))
    deps = build(settings, clock=clock, database_url=f"sqlite:///{tmp / 'console.db'}", scorer=TextBlobScorer())
    await upgrade(deps.engine)
    try:
        return await run_scenario(ConsoleChannel(deps, clock))
    finally:
        await deps.close()


# ------------------------------------------------------------------------------------------------ Teams


class TeamsChannel:
    def __init__(self, server: TeamsServer) -> None:
        self.server = server
        self.deps, self.clock, self.dispatcher = server.deps, server.clock, server.dispatcher
        self.tenant = new_tenant()
        self.users: dict[str, dict[str, str]] = {}

    def _ids(self, name: str) -> dict[str, Any]:
        return {"service_url": self.server.connector.service_url, "tenant_id": self.tenant} | self.users[name]

    async def _post(self, activity: dict[str, Any]) -> None:
        status, body = await self.server.post(activity)
        assert status == 200, body

    def _chat(self, name: str) -> list[tuple[str, dict[str, Any]]]:
        """What the person sees in their 1:1 chat now (cards updated in place)."""
        conversation = self.users[name]["conversation_id"]
        return list(self.server.connector.visible_in(conversation).items())

    async def first_contact(self, name: str) -> None:
        user, aad = new_user()
        self.users[name] = {"user_id": user, "aad_object_id": aad, "conversation_id": f"a:{aad}"}
        await self._post(ta.installation_update_add(**self._ids(name)))
        await self.say(name, "tandem help")

    async def say(self, name: str, text: str) -> None:
        await self._post(ta.personal_message(text, user_name=name, **self._ids(name)))

    def _last_card(self, name: str, kind: str) -> tuple[str, dict[str, Any]]:
        found = [(activity_id, card) for activity_id, activity in self._chat(name) for card in cards(activity)
                 if any(a["data"].get("tandem") == kind for a in card_actions(card))]
        return found[-1]

    async def _submit(self, name: str, value: dict[str, Any], reply_to: str) -> None:
        await self._post(ta.card_submit(value, reply_to, user_name=name, **self._ids(name)))

    async def answer_checkin(self, name: str, score: int, note: str | None) -> None:
        activity_id, card = self._last_card(name, "mood")
        await self._submit(name, card_actions(card)[score - 1]["data"], activity_id)
        if note:
            activity_id, card = self._last_card(name, "note")
            await self._submit(name, dict(card_actions(card)[0]["data"], note=note), activity_id)

    async def moment_via_form(self, name: str, text: str, outcome: str, touchpoint: str) -> None:
        await self.say(name, "moment")
        activity_id, card = self._last_card(name, "moment")
        value = dict(card_actions(card)[0]["data"], text=text, outcome=outcome, touchpoint=touchpoint)
        await self._submit(name, value, activity_id)

    def digests_to(self, name: str) -> list[dict[str, Any]]:
        digests = [card for _, activity in self._chat(name) for card in cards(activity)
                   if "".join(run["text"] for run in card["body"][0].get("inlines", [])).startswith(
                       "Tandem weekly digest")]
        return [{fact["title"]: fact["value"] for element in card["body"] if element["type"] == "FactSet"
                 for fact in element["facts"]} for card in digests]


async def teams_leg(tmp: Path) -> dict[str, Any]:
    async with running_server(tmp) as server:
        return await run_scenario(TeamsChannel(server))


# ------------------------------------------------------------------------------------------------ Slack


class SlackChannel:
    """People are Slack users U<NAME> whose profile (users.info, from the fake) carries their name; every
    request is signed and posted to /slack/events; replies arrive at the response_url sink or the fake."""

    def __init__(self, rig: SlackRig) -> None:
        self.rig, self.fake, self.sink = rig, rig.fake, rig.sink
        self.deps, self.clock = rig.deps, rig.clock
        self.dispatcher = Dispatcher(rig.deps, seed=1)
        self.hooks = itertools.count(1)
        self.triggers = itertools.count(1)

    @staticmethod
    def _user(name: str) -> str:
        return f"U{name.upper()}"

    def _dm(self, name: str) -> str:
        return self.fake.dm_channel_for(self._user(name))

    def _hook(self) -> str:
        return f"h{next(self.hooks)}"

    def _trigger(self) -> str:
        return f"{next(self.triggers)}.222.valid"

    async def _reply(self, hook: str) -> dict[str, Any]:
        return (await eventually(lambda: self.sink.to(hook)))[-1]

    async def _new_view(self, before: int) -> dict[str, Any]:
        """The modal Tandem opened (views.open) after `before` earlier ones."""
        opened = await eventually(lambda: self.fake.delivered("views.open")[before:])
        return opened[0].json_arg("view")

    async def first_contact(self, name: str) -> None:
        user = self._user(name)
        self.fake.set_user(user, name=name, real_name=f"{name} Example", tz=TIMEZONE)
        published = len(self.fake.delivered("views.publish"))
        event = app_home_opened_event(user, channel_id=self._dm(name))
        response = await self.rig.event(event_body(event, event_id=f"EvHome{user}"))
        assert response.status == 200
        await eventually(lambda: len(self.fake.delivered("views.publish")) > published)  # identified in order
        await self.say(name, "tandem help")

    async def say(self, name: str, text: str) -> None:
        """A command line as the matching slash command (/tandem, /moment, /checkin); the answer must come."""
        word, _, rest = text.partition(" ")
        assert f"/{word}" in ids.SLASH_COMMANDS, text
        hook = self._hook()
        form = slash_command_form(f"/{word}", rest, user_id=self._user(name), user_name=name.lower(),
                                  channel_id=self._dm(name), response_url=self.sink.url(hook),
                                  trigger_id=self._trigger())
        response = await self.rig.post(form)
        assert response.status == 200 and await response.text() == ""
        await self._reply(hook)

    def _posts_to(self, name: str) -> list[Call]:
        return [c for c in self.fake.delivered("chat.postMessage")
                if c.args["channel"] in (self._user(name), self._dm(name))]

    async def _click(self, name: str, button: dict[str, Any]) -> str:
        """Press a button on the DM message; returns the response_url hook its answer goes to."""
        hook = self._hook()
        payload = block_actions_payload(button["action_id"], button.get("value"), user_id=self._user(name),
                                        channel_id=self._dm(name), trigger_id=self._trigger())
        payload["response_url"] = self.sink.url(hook)
        response = await self.rig.interact(payload)
        assert response.status == 200
        return hook

    async def answer_checkin(self, name: str, score: int, note: str | None) -> None:
        [prompt] = [c for c in self._posts_to(name) if ids.mood_action_id(score) in buttons(c.json_arg("blocks"))]
        mood = buttons(prompt.json_arg("blocks"))[ids.mood_action_id(score)]
        shown = await self._reply(await self._click(name, mood))
        assert shown["replace_original"] is True, shown
        if note:
            views = len(self.fake.delivered("views.open"))
            hook = await self._click(name, buttons(shown["blocks"])[ids.ADD_NOTE_ACTION])
            await self._submit(name, await self._new_view(views), {ids.NOTE_INPUT: note})
            assert "note is saved" in (await self._reply(hook))["text"]

    async def _submit(self, name: str, view: dict[str, Any], answers: dict[str, str | None]) -> None:
        """Submit the modal as Slack does: state.values for every input block, a select as its chosen option."""
        values: dict[str, dict[str, Any]] = {}
        for block in view["blocks"]:
            if block["type"] != "input":
                continue
            element, answer = block["element"], answers.get(block["block_id"])
            if element["type"] == "static_select":
                assert answer in [o["value"] for o in element["options"]], (answer, element["options"])
                entry: dict[str, Any] = {"type": "static_select", "selected_option": {"value": answer}}
            else:
                entry = plain_text_value(answer)
            values[block["block_id"]] = {element["action_id"]: entry}
        payload = view_submission_payload(view["callback_id"], values, private_metadata=view["private_metadata"],
                                          user_id=self._user(name))
        response = await self.rig.interact(payload)
        assert response.status == 200 and await response.text() == "", await response.text()

    async def moment_via_form(self, name: str, text: str, outcome: str, touchpoint: str) -> None:
        views, posts = len(self.fake.delivered("views.open")), len(self._posts_to(name))
        form = slash_command_form(ids.MOMENT_COMMAND, "", user_id=self._user(name), user_name=name.lower(),
                                  channel_id=self._dm(name), response_url=self.sink.url(self._hook()),
                                  trigger_id=self._trigger())
        assert (await self.rig.post(form)).status == 200
        view = await self._new_view(views)
        await self._submit(name, view, {ids.MOMENT_TEXT_INPUT: text, ids.MOMENT_OUTCOME_INPUT: outcome,
                                        ids.MOMENT_TOUCHPOINT_INPUT: touchpoint})
        [logged] = await eventually(lambda: self._posts_to(name)[posts:])
        assert logged.args["text"].startswith("Logged your customer moment")

    def digests_to(self, name: str) -> list[dict[str, Any]]:
        """Each digest DM as the manager sees it: {field title: value} of its figures section."""
        found = []
        for call in self._posts_to(name):
            blocks = call.json_arg("blocks")
            if blocks[0]["type"] == "header" and call.args["text"].startswith("Weekly digest"):
                fields = [f["text"] for b in blocks if b["type"] == "section" for f in b.get("fields", [])]
                found.append({m.group(1): m.group(2)
                              for m in (_matched(re.fullmatch(r"\*(.+?)\*\n(.*)", f, re.S)) for f in fields)})
        return found


def _matched(found: re.Match[str] | None) -> re.Match[str]:
    """A match a channel's text must give: its absence fails the test here, not as an AttributeError."""
    assert found is not None
    return found


def buttons(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The buttons of a Block Kit message by action id."""
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]
            if e["type"] == "button"}


async def slack_leg(tmp: Path) -> dict[str, Any]:
    async with slack_rig((f"sqlite:///{tmp / 'slack.db'}", {}), SimulatedClock(START)) as rig:
        result = await run_scenario(SlackChannel(rig))
        return result | {"violations": list(rig.fake.violations)}


# ------------------------------------------------------------------------------------------------ the contract


def figures_shown(channel: str, digest: dict[str, Any]) -> tuple[int, int, str, tuple[int, ...], int]:
    """(respondents, members, mood mean, answers per score 1-5, moments logged) as each channel showed them."""
    if channel == "console":
        mood = digest["mood"]
        spread = tuple(mood["distribution"][str(c.score)] for c in MOOD_CHOICES)
        return digest["respondents"], digest["members"], f"{mood['mean']:.2f}", spread, digest["moments"]["logged"]
    if channel == "teams":
        answered, logged = digest["Answered"], digest["Moments"]
        spread = tuple(int(digest[f"{c.emoji} {c.label}"]) for c in MOOD_CHOICES)
    else:
        answered, logged = digest["Answered"], digest["Moments"]
        counts = dict(re.findall(r"(\S+) \w+ (\d+)", digest["Spread"]))
        spread = tuple(int(counts[c.emoji]) for c in MOOD_CHOICES)
    shown = _matched(re.match(r"(\d+) of (\d+) ", answered))
    respondents, members = shown.group(1), shown.group(2)
    mean = _matched(re.match(r"(\d\.\d\d) / 5", digest["Mood"])).group(1)
    return int(respondents), int(members), mean, spread, int(logged.split()[0])


async def test_the_same_scenario_leaves_the_same_data_and_digest_on_every_channel(tmp_path: Path) -> None:
    legs = {"console": console_leg, "teams": teams_leg, "slack": slack_leg}
    results = {}
    for channel, leg in legs.items():
        (tmp_path / channel).mkdir()
        results[channel] = await leg(tmp_path / channel)
    console = results["console"]

    assert len(console["moods"]) == 3 and len(console["moments"]) == 2
    assert [r[0] for r in console["digest_runs"]] == ["2026-W46", "2026-W47"]
    assert console["schedule"][1] == "10:00"
    for channel in ("teams", "slack"):
        for key in ("people", "workspace", "moods", "moments", "memberships", "teams", "schedule", "digest_runs"):
            assert results[channel][key] == console[key], (channel, key)
    assert results["slack"]["violations"] == []

    # the figures each manager was shown are those stored for the digest
    _, (_, respondents, summary) = console["digest_runs"]
    assert respondents == 3 and summary["mood"]["mean"] == 3.67
    assert console["delivered_digest"]["mood"] == summary["mood"]
    stored_figures = (summary["respondents"], summary["members"], f"{summary['mood']['mean']:.2f}",
                      tuple(summary["mood"]["distribution"][str(c.score)] for c in MOOD_CHOICES),
                      summary["moments"]["logged"])
    for channel, result in results.items():
        assert figures_shown(channel, result["delivered_digest"]) == stored_figures, channel
