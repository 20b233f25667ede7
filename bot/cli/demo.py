"""`python -m bot demo`: a simulated organisation runs through the real code paths for a few weeks.

A simulated clock drives the real scheduling tick; check-ins reach simulated employees through the
console channel's messenger, and they answer, add notes and log customer moments by typing into
console sessions exactly as a person would. Digests are built by the real digest code when the
scheduler sends them to managers, and written to --out (text, JSON and chart each, and one index.html
that shows them all as a manager reads them). In the simulation, one team's wellbeing sinks for a few
weeks and its customer moments worsen a week later; some people share their notes with their manager, and when
the sinking team's digest shows the drop, its manager answers a shared note and records an action, which the team
hears about and says whether it helps — so later digests show what followed the action.
"""
from __future__ import annotations

import json
import logging
import math
import random
import shutil
import time as wallclock
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.cli.cx import import_csv
from bot.cli.demo_page import render_page
from bot.cli.demo_story import MOMENTS, NAMES, NOTES, RATING_COMMENTS, TEAMS, TeamStory
from bot.config import Settings
from bot.console.messenger import CONSOLE_PLATFORM
from bot.console.render import render_digest_text
from bot.console.session import ConsoleSession
from bot.delivery.dispatcher import Dispatcher
from bot.wiring import Deps, build_ready
from handlers.cx.csv_rows import CsvLayout
from handlers.messages import ActionAnnouncement, DigestMessage, Message, MoodPrompt
from handlers.ports import Recipient, SimulatedClock

START = datetime(2026, 9, 7, tzinfo=UTC)  # a Monday; the simulated weeks are fixed so runs are comparable
# The server ticks every minute; the demo ticks hourly through the working day of its three time zones
# (London, Berlin, New York) on weekdays, which is when anything in its schedule falls due.
TICK_HOURS_UTC = (5, 21)


@dataclass
class DemoOptions:
    employees: int | None = None
    weeks: int = 8
    seed: int = 7
    out: str = "demo-output"


@dataclass
class SimPerson:
    handle: str
    team: TeamStory
    offset: float
    session: ConsoleSession


ACTION = "Two more people on the support queue and no meetings on Fridays until the backlog is cleared"
REPLY = "Thank you for telling us. We're adding people to the queue this week; tell me if it helps."
SHARE_SHARE = 0.3  # of notes written, the share their author sends to the manager anonymously
HELPS_SHARE = 0.7  # of members told about the action, the share who say it helps (the others say it doesn't)


@dataclass
class Managers:
    """The managers' console sessions and what they have done, so each acts once."""

    sessions: dict[str, ConsoleSession] = field(default_factory=dict)  # team name → its manager
    acted: set[str] = field(default_factory=set)  # teams whose manager has answered the slump


@dataclass
class DemoMessenger:
    """Collects what the scheduler delivers, for the simulated people and managers to act on."""

    inbox: list[tuple[Recipient, Message]] = field(default_factory=list)

    async def send(self, recipient: Recipient, message: Message) -> None:
        self.inbox.append((recipient, message))


def _team_sizes(options: DemoOptions, rng: random.Random) -> list[int]:
    if options.employees is None:
        return [rng.randint(6, 12) for _ in TEAMS]
    if options.employees < 3 * len(TEAMS):
        raise ValueError(f"--employees must be at least {3 * len(TEAMS)} (three teams of at least three)")
    base, extra = divmod(options.employees, len(TEAMS))
    return [base + (1 if i < extra else 0) for i in range(len(TEAMS))]


async def run_demo(settings: Settings, options: DemoOptions) -> int:
    if not 1 <= options.weeks <= 52:
        raise ValueError("--weeks must be between 1 and 52")
    started = wallclock.perf_counter()
    logging.getLogger("tandem.scheduler").setLevel(logging.WARNING)
    out = Path(options.out)
    if out.exists():
        shutil.rmtree(out)
    (out / "digests").mkdir(parents=True)
    db_path = out / "demo.db"
    rng = random.Random(options.seed)
    story_rng = random.Random(options.seed + 1)  # sharing, replies and feedback: the main sequence stays as it was
    clock = SimulatedClock(START)
    deps = await build_ready(settings, clock=clock, database_url=f"sqlite:///{db_path}")
    messenger = DemoMessenger()
    deps.messengers[CONSOLE_PLATFORM] = messenger
    transcript: list[str] = []
    try:
        managers = Managers()
        people = await _set_up_organisation(deps, rng, _team_sizes(options, rng), transcript, managers)
        dispatcher = Dispatcher(deps, seed=options.seed)
        by_handle = {p.handle: p for p in people}
        digests: list[DigestMessage] = []
        end = START + timedelta(weeks=options.weeks, days=1)
        moment_hours: dict[tuple[str, str], bool] = {}
        now = START
        while now < end:
            if now.weekday() < 5 and TICK_HOURS_UTC[0] <= now.hour <= TICK_HOURS_UTC[1]:
                clock.set(now)
                await dispatcher.tick()
                await _act_on_inbox(messenger, by_handle, options, (rng, story_rng), now, digests, managers)
                await _log_moments(people, rng, now, moment_hours, options)
                if now.weekday() == 4 and now.hour == TICK_HOURS_UTC[1]:
                    await _import_ratings(deps, people, rng, now, options, out)
            now += timedelta(hours=1)
        written = _write_outputs(out, digests, transcript, options)
        summary = _summary(out, written, people, wallclock.perf_counter() - started)
        (out / "summary.txt").write_text(summary + "\n", encoding="utf-8")
        (out / "index.html").write_text(render_page(written, summary.split("\n", 2)[2]), encoding="utf-8")
        print(summary)
    finally:
        await deps.close()
    return 0


