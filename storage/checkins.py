"""Prompts and mood entries."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MoodEntry, Person, Prompt, is_row_id
from storage.statements import dialect_name


async def find_prompt(session: AsyncSession, person_id: int, local_date: date, slot: str) -> Prompt | None:
    return await session.scalar(select(Prompt).where(
        Prompt.person_id == person_id, Prompt.local_date == local_date, Prompt.slot == slot))


async def get_prompt(session: AsyncSession, prompt_id: int) -> Prompt | None:
    return await session.get(Prompt, prompt_id) if is_row_id(prompt_id) else None


async def prompts_by_id(session: AsyncSession, prompt_ids: list[int]) -> dict[int, Prompt]:
    return {p.id: p for p in (await session.scalars(select(Prompt).where(Prompt.id.in_(prompt_ids)))).all()}


async def answered_prompt_ids(session: AsyncSession, prompt_ids: list[int]) -> set[int]:
    """Which of these prompts already have a mood entry."""
    return set((await session.scalars(select(MoodEntry.prompt_id).where(MoodEntry.prompt_id.in_(prompt_ids)))).all())


async def add_prompt(session: AsyncSession, *, person_id: int, local_date: date, slot: str, due_at: datetime,
                     closes_at: datetime) -> Prompt:
    prompt = Prompt(person_id=person_id, local_date=local_date, slot=slot, due_at=due_at, closes_at=closes_at)
    session.add(prompt)
    await session.flush()
    return prompt


async def latest_open_prompt(session: AsyncSession, person_id: int, now: datetime) -> Prompt | None:
    return await session.scalar(select(Prompt).where(Prompt.person_id == person_id, Prompt.closes_at > now)
                                .order_by(Prompt.due_at.desc()).limit(1))


async def entry_for_prompt(session: AsyncSession, prompt_id: int) -> MoodEntry | None:
    return await session.scalar(select(MoodEntry).where(MoodEntry.prompt_id == prompt_id))


async def add_entry(session: AsyncSession, entry: MoodEntry) -> MoodEntry:
    session.add(entry)
    await session.flush()
    return entry


async def entries_of_person(session: AsyncSession, person_id: int, since: date | None = None) -> list[MoodEntry]:
    query = select(MoodEntry).where(MoodEntry.person_id == person_id)
    if since is not None:
        query = query.where(MoodEntry.local_date >= since)
    return list((await session.scalars(query.order_by(MoodEntry.local_date))).all())


async def latest_entry(session: AsyncSession, person_id: int) -> MoodEntry | None:
    return await session.scalar(select(MoodEntry).where(MoodEntry.person_id == person_id)
                                .order_by(MoodEntry.answered_at.desc()).limit(1))


async def mark_prompts_sent(session: AsyncSession, prompt_ids: list[int], now: datetime) -> None:
    """Stamp check-in prompts as delivered (the first delivery wins; /checkin may have stamped it already)."""
    from sqlalchemy import update

    for start in range(0, len(prompt_ids), 500):
        await session.execute(update(Prompt).where(Prompt.id.in_(prompt_ids[start:start + 500]),
                                                   Prompt.sent_at.is_(None)).values(sent_at=now)
                              .execution_options(synchronize_session=False))


async def add_prompts_many(session: AsyncSession, rows: list[dict], slot: str) -> dict[tuple[int, date], int]:
    """Insert check-in prompts unless one exists for the person, date and slot; returns the new ones' ids.

    Rows need person_id, local_date, due_at, closes_at. A prompt made meanwhile (a manual /checkin, another
    replica's tick) wins: it is simply not returned. Inserted in key order, so replicas don't deadlock.
    """
    from sqlalchemy.dialects.postgresql import insert as pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    insert = pg_insert if dialect_name(session) == "postgresql" else sqlite_insert
    if not rows:
        return {}
    values = [dict(row, slot=slot) for row in sorted(rows, key=lambda row: (row["person_id"], row["local_date"]))]
    table = Prompt.__table__
    assert isinstance(table, Table)  # declarative types it as any FromClause; a mapped class's is its Table
    statement = (insert(table).on_conflict_do_nothing(index_elements=["person_id", "local_date", "slot"])
                 .returning(table.c.id, table.c.person_id, table.c.local_date))
    return {(person_id, local_date): prompt_id
            for prompt_id, person_id, local_date in (await session.execute(statement, values)).all()}


async def reminder_candidates(session: AsyncSession, workspace_id: int, sent_before: datetime,
                              now: datetime) -> list[Prompt]:
    """Open, unanswered check-in prompts of a workspace sent before `sent_before` and not yet reminded."""
    from sqlalchemy import String, cast, literal

    from storage.models import Outbox

    reminded = select(Outbox.id).where(Outbox.dedupe_key == literal("reminder:") + cast(Prompt.id, String))
    answered = select(MoodEntry.id).where(MoodEntry.prompt_id == Prompt.id)
    return list((await session.scalars(select(Prompt).join(Person, Person.id == Prompt.person_id).where(
        Person.workspace_id == workspace_id, Prompt.slot == "checkin", Prompt.sent_at.is_not(None),
        Prompt.sent_at <= sent_before, Prompt.closes_at > now, ~answered.exists(), ~reminded.exists()))).all())


async def prompt_keys_between(session: AsyncSession, first_person_id: int, last_person_id: int,
                              dates: set[date]) -> set[tuple[int, date]]:
    """(person, local date) pairs with a check-in prompt, for a range of person ids (one part of a tick)."""
    if not dates:
        return set()
    rows = await session.execute(select(Prompt.person_id, Prompt.local_date).where(
        Prompt.person_id.between(first_person_id, last_person_id), Prompt.local_date.in_(dates),
        Prompt.slot == "checkin"))
    return {(person_id, day) for person_id, day in rows}
