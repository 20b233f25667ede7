"""A person's home page (Slack App Home; any channel may show it): their own recent weeks and moments,
the latest digest summary of teams they manage, and for admins the schedule and which teams are synced."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from handlers.context import Ctx
from handlers.identity import person_today
from handlers.personal import HISTORY_WEEKS
from handlers.schedule import describe_schedule
from handlers.teamsync.commands import status_lines
from storage import checkins, digests, moments, teams, workspaces
from storage.calendar import iso_week_of
from storage.models import Person

RECENT_MOMENTS = 5


@dataclass(frozen=True)
class WeekMood:
    iso_week: str
    mean: float
    answers: int


@dataclass(frozen=True)
class RecentMoment:
    local_date: str
    text: str
    outcome: str | None
    touchpoint: str | None


@dataclass(frozen=True)
class TeamSummary:
    """The latest built digest of a team: aggregates only (the privacy rules were applied when it was built)."""

    team: str
    iso_week: str
    summary: dict[str, Any]


@dataclass(frozen=True)
class HomePage:
    display_name: str
    weeks: tuple[WeekMood, ...]
    moments: tuple[RecentMoment, ...]
    paused_until: str | None
    managed: tuple[TeamSummary, ...] = field(default_factory=tuple)
    managed_without_digest: tuple[str, ...] = field(default_factory=tuple)
    schedule: str | None = None
    synced: tuple[str, ...] = field(default_factory=tuple)  # admins: each synced team, its source and last sync


async def home_page(ctx: Ctx, person: Person) -> HomePage:
    """What the person's own home shows; managers and admins see more, never anyone's individual answers."""
    today = person_today(ctx, person)
    entries = await checkins.entries_of_person(ctx.session, person.id, today - timedelta(weeks=HISTORY_WEEKS))
    by_week: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_week[iso_week_of(entry.local_date)].append(entry.score)
    weeks = tuple(WeekMood(week, round(sum(s) / len(s), 1), len(s)) for week, s in sorted(by_week.items()))
    recent = tuple(RecentMoment(m.local_date.isoformat(), m.text, m.outcome, m.touchpoint)
                   for m in await moments.moments_of_person(ctx.session, person.id, limit=RECENT_MOMENTS))
    managed, without = [], []
    for team in await teams.managed_teams(ctx.session, person.id, today):
        run = await digests.latest_run(ctx.session, team.id)
        if run is None:
            without.append(team.name)
        else:
            managed.append(TeamSummary(team.name, run.iso_week, dict(run.summary)))
    schedule: str | None = None
    synced: tuple[str, ...] = ()
    if person.is_admin:
        found = await workspaces.get_schedule(ctx.session, person.workspace_id)
        schedule = describe_schedule(found) if found is not None else None
        synced = tuple(await status_lines(ctx, person.workspace_id, person))
    return HomePage(display_name=person.display_name, weeks=weeks, moments=recent,
                    paused_until=person.paused_until.isoformat() if person.paused_until else None,
                    managed=tuple(managed), managed_without_digest=tuple(without), schedule=schedule,
                    synced=synced)
