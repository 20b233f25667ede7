"""Platform event ids already handled: a retried or duplicated delivery must have effect once."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SeenEvent
from storage.statements import dialect_name, rows_changed


async def first_time(session: AsyncSession, platform: str, workspace_key: str, event_id: str,
                     now: datetime) -> bool:
    """Record the event id; True only for the first delivery (INSERT ... ON CONFLICT DO NOTHING)."""
    dialect = dialect_name(session)
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SeenEvent).values(platform=platform, workspace_key=workspace_key[:128],
                                         event_id=event_id[:128], seen_at=now).on_conflict_do_nothing(
        index_elements=["platform", "workspace_key", "event_id"])
    result = await session.execute(statement)
    return bool(rows_changed(result))


async def forget_before(session: AsyncSession, cutoff: datetime) -> int:
    """Delete the ids of deliveries seen before `cutoff`; the number deleted."""
    result = await session.execute(delete(SeenEvent).where(SeenEvent.seen_at < cutoff))
    return rows_changed(result)


async def first_times(session: AsyncSession, platform: str, workspace_key: str, event_ids: Sequence[str],
                      now: datetime) -> list[bool]:
    """Record many event ids at once; per id, True only for its first delivery (the first of repeats in the
    batch too). One lookup and one insert however many there are."""
    keys = [event_id[:128] for event_id in event_ids]
    seen = set((await session.scalars(select(SeenEvent.event_id).where(
        SeenEvent.platform == platform, SeenEvent.workspace_key == workspace_key[:128],
        SeenEvent.event_id.in_(keys)))).all())
    firsts = []
    for key in keys:
        firsts.append(key not in seen)
        seen.add(key)
    fresh = [{"platform": platform, "workspace_key": workspace_key[:128], "event_id": key, "seen_at": now}
             for key, first in zip(keys, firsts, strict=True) if first]
    if fresh:
        insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
        await session.execute(insert(SeenEvent.metadata.tables[SeenEvent.__tablename__]).on_conflict_do_nothing(
            index_elements=["platform", "workspace_key", "event_id"]), fresh)
    return firsts
