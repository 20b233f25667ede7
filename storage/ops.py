"""Figures for operators (/metrics, /healthz): read across all replicas from the database."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MoodEntry, Outbox


@dataclass
class OutboxFigures:
    rows: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, status) -> count
    retries: int = 0


async def outbox_figures(session: AsyncSession) -> OutboxFigures:
    figures = OutboxFigures()
    grouped = await session.execute(select(Outbox.kind, Outbox.status, func.count(Outbox.id),
                                           func.coalesce(func.sum(Outbox.attempts), 0))
                                    .group_by(Outbox.kind, Outbox.status))
    for kind, status, count, attempts in grouped:
        figures.rows[(kind, status)] = int(count)
        finished = int(count) if status in ("sent", "failed") else 0
        figures.retries += max(int(attempts) - finished, 0)
    return figures


async def answered_checkins(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(MoodEntry.id))) or 0)
