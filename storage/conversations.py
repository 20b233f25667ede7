"""Where each person can be reached proactively: a Slack DM channel or a Teams conversation reference.

One row per person (the newest way to reach them wins); platform-neutral, so any adapter can use it.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationRef, Person


async def get_ref(session: AsyncSession, person_id: int) -> ConversationRef | None:
    return await session.scalar(select(ConversationRef).where(ConversationRef.person_id == person_id))


async def refs_of(session: AsyncSession, person_ids: list[int]) -> dict[int, ConversationRef]:
    """The conversation references of these people, by person id (people without one are left out)."""
    rows = await session.scalars(select(ConversationRef).where(ConversationRef.person_id.in_(person_ids)))
    return {row.person_id: row for row in rows}


async def save_ref(session: AsyncSession, person_id: int, platform: str, channel_id: str | None = None,
                   reference: dict[str, Any] | None = None, *, now: datetime) -> ConversationRef:
    """Insert or replace the person's conversation reference (idempotent: unchanged data is not rewritten)."""
    row = await get_ref(session, person_id)
    if row is None:
        row = ConversationRef(person_id=person_id, platform=platform, channel_id=channel_id, reference=reference,
                              updated_at=now)
        session.add(row)
        await session.flush()
        return row
    if (row.platform, row.channel_id, row.reference) != (platform, channel_id, reference):
        row.platform, row.channel_id, row.reference, row.updated_at = platform, channel_id, reference, now
    return row


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    """The person blocked or removed the bot: stop scheduling them and drop the dead reference.

    They become active again (identify()) and get a fresh reference the next time they write to Tandem.
    """
    person = await session.get(Person, person_id)
    if person is not None:
        person.active = False
    row = await get_ref(session, person_id)
    if row is not None:
        await session.delete(row)
        await session.flush()


async def newest_reference(session: AsyncSession, workspace_id: int, platform: str, *,
                           prefer_channel: str | None = None) -> ConversationRef | None:
    """The most recently saved reference of anyone in the workspace (one in `prefer_channel` first): how an
    adapter reaches the platform for the workspace as a whole, e.g. the Teams service URL to read a roster."""
    query = (select(ConversationRef).join(Person, Person.id == ConversationRef.person_id)
             .where(Person.workspace_id == workspace_id, ConversationRef.platform == platform,
                    ConversationRef.reference.is_not(None))
             .order_by(ConversationRef.updated_at.desc(), ConversationRef.id.desc()).limit(1))
    if prefer_channel:
        preferred = await session.scalar(query.where(ConversationRef.channel_id == prefer_channel))
        if preferred is not None:
            return preferred
    return await session.scalar(query)
