"""Shared notes in storage, on SQLite and PostgreSQL: shared once, numbered at random per team (not in answer
order), withdrawn notes gone from the feed, a conversation kept per note, and everything gone with forget-me."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import shared_notes
from storage.models import MoodEntry, Person, SharedNote, SharedNoteMessage, Team, Workspace
from tests.support.seed import seed_answers, seed_org

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WEEK = "2026-W10"


async def _team_with_entries(session, count: int) -> tuple[Workspace, Team, list[Person], list[MoodEntry]]:
    """A team of `count` people who each answered today with a note, a minute apart (the order numbers must hide)."""
    workspace, team, people = await seed_org(session, people=count, now=NOW)
    entries = await seed_answers(session, people, at=NOW, notes=[f"note {i}" for i in range(count)],
                                 apart=timedelta(minutes=1))
    return workspace, team, people, entries


async def _share_all(session, workspace, team, people, entries) -> list[SharedNote]:
    return [await shared_notes.share_note(session, workspace_id=workspace.id, team_id=team.id,
                                          mood_entry_id=entry.id, author_id=person.id, iso_week=WEEK)
            for person, entry in zip(people, entries, strict=True)]


async def test_numbers_are_unique_per_team_random_and_sharing_twice_changes_nothing(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, people, entries = await _team_with_entries(ctx.session, 12)
        notes = await _share_all(ctx.session, workspace, team, people, entries)
        numbers = [n.number for n in notes]
        assert len(set(numbers)) == 12
        assert all(shared_notes.NUMBER_LOW <= n <= shared_notes.NUMBER_HIGH for n in numbers)
        # answer order would give an increasing sequence; twelve random draws are increasing once in 12! runs
        assert numbers != sorted(numbers)
        again = await shared_notes.share_note(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                              mood_entry_id=entries[0].id, author_id=people[0].id, iso_week=WEEK)
        assert again.id == notes[0].id
        assert len((await ctx.session.scalars(select(SharedNote))).all()) == 12
        feed = await shared_notes.visible_notes(ctx.session, team.id, WEEK)
        assert [n.number for n in feed] == sorted(numbers)
        assert await shared_notes.note_by_number(ctx.session, team.id, numbers[3]) == notes[3]


async def test_withdrawn_notes_vanish_and_statuses_change_once(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, people, entries = await _team_with_entries(ctx.session, 3)
        notes = await _share_all(ctx.session, workspace, team, people, entries)
        assert await shared_notes.set_status(ctx.session, notes[0], "closed")
        assert not await shared_notes.set_status(ctx.session, notes[0], "closed")
        assert await shared_notes.set_status(ctx.session, notes[1], "withdrawn")
        assert not await shared_notes.set_status(ctx.session, notes[1], "closed")
        assert not await shared_notes.set_status(ctx.session, notes[2], "open")
        feed = await shared_notes.visible_notes(ctx.session, team.id, WEEK)
        assert {n.id for n in feed} == {notes[0].id, notes[2].id}


async def test_a_conversation_keeps_its_turns_and_forget_me_removes_it(harness) -> None:
    from storage.people import delete_person

    async with harness.deps.context() as ctx:
        workspace, team, people, entries = await _team_with_entries(ctx.session, 3)
        notes = await _share_all(ctx.session, workspace, team, people, entries)
        manager = people[2]
        await shared_notes.add_message(ctx.session, note=notes[0], side="manager", sender_id=manager.id,
                                       text="Thanks, can we talk?", now=NOW)
        await shared_notes.add_message(ctx.session, note=notes[0], side="author", sender_id=people[0].id,
                                       text="Yes please", now=NOW + timedelta(hours=1))
        await shared_notes.add_message(ctx.session, note=notes[1], side="manager", sender_id=manager.id,
                                       text="Noted", now=NOW)
        assert [m.side for m in await shared_notes.messages_of(ctx.session, notes[0].id)] == ["manager", "author"]
        assert [n.id for n in await shared_notes.notes_of_author(ctx.session, people[0].id)] == [notes[0].id]

        await shared_notes.forget_person(ctx.session, people[0].id)
        await delete_person(ctx.session, people[0])
        assert await shared_notes.note_by_number(ctx.session, team.id, notes[0].number) is None
        left = (await ctx.session.scalars(select(SharedNoteMessage))).all()
        assert [m.text for m in left] == ["Noted"]

        await delete_person(ctx.session, people[1])  # the database cascade alone also takes note and messages
        assert (await ctx.session.scalars(select(SharedNoteMessage))).all() == []
        assert [n.id for n in (await ctx.session.scalars(select(SharedNote))).all()] == [notes[2].id]


async def test_note_texts_come_from_the_answers_in_one_read(harness) -> None:
    """Each note's text is its check-in answer's note; an answer whose note was cleared gives None."""
    async with harness.deps.context() as ctx:
        workspace, team, people, entries = await _team_with_entries(ctx.session, 3)
        notes = await _share_all(ctx.session, workspace, team, people, entries)
        entries[1].note = None
        await ctx.session.flush()
        assert await shared_notes.note_texts(ctx.session, notes) == {
            notes[0].id: "note 0", notes[1].id: None, notes[2].id: "note 2"}
        assert await shared_notes.note_texts(ctx.session, []) == {}
        assert await shared_notes.note_by_id(ctx.session, notes[2].id) == notes[2]
        assert await shared_notes.note_by_id(ctx.session, 10**9) is None
