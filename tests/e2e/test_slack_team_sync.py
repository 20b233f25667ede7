"""Team sync on Slack over real signed HTTP: the server, the fake Web API (tiers, pages, 429s) and a real database.

A slash command makes a team follow a user group or a channel; a sync run (sync_due, as the scheduler calls it)
reads it through SlackDirectory; welcomes leave through the outbox as chat.postMessage; membership events mark
the source due; a group that disappears keeps its members and the admin is told once.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.delivery.dispatcher import Dispatcher
from bot.slack.directory import SlackDirectory
from bot.teamsync.runner import RunResult, sync_due
from handlers.teamsync.sources import CHANGE_DEBOUNCE
from handlers.teamsync.welcome import NOTICE_KIND, WELCOME_KIND
from storage.models import Membership, Outbox, Person, Team, TeamSource
from tests.e2e.slack_support import SECRET, SlackRig, eventually, rig, settle  # noqa: F401
from tests.fakes.slack_signing import event_body, signed_headers, slash_command_form

ADMIN = "U111"
TOKEN_HINT = "xoxb-"
SCALE = 200.0  # the fake's tiers and the directory's pacing alike, so a test need not wait real minutes


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _people(fake, prefix: str, count: int) -> list[str]:
    ids = [f"{prefix}{n:05d}" for n in range(count)]
    for user_id in ids:
        fake.set_user(user_id, name=f"person-{user_id.lower()}", tz="Europe/Paris", email=f"{user_id.lower()}@x.io")
    return ids


async def _command(rig: SlackRig, text: str, name: str = "r") -> str:
    response = await rig.post(slash_command_form("/tandem", text, user_id=ADMIN, response_url=rig.sink.url(name)))
    assert response.status == 200
    body = await response.text()
    if body.strip():
        return body
    return str(await eventually(lambda: rig.sink.to(name)))


async def _sync(rig: SlackRig) -> RunResult:
    directory = rig.deps.directories["slack"]
    assert isinstance(directory, SlackDirectory)
    directory.pacer.scale = SCALE
    return await sync_due(rig.deps, rig.deps.directories)


async def _members(rig: SlackRig, team_name: str) -> set[str]:
    async with rig.deps.context() as ctx:
        team = await ctx.session.scalar(select(Team).where(Team.name == team_name))
        assert team is not None
        rows = await ctx.session.scalars(select(Person.platform_user_id).join(
            Membership, Membership.person_id == Person.id).where(
            Membership.team_id == team.id, Membership.role == "member", Membership.ended_on.is_(None)))
        return set(rows.all())


async def _outbox(rig: SlackRig, kind: str) -> list[Outbox]:
    return [row for row in await rig.rows(Outbox) if row.kind == kind]


async def _come_due(rig: SlackRig) -> None:
    await settle(rig)  # the event listeners run after the ack
    rig.clock.advance(CHANGE_DEBOUNCE + timedelta(seconds=1))


async def test_a_user_group_is_followed_synced_welcomed_and_the_admin_told(rig: SlackRig) -> None:
    fake = rig.fake
    fake.slack_tiers(SCALE)
    members = _people(fake, "UG", 30)
    fake.set_user(ADMIN, name="sam-admin")
    fake.set_usergroup("S0SUPPORT", "support-team", members, created_by=ADMIN)
    reply = await _command(rig, "team sync Support @support-team managers")
    assert "support-team" in reply

    result = await _sync(rig)
    [outcome] = result.outcomes
    assert outcome.error is None and outcome.change is not None and outcome.change.members == 30
    assert await _members(rig, "Support") == set(members)
    [source] = await rig.rows(TeamSource)
    assert (source.reference, source.label) == ("S0SUPPORT", "@support-team")
    assert len(fake.calls_to("usergroups.list")) == 1
    assert len(fake.calls_to("users.list")) == 1  # 30 unknown people: one page, not 30 users.info
    assert len(await _outbox(rig, WELCOME_KIND)) == 30 and len(await _outbox(rig, NOTICE_KIND)) == 1

    rig.clock.advance(timedelta(hours=1))
    await Dispatcher(rig.deps, seed=1).drain()
    posted = {call.args.get("channel") for call in fake.delivered("chat.postMessage")}
    assert {fake.dm_channel_for(m) for m in members} <= posted
    assert fake.violations == []


async def test_2500_channel_members_across_pages_churn_and_429s(rig: SlackRig) -> None:
    fake = rig.fake
    fake.slack_tiers(SCALE)
    fake.set_user(ADMIN, name="sam-admin")
    fake.set_user("U0BOT", name="tandem", is_bot=True)
    members = _people(fake, "UC", 2500)
    fake.set_channel("C0SUPPORT1", "support", [*members, "U0BOT"])
    await _command(rig, "team sync Desk #support")
    fake.fail_next("conversations.members", retry_after=1)  # a 429 mid-sync: the same page is asked again

    [outcome] = (await _sync(rig)).outcomes
    assert outcome.error is None and outcome.change is not None and outcome.change.members == 2500
    assert await _members(rig, "Desk") == set(members)  # the bot is no member
    pages = fake.calls_to("conversations.members")
    # the injected 429 first, then its page again; the 3 pages all answered (pacing accuracy is measured by
    # bench/team_sync.py at Slack's real tiers and unit-tested on a virtual clock: at 200x speed a loaded
    # machine's jitter alone can make the fake refuse a call, which the directory must then retry)
    assert pages[0].status == 429 and pages[0].args == pages[1].args
    assert sum(c.status == 200 for c in pages) == 3 and len(pages) == 4 + fake.refused["conversations.members"]
    assert sum(c.status == 200 for c in fake.calls_to("users.list")) == 13  # 2,502 users at 200 a page
    [source] = await rig.rows(TeamSource)
    assert (source.reference, source.label) == ("C0SUPPORT1", "#support")

    # churn: 5 leave, 7 join; a signed member_joined_channel event makes the next run come soon
    joined = _people(fake, "UN", 7)
    fake.set_channel("C0SUPPORT1", "support", [*members[5:], *joined, "U0BOT"])
    response = await rig.event(event_body({"type": "member_joined_channel", "user": joined[0], "channel":
                                           "C0SUPPORT1", "channel_type": "C", "team": "T111"}, event_id="EvJoin1"))
    assert response.status == 200
    await settle(rig)
    [source] = await rig.rows(TeamSource)
    assert source.due_at is not None  # due in CHANGE_DEBOUNCE, not at the 6-hourly resync
    assert timedelta(0) < source.due_at.replace(tzinfo=None) - rig.clock.now().replace(tzinfo=None) <= CHANGE_DEBOUNCE
    assert (await _sync(rig)).outcomes == []  # debounced: not yet due
    await _come_due(rig)
    [outcome] = (await _sync(rig)).outcomes
    assert outcome.change is not None and len(outcome.change.joined) == 7 and len(outcome.change.left) == 5
    assert await _members(rig, "Desk") == set(members[5:]) | set(joined)
    # few unknowns: users.info for each, not 13 users.list pages again
    assert {c.args["user"] for c in fake.calls_to("users.info")} - {ADMIN} == set(joined)
    assert len(await _outbox(rig, WELCOME_KIND)) == 2507  # nobody welcomed twice
    assert fake.violations == []


async def test_a_group_that_disappears_keeps_its_members_and_tells_the_admin_once(rig: SlackRig) -> None:
    fake = rig.fake
    fake.slack_tiers(SCALE)
    fake.set_user(ADMIN, name="sam-admin")
    members = _people(fake, "UD", 8)
    fake.set_usergroup("S0ONCALL", "oncall", members)
    await _command(rig, "team sync Oncall @oncall")
    await _sync(rig)

    fake.set_usergroup("S0ONCALL", "oncall", members[:6])
    response = await rig.event(event_body({"type": "subteam_members_changed", "subteam_id": "S0ONCALL",
                                           "team_id": "T111", "removed_users": members[6:]}, event_id="EvSub1"))
    assert response.status == 200
    replayed = await rig.event(event_body({"type": "subteam_members_changed", "subteam_id": "S0ONCALL"},
                                          event_id="EvSub1"))
    assert replayed.status == 200
    await _come_due(rig)
    [outcome] = (await _sync(rig)).outcomes
    assert outcome.change is not None and len(outcome.change.left) == 2

    notices = len(await _outbox(rig, NOTICE_KIND))
    fake.disable_usergroup("S0ONCALL")
    rig.clock.advance(timedelta(hours=7))
    [outcome] = (await _sync(rig)).outcomes
    assert outcome.error is not None and "no user group @oncall any more" in outcome.error
    assert await _members(rig, "Oncall") == set(members[:6])
    rig.clock.advance(timedelta(hours=7))
    await _sync(rig)
    assert len(await _outbox(rig, NOTICE_KIND)) == notices + 1  # the loss, told once
    status = await _command(rig, "team sync status", name="status")
    assert "oncall" in status.lower() and "any more" in status
    assert fake.violations == []


async def test_forged_events_change_nothing(rig: SlackRig) -> None:
    fake = rig.fake
    fake.slack_tiers(SCALE)
    fake.set_user(ADMIN, name="sam-admin")
    fake.set_channel("C0FORGED1", "general", _people(fake, "UF", 3))
    await _command(rig, "team sync General #general")
    await _sync(rig)
    body = json.dumps(event_body({"type": "member_left_channel", "user": "UF00000", "channel": "C0FORGED1"},
                                 event_id="EvForged"))
    headers = signed_headers(body, "not-the-secret", content_type="application/json")
    response = await rig.client.post("/slack/events", data=body.encode(), headers=headers)
    assert 400 <= response.status < 500
    await _come_due(rig)
    assert (await _sync(rig)).outcomes == []

    genuine = json.dumps(event_body({"type": "member_left_channel", "user": "UF00000", "channel": "C0FORGED1"},
                                    event_id="EvGenuine"))
    signed = signed_headers(genuine, SECRET, content_type="application/json")
    assert (await rig.client.post("/slack/events", data=genuine.encode(), headers=signed)).status == 200
    await _come_due(rig)
    assert len((await _sync(rig)).outcomes) == 1  # the genuine event made the source due
    replayed = await rig.client.post("/slack/events", data=genuine.encode(), headers=signed)
    assert replayed.status < 500
    await _come_due(rig)
    assert (await _sync(rig)).outcomes == []  # the replay did not
    assert fake.violations == []


async def test_slack_errors_make_the_source_wait_and_the_next_run_reads_it(rig: SlackRig) -> None:
    fake = rig.fake
    fake.slack_tiers(SCALE)
    fake.set_user(ADMIN, name="sam-admin")
    fake.set_usergroup("S0FLAKY", "flaky", _people(fake, "UX", 4))
    await _command(rig, "team sync Flaky @flaky")
    fake.fail_next("usergroups.list", status=503)
    [outcome] = (await _sync(rig)).outcomes
    assert outcome.error is not None and "server error" in outcome.error and TOKEN_HINT not in outcome.error
    assert await _members(rig, "Flaky") == set()
    rig.clock.advance(timedelta(minutes=6))
    [outcome] = (await _sync(rig)).outcomes
    assert outcome.error is None and outcome.change is not None and outcome.change.members == 4
    assert fake.violations == []
