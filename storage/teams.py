"""Teams and dated memberships (member or manager)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Membership, Person, Team, Workspace, is_row_id


def active_on(day: date):  # a SQL expression
    """Membership rows in force on `day`."""
    return and_(Membership.started_on <= day, or_(Membership.ended_on.is_(None), Membership.ended_on > day))


def active_during(first: date, last: date):  # a SQL expression
    """Membership rows in force on any day from `first` to `last`."""
    return and_(Membership.started_on <= last, or_(Membership.ended_on.is_(None), Membership.ended_on > first))


async def find_team(session: AsyncSession, workspace_id: int, name: str) -> Team | None:
    return await session.scalar(select(Team).where(
        Team.workspace_id == workspace_id, func.lower(Team.name) == name.strip().lower()))


async def get_team(session: AsyncSession, team_id: int) -> Team | None:
    return await session.get(Team, team_id) if is_row_id(team_id) else None


async def add_team(session: AsyncSession, workspace_id: int, name: str, now: datetime) -> Team:
    team = Team(workspace_id=workspace_id, name=name.strip(), created_at=now)
    session.add(team)
    await session.flush()
    return team


async def teams_of_workspace(session: AsyncSession, workspace_id: int) -> list[Team]:
    return list((await session.scalars(select(Team).where(Team.workspace_id == workspace_id)
                                       .order_by(Team.name))).all())


async def current_membership(session: AsyncSession, team_id: int, person_id: int, role: str,
                             today: date) -> Membership | None:
    return await session.scalar(select(Membership).where(
        Membership.team_id == team_id, Membership.person_id == person_id, Membership.role == role,
        active_on(today)))


async def add_membership(session: AsyncSession, team_id: int, person_id: int, role: str, today: date) -> Membership:
    membership = Membership(team_id=team_id, person_id=person_id, role=role, started_on=today)
    session.add(membership)
    await session.flush()
    return membership


async def end_memberships(session: AsyncSession, team_id: int, person_id: int, today: date) -> int:
    """Close every current membership of the person in the team (history is kept)."""
    rows = (await session.scalars(select(Membership).where(
        Membership.team_id == team_id, Membership.person_id == person_id, active_on(today)))).all()
    for row in rows:
        if row.started_on >= today:
            await session.delete(row)  # started today: nothing to keep
        else:
            row.ended_on = today
    await session.flush()
    return len(rows)


async def people_in_team(session: AsyncSession, team_id: int, role: str, today: date) -> list[Person]:
    return list((await session.scalars(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.team_id == team_id, Membership.role == role, active_on(today)).order_by(Person.display_name)
    )).all())


async def managed_teams(session: AsyncSession, person_id: int, today: date) -> list[Team]:
    return list((await session.scalars(select(Team).join(Membership, Membership.team_id == Team.id).where(
        Membership.person_id == person_id, Membership.role == "manager", active_on(today)).order_by(Team.name)
    )).all())


async def member_teams(session: AsyncSession, person_id: int, today: date) -> list[Team]:
    return list((await session.scalars(select(Team).join(Membership, Membership.team_id == Team.id).where(
        Membership.person_id == person_id, Membership.role == "member", active_on(today)).order_by(Team.id)
    )).all())


async def team_managers(session: AsyncSession) -> list[tuple[Team, Person]]:
    """Every (team, current manager) pair: digest recipients. Open-ended memberships only."""
    rows = await session.execute(
        select(Team, Person).join(Membership, Membership.team_id == Team.id)
        .join(Person, Person.id == Membership.person_id)
        .where(Membership.role == "manager", Membership.ended_on.is_(None), Person.active.is_(True)))
    return [(t, p) for t, p in rows]


async def all_teams(session: AsyncSession) -> list[tuple[Team, Workspace]]:
    """Every team with its workspace (operator views such as `python -m bot digest`)."""
    rows = await session.execute(select(Team, Workspace).join(Workspace, Workspace.id == Team.workspace_id)
                                 .order_by(Workspace.id, Team.name))
    return [(t, w) for t, w in rows]


async def current_member_ids(session: AsyncSession, team_id: int, role: str, today: date) -> set[int]:
    """Ids of the people in the team with this role today (one query, for syncing thousands at once)."""
    return set((await session.scalars(select(Membership.person_id).where(
        Membership.team_id == team_id, Membership.role == role, active_on(today)))).all())


async def add_memberships(session: AsyncSession, team_id: int, person_ids: list[int], role: str,
                          today: date) -> None:
    """One executemany, without reading ids back: a sync or import adds thousands at once."""
    if person_ids:
        await session.execute(insert(Membership), [{"team_id": team_id, "person_id": pid, "role": role,
                                                    "started_on": today, "ended_on": None} for pid in person_ids])


async def end_role(session: AsyncSession, team_id: int, person_ids: list[int], role: str, today: date) -> None:
    """Close these people's current memberships with this role: they stop counting from `today`, their past
    stays (a membership that started today is simply removed)."""
    for start in range(0, len(person_ids), 500):
        rows = (await session.scalars(select(Membership).where(
            Membership.team_id == team_id, Membership.person_id.in_(person_ids[start:start + 500]),
            Membership.role == role, active_on(today)))).all()
        for row in rows:
            if row.started_on >= today:
                await session.delete(row)
            else:
                row.ended_on = today
    await session.flush()
