"""A workspace, a team, its people (members and managers) and their check-in answers, written straight into the
database for tests whose subject comes after that (actions, shared notes and their conversations).

Making teams by command is tested on its own (tests/integration/test_admin.py and the channel end-to-end tests);
here it would only be slow set-up that every such test repeats and no test is about.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership, MoodEntry, Person, Prompt, Team, Workspace

LONG_AGO = date(2025, 1, 6)  # memberships start well before any week a test looks at


class Org(NamedTuple):
    """What `seed_org` wrote (a tuple, so a test unpacks the parts it uses): the workspace, its team, its people."""

    workspace: Workspace
    team: Team
    people: list[Person]


async def seed_org(session: AsyncSession, *, people: int, now: datetime) -> Org:
    """A console workspace with `people` people named u0, u1, ... and one team "support", nobody in it yet (storage
    queries take team and person ids; `seed_team` adds memberships where a test needs them)."""
    workspace = Workspace(platform="console", external_id="w", name="w", timezone="UTC", min_group=5,
                          created_at=now)
    session.add(workspace)
    await session.flush()
    seeded = [Person(workspace_id=workspace.id, platform_user_id=f"u{i}", display_name=f"U{i}", created_at=now)
              for i in range(people)]
    session.add_all(seeded)
    return Org(workspace, await seed_team(session, workspace.id, "support", now=now), seeded)


async def seed_team(session: AsyncSession, workspace_id: int, name: str, *, now: datetime,
                    managers: Sequence[Person] = (), members: Sequence[Person] = (),
                    since: date = LONG_AGO) -> Team:
    """A team with its managers and members, their memberships dated from `since` so that seeded weeks count."""
    team = Team(workspace_id=workspace_id, name=name, created_at=now)
    session.add(team)
    await session.flush()
    session.add_all([Membership(team_id=team.id, person_id=p.id, role="manager", started_on=since) for p in managers]
                    + [Membership(team_id=team.id, person_id=p.id, role="member", started_on=since) for p in members])
    await session.flush()
    return team


async def seed_answers(session: AsyncSession, people: Sequence[Person], *, at: datetime, score: int = 3,
                       notes: Sequence[str | None] | None = None,
                       apart: timedelta = timedelta(0)) -> list[MoodEntry]:
    """One check-in per person sent at `at` (open 16 hours) and answered with `score`, the i-th person's answer
    `apart` later than the one before and with `notes[i]` as its note (none when `notes` is None)."""
    entries = []
    for i, person in enumerate(people):
        prompt = Prompt(person_id=person.id, slot="checkin", local_date=at.date(), due_at=at, sent_at=at,
                        closes_at=at + timedelta(hours=16))
        session.add(prompt)
        await session.flush()
        entry = MoodEntry(prompt_id=prompt.id, person_id=person.id, local_date=at.date(), score=score,
                          note=None if notes is None else notes[i], sentiment_version="test",
                          answered_at=at + i * apart, updated_at=at)
        session.add(entry)
        entries.append(entry)
    await session.flush()
    return entries