async def _set_up_organisation(deps, rng: random.Random, sizes: list[int],
                               transcript: list[str], managers: Managers) -> list[SimPerson]:
    """People make first contact; the admin builds teams with the real admin commands."""
    names = iter(rng.sample(NAMES, k=min(len(NAMES), sum(sizes) + len(TEAMS) + 1)))
    admin = ConsoleSession(deps, "ada", lambda text: transcript.append(f"tandem> {text}"), display_name="Ada")
    await admin.greet()  # the first person in an empty workspace becomes its admin
    people: list[SimPerson] = []
    for story, size in zip(TEAMS, sizes):
        await _say(admin, transcript, f'tandem team create "{story.name}"')
        handles = []
        for _ in range(size):
            handle = next(names).lower()
            session = ConsoleSession(deps, handle, lambda text: None, display_name=handle.capitalize(),
                                     timezone=story.timezone, email=_email(handle))  # as Slack would give it
            await session.greet()
            people.append(SimPerson(handle, story, rng.gauss(0, 0.35), session))
            handles.append(handle)
        manager = next(names).lower()
        boss = ConsoleSession(deps, manager, lambda text: None, display_name=manager.capitalize(),
                              timezone=story.timezone)
        await boss.greet()
        managers.sessions[story.name] = boss
        await _say(admin, transcript, f'tandem team add "{story.name}" ' + " ".join(f"@{h}" for h in handles))
        await _say(admin, transcript, f'tandem team manager "{story.name}" @{manager}')
    await _say(admin, transcript, "tandem schedule show")
    return people


async def _say(session: ConsoleSession, transcript: list[str], line: str) -> None:
    transcript.append(f"{session.caller.user_id}> {line}")
    await session.handle_line(line)


def _mood_for(person: SimPerson, week: int, weeks: int, rng: random.Random) -> int:
    level = person.team.baseline + person.offset + person.team.mood_shift(week, weeks) + rng.gauss(0, 0.7)
    return max(1, min(5, round(level)))


async def _act_on_inbox(messenger: DemoMessenger, by_handle: dict[str, SimPerson], options: DemoOptions,
                        rngs: tuple[random.Random, random.Random], now: datetime, digests: list[DigestMessage],
                        managers: Managers) -> None:
    week = (now - START).days // 7
    rng, story_rng = rngs
    pending, messenger.inbox = messenger.inbox, []
    for recipient, message in pending:
        if isinstance(message, DigestMessage):
            if message.report.week_start >= START.date():  # the first Monday's digest covers a week before the story
                digests.append(message)
                await _answer_the_slump(message, managers)
            continue
        person = by_handle.get(recipient.platform_user_id)
        if person is not None and isinstance(message, ActionAnnouncement):
            verb = "helps" if story_rng.random() < HELPS_SHARE else "no-help"
            await person.session.handle_line(f"tandem action {verb} {person.team.name} 1")
            continue
        if person is None or not isinstance(message, MoodPrompt):
            continue
        willing = person.team.participation(week, options.weeks) * (0.5 if message.reminder else 1.0)
        if rng.random() > willing:
            continue
        score = _mood_for(person, week, options.weeks, rng)
        person.session.expect_mood(message.prompt_id)
        await person.session.handle_line(str(score))
        note = rng.choice(NOTES[score]) if rng.random() < 0.35 else ""
        await person.session.handle_line(note)
        if note:  # the console then asks whether to share it with the manager, anonymously
            await person.session.handle_line("yes" if story_rng.random() < SHARE_SHARE else "no")


async def _answer_the_slump(message: DigestMessage, managers: Managers) -> None:
    """When a digest first shows its team's mood going down, the manager replies to a shared note and records an
    action, with the same commands a manager types."""
    report = message.report
    trend = report.mood.trend if report.mood else None
    sinking = {story.name for story in TEAMS if story.sinks}  # the story's action is about its slump
    if report.team not in sinking or report.team in managers.acted or trend is None or trend.direction != "down":
        return
    managers.acted.add(report.team)
    boss = managers.sessions[report.team]
    if report.shared_notes:
        await boss.handle_line(f"tandem reply {report.shared_notes[0].number} {REPLY}")
    await boss.handle_line(f"tandem action add {report.team} {ACTION}")


