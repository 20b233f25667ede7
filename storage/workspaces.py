"""Workspaces and their schedules."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Schedule, Workspace


async def get_workspace(session: AsyncSession, workspace_id: int) -> Workspace | None:
    return await session.get(Workspace, workspace_id)


async def find_workspace(session: AsyncSession, platform: str, external_id: str) -> Workspace | None:
    return await session.scalar(
        select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id))


async def all_workspaces(session: AsyncSession) -> list[Workspace]:
    return list((await session.scalars(select(Workspace).order_by(Workspace.id))).all())


async def lock_workspace(session: AsyncSession, workspace_id: int) -> None:
    """Hold the workspace row until the transaction ends (PostgreSQL; SQLite transactions take turns anyway)."""
    await session.execute(select(Workspace.id).where(Workspace.id == workspace_id).with_for_update())


async def add_workspace(session: AsyncSession, *, platform: str, external_id: str, name: str, timezone: str,
                        holiday_country: str, min_group: int, now: datetime) -> Workspace:
    workspace = Workspace(platform=platform, external_id=external_id, name=name, timezone=timezone,
                          holiday_country=holiday_country, min_group=min_group, active=True, created_at=now)
    session.add(workspace)
    await session.flush()
    return workspace


async def get_schedule(session: AsyncSession, workspace_id: int) -> Schedule | None:
    return await session.scalar(select(Schedule).where(Schedule.workspace_id == workspace_id))


async def add_schedule(session: AsyncSession, schedule: Schedule) -> Schedule:
    session.add(schedule)
    await session.flush()
    return schedule


async def active_schedules(session: AsyncSession) -> list[tuple[Workspace, Schedule]]:
    """Every active workspace with its schedule, for the scheduling tick."""
    rows = await session.execute(
        select(Workspace, Schedule).join(Schedule, Schedule.workspace_id == Workspace.id)
        .where(Workspace.active.is_(True)))
    return [(w, s) for w, s in rows]
