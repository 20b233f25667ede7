"""Alert episodes (one alert per episode of a team's drop) and which team-weeks were already checked."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class AlertEpisode(Base):
    """A stretch of weeks in which one alert condition held for a team; it ends when the condition clears."""

    __tablename__ = "alert_episodes"
    __table_args__ = (Index("ix_alert_episodes_team_kind", "team_id", "kind", "ended_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # low_mood | mood_streak | participation
    started_week: Mapped[str] = mapped_column(String(8))
    last_week: Mapped[str] = mapped_column(String(8))
    ended_week: Mapped[str | None] = mapped_column(String(8))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class AlertCheck(Base):
    """A team-week whose alerts were evaluated, so the minute tick evaluates each week once."""

    __tablename__ = "alert_checks"
    __table_args__ = (UniqueConstraint("team_id", "iso_week", name="uq_alert_checks_team_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    iso_week: Mapped[str] = mapped_column(String(8))
    checked_at: Mapped[datetime]


async def unchecked(session: AsyncSession, team_ids: Sequence[int], iso_week: str) -> list[int]:
    if not team_ids:
        return []
    done = set((await session.scalars(select(AlertCheck.team_id).where(
        AlertCheck.team_id.in_(list(team_ids)), AlertCheck.iso_week == iso_week))).all())
    return [t for t in team_ids if t not in done]


async def mark_checked(session: AsyncSession, team_ids: Sequence[int], iso_week: str, now: datetime) -> None:
    if not team_ids:
        return
    insert = pg_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(AlertCheck).values(
        [dict(team_id=t, iso_week=iso_week, checked_at=now) for t in team_ids]).on_conflict_do_nothing(
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


async def episodes_of(session: AsyncSession, team_id: int) -> list[AlertEpisode]:
    return list((await session.scalars(select(AlertEpisode).where(AlertEpisode.team_id == team_id)
                                       .order_by(AlertEpisode.id))).all())