async def _log_moments(people: list[SimPerson], rng: random.Random, now: datetime,
                       done: dict[tuple[str, str], bool], options: DemoOptions) -> None:
    """Now and then, in their afternoon, people log a customer moment with the /moment grammar."""
    week = (now - START).days // 7
    for person in people:
        local = now.astimezone(person.team.zone)
        if local.weekday() >= 5 or local.hour != 15 or rng.random() > 0.4:
            continue
        key = (person.handle, local.date().isoformat())
        if done.get(key):
            continue
        done[key] = True
        positive_share = person.team.customer_quality(week, options.weeks)
        roll = rng.random()
        outcome = "positive" if roll < positive_share else ("mixed" if roll < positive_share + 0.15 else "negative")
        text = rng.choice(MOMENTS[outcome])
        touchpoint = rng.choice(person.team.touchpoints)
        await person.session.handle_line(f"moment {text} outcome:{outcome} touchpoint:{touchpoint}")


async def _import_ratings(deps: Deps, people: list[SimPerson], rng: random.Random, now: datetime,
                          options: DemoOptions, out: Path) -> None:
    """Every Friday evening, the helpdesk's export of the week's customer ratings (1-5, some with a comment)
    is imported through the same CSV road as `python -m bot cx import`."""
    week = (now - START).days // 7
    lines = ["rated_at,agent_email,rating,scale,comment,ticket_id"]
    for person in people:
        for n in range(rng.randint(5, 12)):
            satisfied = rng.random() < person.team.satisfied_share(week, options.weeks)
            rating = rng.choice((4, 5, 5)) if satisfied else rng.choice((1, 2, 3))
            comment = rng.choice(RATING_COMMENTS[satisfied]) if rng.random() < 0.3 else ""
            at = (now - timedelta(days=rng.randint(0, 4))).replace(hour=rng.randint(9, 16), minute=rng.randint(0, 59))
            lines.append(f"{at:%Y-%m-%dT%H:%M:%SZ},{_email(person.handle)},{rating},1-5,\"{comment}\","
                         f"DEMO-{person.handle}-{now:%Y%m%d}-{n}")
    export = out / "helpdesk-ratings.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with export.open("rb") as raw:
        report = await import_csv(deps, raw, CsvLayout(source="helpdesk"))
    if report.errors:
        raise RuntimeError(f"the demo's ratings export did not import: {report.summary(False)}")


def _email(handle: str) -> str:
    return f"{handle}@demo.example"


def _write_outputs(out: Path, digests: list[DigestMessage], transcript: list[str],
                   options: DemoOptions) -> list[DigestMessage]:
    """Each team-week's digest once, as text, JSON and its chart (PNG) side by side; the ones written."""
    written: dict[tuple[str, str], DigestMessage] = {}
    for message in digests:
        report = message.report
        if (report.team, report.iso_week) in written:
            continue
        written[(report.team, report.iso_week)] = message
        stem = out / "digests" / f"{report.iso_week}-{report.team.lower().replace(' ', '-')}"
        stem.with_suffix(".txt").write_text(render_digest_text(report) + "\n", encoding="utf-8")
        stem.with_suffix(".json").write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        if message.chart_png:
            stem.with_suffix(".png").write_bytes(message.chart_png)
    (out / "admin-session.txt").write_text("\n".join(transcript) + "\n", encoding="utf-8")
    (out / "options.json").write_text(json.dumps(options.__dict__, indent=2) + "\n", encoding="utf-8")
    return list(written.values())


def _fmt(value: float | None, spec: str) -> str:
    return "  —  " if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)


def _summary(out: Path, messages: list[DigestMessage], people: list[SimPerson], seconds: float) -> str:
    """What the run produced, the page to open first: mood and positive moments per team and week."""
    digests = [m.report for m in messages]
    teams = sorted({d.team for d in digests})
    weeks = sorted({d.iso_week for d in digests})
    latest = {(d.team, d.iso_week): d for d in digests}
    lines = [f"Open {out / 'index.html'} to read every digest as a manager does (charts included).", "",
             f"Tandem demo: {len(people)} employees in {len(teams)} teams, {len(weeks)} weekly digests per team "
             f"({seconds:.1f} s).", "",
             "Mood (mean of 1–5), share of positive customer moments and helpdesk CSAT, by week:"]
    lines.append("week       " + "".join(f"{t:>31}" for t in teams))
    for week in weeks:
        cells = []
        for team in teams:
            d = latest.get((team, week))
            mood = d.mood.mean if d and d.mood else None
            pos = d.moments.share_positive if d else None
            csat = d.customer_ratings.csat if d and d.customer_ratings else None
            cells.append(f"{_fmt(mood, '.2f'):>10}  {_fmt(None if pos is None else pos * 100, '3.0f'):>5}% pos "
                         f"{_fmt(csat, '3.0f'):>5}% CSAT")
        lines.append(f"{week}   " + "".join(f"{c:>31}" for c in cells))
    sinking = next((t.name for t in TEAMS if t.sinks), None)
    if sinking:
        lines += ["", f"{sinking}'s wellbeing sinks mid-way; its customer moments and its customers' CSAT "
                  "follow a week later."]
    lines += ["", f"Digests (text + JSON + chart PNG): {out / 'digests'}/",
              f"Admin's console session:  {out / 'admin-session.txt'}",
              f"Database of the run:      {out / 'demo.db'}"]
    return "\n".join(lines)
