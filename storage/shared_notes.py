"""Shared notes and their conversations: numbered at random per team, never listed by who wrote them or when.

Callers hold the session and its transaction; nothing here commits.
"""
from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MoodEntry, SharedNote, SharedNoteMessage

NUMBER_LOW, NUMBER_HIGH = 100, 999  # three digits, easy to type; drawn at random so N tells nothing of order
VISIBLE = ("open", "closed")  # withdrawn notes vanish from every feed and digest


async def _free_number(session: AsyncSession, workspace_id: int) -> int:
    """A random number unused in the workspace (so `reply N` never needs a team, and unique per team too);
    the range widens once half of the three digits are taken."""
    taken = set((await session.scalars(select(SharedNote.number)
                                       .where(SharedNote.workspace_id == workspace_id))).all())
    high = NUMBER_HIGH
    while len(taken) >= (high - NUMBER_LOW + 1) // 2:
        high = high * 10 + 9
    while True:
        candidate = NUMBER_LOW + secrets.randbelow(high - NUMBER_LOW + 1)
        if candidate not in taken:
            return candidate


async def share_note(session: AsyncSession, *, workspace_id: int, team_id: int, mood_entry_id: int,
                     author_id: int, iso_week: str) -> SharedNote:
    """Share an entry's note (once: sharing it again returns the existing note)."""
    existing = await session.scalar(select(SharedNote).where(SharedNote.mood_entry_id == mood_entry_id))
    if existing is not None:
        return existing
    note = SharedNote(workspace_id=workspace_id, team_id=team_id, mood_entry_id=mood_entry_id,
                      author_id=author_id, iso_week=iso_week, number=await _free_number(session, workspace_id),
                      status="open")
    session.add(note)
    await session.flush()
    return note


async def note_by_id(session: AsyncSession, note_id: int) -> SharedNote | None:
    return await session.get(SharedNote, note_id)


async def message_by_id(session: AsyncSession, message_id: int) -> SharedNoteMessage | None:
    return await session.get(SharedNoteMessage, message_id)


async def note_texts(session: AsyncSession, notes: Sequence[SharedNote]) -> dict[int, str | None]:
    """Each note's text by note id, in one query: the text lives once, in the check-in answer it was shared from
    (None once that answer's note is gone)."""
    entries = sorted({n.mood_entry_id for n in notes})
    if not entries:
        return {}
    rows = (await session.execute(select(MoodEntry.id, MoodEntry.note).where(MoodEntry.id.in_(entries)))).all()
    text = {row.id: row.note for row in rows}
    return {n.id: text.get(n.mood_entry_id) for n in notes}


async def note_by_number(session: AsyncSession, team_id: int, number: int) -> SharedNote | None:
    return await session.scalar(select(SharedNote).where(SharedNote.team_id == team_id,
                                                         SharedNote.number == number))


async def note_in_workspace(session: AsyncSession, workspace_id: int, number: int) -> SharedNote | None:
    return await session.scalar(select(SharedNote).where(SharedNote.workspace_id == workspace_id,
                                                         SharedNote.number == number))


async def visible_notes(session: AsyncSession, team_id: int, iso_week: str) -> list[SharedNote]:
    """A team-week's notes in number order — random, so not the order people answered in."""
    return list((await session.scalars(select(SharedNote).where(
        SharedNote.team_id == team_id, SharedNote.iso_week == iso_week, SharedNote.status.in_(VISIBLE))
        .order_by(SharedNote.number))).all())


async def notes_of_author(session: AsyncSession, author_id: int) -> list[SharedNote]:
    return list((await session.scalars(select(SharedNote).where(SharedNote.author_id == author_id)
                                       .order_by(SharedNote.iso_week, SharedNote.number))).all())


async def add_message(session: AsyncSession, *, note: SharedNote, side: str, sender_id: int | None, text: str,
                      now: datetime) -> SharedNoteMessage:
    if side not in ("manager", "author"):
        raise ValueError(f"unknown side {side!r}")
    message = SharedNoteMessage(note_id=note.id, side=side, sender_id=sender_id, text=text, at=now)
    session.add(message)
    await session.flush()
    return message


async def messages_of(session: AsyncSession, note_id: int) -> list[SharedNoteMessage]:
    return list((await session.scalars(select(SharedNoteMessage).where(SharedNoteMessage.note_id == note_id)
                                       .order_by(SharedNoteMessage.id))).all())


async def set_status(session: AsyncSession, note: SharedNote, status: str) -> bool:
    """Close or withdraw an open (or, for withdraw, closed) note; False when nothing changed."""
    if status not in ("closed", "withdrawn") or note.status == "withdrawn" or note.status == status:
        return False
    note.status = status
    await session.flush()
    return True


async def forget_person(session: AsyncSession, person_id: int) -> None:
    """Delete the person's shared notes (with their whole conversations) and the messages they sent as a
    manager on others' notes."""
    own = select(SharedNote.id).where(SharedNote.author_id == person_id).scalar_subquery()
    await session.execute(delete(SharedNoteMessage).where(or_(SharedNoteMessage.note_id.in_(own),
                                                              SharedNoteMessage.sender_id == person_id)))
    await session.execute(delete(SharedNote).where(SharedNote.author_id == person_id))
