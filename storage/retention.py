"""Deleting old words while keeping the numbers: notes and moment text past the retention period."""
from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CustomerMoment, MoodEntry
from storage.statements import rows_changed

REMOVED_TEXT = ""


async def purge_text_before(session: AsyncSession, cutoff: date) -> tuple[int, int]:
    """Blank notes and moment text (and customer references, source links) dated before `cutoff`.

    Mood scores, note and moment sentiment, outcomes and touchpoints stay, so digests and trends
    are unchanged. Returns (notes removed, moments blanked).
    """
    notes = await session.execute(update(MoodEntry).where(MoodEntry.local_date < cutoff, MoodEntry.note.is_not(None))
                                  .values(note=None))
    moments = await session.execute(update(CustomerMoment).where(
        CustomerMoment.local_date < cutoff, CustomerMoment.text != REMOVED_TEXT,
    ).values(text=REMOVED_TEXT, customer_ref=None, source_link=None))
    return rows_changed(notes), rows_changed(moments)
