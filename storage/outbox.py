"""The outbox: enqueue once per dedupe key, claim with a lease, mark the outcome.

Enqueueing relies on the unique dedupe key (INSERT ... ON CONFLICT DO NOTHING), so two ticks or two
replicas can never queue the same message twice. Claims use FOR UPDATE SKIP LOCKED on PostgreSQL and
carry a lease, so a claim whose process died expires and is retried. On PostgreSQL a claimer also
holds a session advisory lock while it works: when its process dies the lock goes with the
connection, and its unfinished claims are handed back at once instead of when the lease runs out.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage.models import Outbox
from storage.statements import dialect_name, rows_changed

#: First key of the two-key advisory locks that mark a claimer as alive (the second is its token).
LIVENESS_LOCK_SPACE = 7244112
_CHUNK = 500


def _insert_for(session: AsyncSession):  # a dialect-specific insert()
    return pg_insert if dialect_name(session) == "postgresql" else sqlite_insert


async def enqueue(session: AsyncSession, *, workspace_id: int, person_id: int, kind: str, dedupe_key: str,
                  payload: dict[str, Any], now: datetime, not_before: datetime | None = None,
                  status: str = "pending") -> bool:
    """Queue a message unless one with the same key exists; True when this call queued it."""
    statement = _insert_for(session)(Outbox).values(
        workspace_id=workspace_id, person_id=person_id, kind=kind, dedupe_key=dedupe_key, payload=payload,
        status=status, attempts=0, next_attempt_at=not_before or now, created_at=now,
    ).on_conflict_do_nothing(index_elements=["dedupe_key"])
    result = await session.execute(statement)
    return bool(rows_changed(result))


async def enqueue_many(session: AsyncSession, rows: Sequence[dict[str, Any]], *, now: datetime,
                       status: str = "pending") -> int:
    """Queue many messages in a few statements; rows need workspace_id, person_id, kind, dedupe_key, payload.

    Keys that exist already are left alone; returns how many rows this call queued. Rows are inserted in
    key order so two replicas queueing the same batch wait on each other instead of deadlocking.
    """
    if not rows:
        return 0
    values = [dict(row, status=status, attempts=0, next_attempt_at=row.get("next_attempt_at") or now, created_at=now)
              for row in sorted(rows, key=lambda row: row["dedupe_key"])]
    statement = (_insert_for(session)(Outbox.__table__).on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(Outbox.__table__.c.id))
    return len((await session.execute(statement, values)).all())


def _due(now: datetime):  # a SQL condition
    return or_((Outbox.status == "pending") & (Outbox.next_attempt_at <= now),
               (Outbox.status == "sending") & (Outbox.claimed_until < now))


async def claim_due(session: AsyncSession, *, now: datetime, claimer: str, lease: timedelta,
                    limit: int, exclude_workspaces: Iterable[int] = ()) -> list[Outbox]:
    """Claim up to `limit` rows that are due, or whose earlier claim expired.

    Rows of `exclude_workspaces` (told by the platform to wait) stay where they are. One statement
    (UPDATE ... WHERE id IN (SELECT ... SKIP LOCKED) RETURNING), whatever the batch size.
    """
    candidates = select(Outbox.id).where(_due(now))
    excluded = list(exclude_workspaces)
    if excluded:
        candidates = candidates.where(Outbox.workspace_id.not_in(excluded))
    candidates = candidates.order_by(Outbox.next_attempt_at, Outbox.id).limit(limit)
    if dialect_name(session) == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = await session.scalars(update(Outbox).where(Outbox.id.in_(candidates.scalar_subquery())).values(
        status="sending", claimed_by=claimer, claimed_until=now + lease).returning(Outbox)
        .execution_options(populate_existing=True))
    return sorted(claimed.all(), key=lambda row: (row.next_attempt_at, row.id))


async def mark_sent_many(session: AsyncSession, row_ids: Sequence[int], claimer: str, now: datetime) -> int:
    """Record many deliveries in one statement; returns how many claims were still ours."""
    done = 0
    for start in range(0, len(row_ids), _CHUNK):
        result = await session.execute(update(Outbox).where(
            Outbox.id.in_(row_ids[start:start + _CHUNK]), Outbox.claimed_by == claimer, Outbox.status == "sending",
        ).values(status="sent", sent_at=now, claimed_until=None, attempts=Outbox.attempts + 1)
            .execution_options(synchronize_session=False))
        done += rows_changed(result)
    return done


async def mark_retry(session: AsyncSession, row_id: int, claimer: str, *, next_attempt_at: datetime,
                     error: str, count_attempt: bool = True) -> None:
    """Back to the queue until `next_attempt_at`; `count_attempt=False` when the row was never tried."""
    await session.execute(update(Outbox).where(Outbox.id == row_id, Outbox.claimed_by == claimer).values(
        status="pending", next_attempt_at=next_attempt_at, claimed_until=None, claimed_by=None,
        attempts=Outbox.attempts + (1 if count_attempt else 0), last_error=error[:500])
        .execution_options(synchronize_session=False))


async def mark_final(session: AsyncSession, row_id: int, claimer: str, *, status: str, error: str,
                     now: datetime) -> None:
    """Give a row up for good: `failed` after too many attempts, `skipped` when it no longer applies."""
    await session.execute(update(Outbox).where(Outbox.id == row_id, Outbox.claimed_by == claimer).values(
        status=status, claimed_until=None, attempts=Outbox.attempts + 1, last_error=error[:500], sent_at=now)
        .execution_options(synchronize_session=False))


async def release_claims(session: AsyncSession, claimer: str) -> int:
    """Hand back everything this claimer claimed but did not finish (graceful shutdown, or it died)."""
    result = await session.execute(update(Outbox).where(Outbox.claimed_by == claimer, Outbox.status == "sending")
                                   .values(status="pending", claimed_by=None, claimed_until=None)
                                   .execution_options(synchronize_session=False))
    return rows_changed(result)


def claimer_token(claimer: str) -> int | None:
    """The liveness-lock token at the end of a claimer name `host:pid:token` (None for other names)."""
    tail = claimer.rsplit(":", 1)[-1]
    return int(tail) if tail.isdecimal() else None


async def hold_liveness_lock(connection: AsyncConnection, token: int) -> None:
    """Take the advisory lock that says "claimer `token` is alive" (on a connection held while it works)."""
    await connection.execute(text("SELECT pg_advisory_lock(:space, :token)"),
                             {"space": LIVENESS_LOCK_SPACE, "token": token})


async def drop_liveness_lock(connection: AsyncConnection, token: int) -> None:
    await connection.execute(text("SELECT pg_advisory_unlock(:space, :token)"),
                             {"space": LIVENESS_LOCK_SPACE, "token": token})


async def orphaned_claimers(session: AsyncSession) -> list[str]:
    """Claimers (PostgreSQL) holding rows in `sending` whose liveness lock is gone: their process died."""
    if dialect_name(session) != "postgresql":
        return []
    claimers = [c for c in (await session.scalars(select(Outbox.claimed_by).where(
        Outbox.status == "sending").distinct())).all() if c]
    if not claimers:
        return []
    live = set((await session.scalars(text(
        "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND classid = :space AND objsubid = 2 "
        "AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"space": LIVENESS_LOCK_SPACE})).all())
    return [c for c in claimers if (token := claimer_token(c)) is not None and token not in live]


async def backlog(session: AsyncSession, now: datetime, workspace_id: int | None = None) -> tuple[int, datetime | None]:
    """Rows waiting to go out, and when the oldest of them was queued."""
    query = select(func.count(Outbox.id), func.min(Outbox.created_at)).where(Outbox.status.in_(("pending", "sending")))
    if workspace_id is not None:
        query = query.where(Outbox.workspace_id == workspace_id)
    row = (await session.execute(query)).one()
    return int(row[0] or 0), row[1]


async def counts_since(session: AsyncSession, since: datetime, workspace_id: int | None = None) -> dict[str, int]:
    """Rows per status whose outcome (or, while waiting, whose queueing) falls after `since`."""
    query = select(Outbox.status, func.count(Outbox.id)).where(
        func.coalesce(Outbox.sent_at, Outbox.created_at) >= since)
    if workspace_id is not None:
        query = query.where(Outbox.workspace_id == workspace_id)
    rows = await session.execute(query.group_by(Outbox.status))
    return {status: int(count) for status, count in rows}


async def existing_keys(session: AsyncSession, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    found: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start:start + _CHUNK]
        found.update((await session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(chunk)))).all())
    return found
