"""Team sources: which teams follow a Slack user group or channel, a Teams team or the org chart, when each
is due, who holds its sync lease, and how its last sync went."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Team, TeamSource
from storage.statements import rows_changed


async def source_of(session: AsyncSession, team_id: int) -> TeamSource | None:
    return await session.scalar(select(TeamSource).where(TeamSource.team_id == team_id))


async def sources_of_workspace(session: AsyncSession, workspace_id: int) -> list[tuple[TeamSource, Team]]:
    rows = await session.execute(select(TeamSource, Team).join(Team, Team.id == TeamSource.team_id)
                                 .where(TeamSource.workspace_id == workspace_id).order_by(Team.name))
    return [(source, team) for source, team in rows]


async def sources_of_kind(session: AsyncSession, workspace_id: int, kind: str) -> list[TeamSource]:
    return list((await session.scalars(select(TeamSource).where(
        TeamSource.workspace_id == workspace_id, TeamSource.kind == kind).order_by(TeamSource.id))).all())


async def follow(session: AsyncSession, *, workspace_id: int, team_id: int, kind: str, reference: str, label: str,
                 managers_from_source: bool, requested_by: int | None, now: datetime) -> TeamSource:
    """Make the team follow a source (replacing the one it followed), due at once."""
    source = await source_of(session, team_id)
    if source is None:
        source = TeamSource(workspace_id=workspace_id, team_id=team_id, created_at=now, last_added=0,
                            last_removed=0)
        session.add(source)
    source.kind, source.reference, source.label, source.created_at = kind, reference, label, now
    source.managers_from_source, source.requested_by = managers_from_source, requested_by
    source.due_at, source.last_error, source.last_error_at, source.reported = now, None, None, False
    source.last_synced_at, source.last_added, source.last_removed = None, 0, 0
    await session.flush()
    return source


async def unfollow(session: AsyncSession, team_id: int) -> TeamSource | None:
    source = await source_of(session, team_id)
    if source is not None:
        await session.delete(source)
        await session.flush()
    return source


async def due_sources(session: AsyncSession, now: datetime, kinds: Sequence[str]) -> list[TeamSource]:
    """Sources whose sync is due and which nobody else is syncing, oldest due first."""
    return list((await session.scalars(select(TeamSource).where(
        TeamSource.kind.in_(kinds), TeamSource.due_at.is_not(None), TeamSource.due_at <= now,
        or_(TeamSource.lease_until.is_(None), TeamSource.lease_until < now)).order_by(TeamSource.due_at)
    )).all())


async def mark_due(session: AsyncSession, workspace_id: int, kind: str, references: Sequence[str],
                   when: datetime) -> int:
    """A platform said these sources changed: sync them at `when` (never later than already planned); how many
    sources are known by these references."""
    if not references:
        return 0
    sooner = case((or_(TeamSource.due_at.is_(None), TeamSource.due_at > when), when), else_=TeamSource.due_at)
    result = await session.execute(update(TeamSource).where(
        TeamSource.workspace_id == workspace_id, TeamSource.kind == kind, TeamSource.reference.in_(references))
        .values(due_at=sooner))
    return rows_changed(result)


async def take_lease(session: AsyncSession, source_id: int, owner: str, now: datetime, until: datetime) -> bool:
    """Compare-and-set the source's sync lease: True when `owner` holds it until `until`."""
    result = await session.execute(update(TeamSource).where(
        TeamSource.id == source_id,
        or_(TeamSource.lease_until.is_(None), TeamSource.lease_until < now, TeamSource.lease_owner == owner),
    ).values(lease_owner=owner, lease_until=until))
    return rows_changed(result) > 0


async def release_lease(session: AsyncSession, source_id: int, owner: str) -> None:
    await session.execute(update(TeamSource).where(TeamSource.id == source_id, TeamSource.lease_owner == owner)
                          .values(lease_owner=None, lease_until=None))
