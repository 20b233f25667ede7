"""Customer ratings summed per team and week: each rating counts for the team its agent was a member of
on the day it was given, in the agent's own time zone (people's email, or an admin's link, names the agent).

Plain sums and the set of rated agents per team-week: the privacy rules (at least min_group agents, the
overlap rule over agents) are applied by handlers from these, and settled weeks are sealed in team_weeks.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.calendar import utc_midnight, zone
from storage.models import Membership, Person, Team, Workspace
from storage.ratings import agent_people, ratings_between
from storage.teams import active_during

ZONE_SLACK = timedelta(days=1)  # local days run up to 14 hours either side of UTC


@dataclass
class CsatWeek:
    """One team-week of ratings; `agents` are person ids, used for privacy rules only, never shown."""

    ratings: int = 0
    satisfied: int = 0
    comments: int = 0
    comment_sum: float = 0.0
    agents: set[int] = field(default_factory=set)
    comment_agents: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)
    comment_texts: list[tuple[int, str, float]] = field(default_factory=list)  # (agent, text, polarity); themes


async def csat_weeks(session: AsyncSession, first: date, last: date, team_ids: Sequence[int], *,
                     with_comments: bool = False) -> dict[int, CsatWeek]:
    """Ratings given on local dates first..last (inclusive) per team, attributed through memberships.
    `with_comments`: also keep the comments' texts (for themes; figures never need them)."""
    ids = list(team_ids)
    if not ids:
        return {}
    start = utc_midnight(first) - ZONE_SLACK
    end = utc_midnight(last + timedelta(days=1)) + ZONE_SLACK
    ratings = await ratings_between(session, start, end, with_comments=with_comments)
    if not ratings:
        return {}
    workspaces = (await session.execute(select(Team.workspace_id).where(Team.id.in_(ids)).distinct())).scalars().all()
    agents: dict[str, list[int]] = defaultdict(list)
    for workspace_id in workspaces:
        for email, person_id in (await agent_people(session, workspace_id)).items():
            agents[email].append(person_id)
    people = {pid for pids in agents.values() for pid in pids}
    if not people:
        return {}
    zones = {pid: zone(tz, wtz) for pid, tz, wtz in (await session.execute(
        select(Person.id, Person.timezone, Workspace.timezone).join(Workspace, Person.workspace_id == Workspace.id)
        .where(Person.id.in_(people)))).all()}
    memberships: dict[int, list[tuple[int, date, date | None]]] = defaultdict(list)
    for team_id, person_id, started, ended in (await session.execute(select(
            Membership.team_id, Membership.person_id, Membership.started_on, Membership.ended_on).where(
            Membership.role == "member", Membership.team_id.in_(ids), Membership.person_id.in_(people),
            active_during(first, last)))).all():
        memberships[person_id].append((team_id, started, ended))
    found: dict[int, CsatWeek] = defaultdict(CsatWeek)
    for rating in ratings:
        for person_id in agents.get(rating.agent_email or "", ()):
            day = rating.rated_at.astimezone(zones.get(person_id, ZoneInfo("UTC"))).date()
            if not first <= day <= last:
                continue
            for team_id, started, ended in memberships.get(person_id, ()):
                if started <= day and (ended is None or day < ended):
                    week = found[team_id]
                    week.ratings += 1
                    week.satisfied += rating.satisfied
                    week.agents.add(person_id)
                    week.sources.add(rating.source)
                    if rating.comment_polarity is not None:
                        week.comments += 1
                        week.comment_sum += rating.comment_polarity
                        week.comment_agents.add(person_id)
                        if rating.comment and rating.comment.strip():
                            week.comment_texts.append((person_id, rating.comment, rating.comment_polarity))
    return dict(found)
