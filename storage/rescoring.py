"""Rows whose sentiment was scored by another scorer version, for `python -m bot rescore`."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CustomerMoment, CustomerRating, MoodEntry


def _stale_note(version: str):  # SQL expression
    return (MoodEntry.note.is_not(None)) & or_(MoodEntry.sentiment_version.is_(None),
                                                 MoodEntry.sentiment_version != version)


async def count_stale(session: AsyncSession, version: str) -> int:
    notes = await session.scalar(select(func.count(MoodEntry.id)).where(_stale_note(version)))
    moments = await session.scalar(select(func.count(CustomerMoment.id)).where(
        CustomerMoment.sentiment_version != version))
    comments = await session.scalar(select(func.count(CustomerRating.id)).where(_stale_comment(version)))
    return int(notes or 0) + int(moments or 0) + int(comments or 0)


def _stale_comment(version: str):
    return (CustomerRating.comment.is_not(None)) & or_(CustomerRating.sentiment_version.is_(None),
                                                         CustomerRating.sentiment_version != version)


async def stale_comments(session: AsyncSession, version: str, after_id: int, limit: int) -> list[CustomerRating]:
    """Customers' comments (still held: retention blanks old ones) scored by another version."""
    return list((await session.scalars(select(CustomerRating).where(
        _stale_comment(version), CustomerRating.id > after_id).order_by(CustomerRating.id).limit(limit))).all())


async def stale_notes(session: AsyncSession, version: str, after_id: int, limit: int) -> list[MoodEntry]:
    return list((await session.scalars(select(MoodEntry).where(_stale_note(version), MoodEntry.id > after_id)
                                       .order_by(MoodEntry.id).limit(limit))).all())


async def stale_moments(session: AsyncSession, version: str, after_id: int, limit: int) -> list[CustomerMoment]:
    return list((await session.scalars(select(CustomerMoment).where(
        CustomerMoment.sentiment_version != version, CustomerMoment.id > after_id)
        .order_by(CustomerMoment.id).limit(limit))).all())
