"""Alert episodes (one alert per episode of a team's drop) and which team-weeks were already checked."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AlertCheck, AlertEpisode
from storage.statements import dialect_name


async def unchecked(session: AsyncSession, team_ids: Sequence[int], iso_week: str) -> list[int]:
    if not team_ids:
        return []
    done = set((await session.scalars(select(AlertCheck.team_id).where(
        AlertCheck.team_id.in_(list(team_ids)), AlertCheck.iso_week == iso_week))).all())
    return [t for t in team_ids if t not in done]


async def mark_checked(session: AsyncSession, team_ids: Sequence[int], iso_week: str, now: datetime) -> None:
    if not team_ids:
        return
    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    await session.execute(insert(AlertCheck).values(
        [{"team_id": t, "iso_week": iso_week, "checked_at": now} for t in team_ids]).on_conflict_do_nothing(
        index_elements=["team_id", "iso_week"]))


async def open_episodes(session: AsyncSession, team_ids: Sequence[int]) -> dict[tuple[int, str], AlertEpisode]:
    rows = await session.scalars(select(AlertEpisode).where(AlertEpisode.team_id.in_(list(team_ids)),
                                                            AlertEpisode.ended_week.is_(None)))
    return {(row.team_id, row.kind): row for row in rows}


async def start_episode(session: AsyncSession, *, team_id: int, kind: str, iso_week: str, detail: dict[str, Any],
                        now: datetime) -> AlertEpisode:
    episode = AlertEpisode(team_id=team_id, kind=kind, started_week=iso_week, last_week=iso_week, ended_week=None,
                           detail=detail, created_at=now)
    session.add(episode)
    await session.flush()
    return episode
