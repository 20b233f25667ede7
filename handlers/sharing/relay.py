"""Relaying a conversation turn through the outbox: exactly once per message and recipient, retried like any
row. An author's answer waits for the next fixed release time, so when it reaches the managers says nothing
about when (or how quickly) its author wrote it."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.context import Ctx
from handlers.messages import Message, NoteTurn, Text
from storage import outbox, shared_notes, teams
from storage.models import Outbox, Person, SharedNote, SharedNoteMessage

TO_AUTHOR_KIND = "note_reply"  # a manager's reply, to the note's author
TO_MANAGER_KIND = "note_answer"  # the author's answer, to each current manager of the team
CLOSED_KIND = "note_closed"  # one notice to the other side when either side closes the conversation
RELEASE_EVERY = timedelta(hours=4)  # author answers leave in batches at 00:00, 04:00, … UTC


def next_release(now: datetime) -> datetime:
    """The next fixed release time strictly after `now`."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    steps = (now - midnight) // RELEASE_EVERY + 1
    return midnight + steps * RELEASE_EVERY


def message_key(message_id: int, person_id: int) -> str:
    return f"note-message:{message_id}:{person_id}"


async def relay(ctx: Ctx, note: SharedNote, message: SharedNoteMessage) -> int:
    """Queue the turn for the other side; how many rows were queued."""
    now = ctx.clock.now()
    if message.side == "manager":
        recipients, kind, not_before = [note.author_id], TO_AUTHOR_KIND, None
    else:
        managers = await teams.people_in_team(ctx.session, note.team_id, "manager", now.date())
        recipients, kind, not_before = [m.id for m in managers], TO_MANAGER_KIND, next_release(now)
    queued = 0
    for person_id in recipients:
        queued += await outbox.enqueue(ctx.session, workspace_id=note.workspace_id, person_id=person_id, kind=kind,
                                       dedupe_key=message_key(message.id, person_id),
                                       payload={"message_id": message.id}, now=now, not_before=not_before)
    return queued


async def _other_side(ctx: Ctx, note: SharedNote, side: str) -> tuple[list[int], datetime | None]:
    """Who hears a turn or a close from `side`, and when: the author at once; the managers at the next release
    (so nothing the author does is timed)."""
    now = ctx.clock.now()
    if side == "manager":
        return [note.author_id], None
    managers = await teams.people_in_team(ctx.session, note.team_id, "manager", now.date())
    return [m.id for m in managers], next_release(now)


async def relay_close(ctx: Ctx, note: SharedNote, side: str) -> int:
    """Queue one notice per person on the other side that the conversation was closed; how many were queued."""
    recipients, not_before = await _other_side(ctx, note, side)
    queued = 0
    for person_id in recipients:
        queued += await outbox.enqueue(ctx.session, workspace_id=note.workspace_id, person_id=person_id,
                                       kind=CLOSED_KIND, dedupe_key=f"note-closed:{note.id}:{person_id}",
                                       payload={"note_id": note.id, "by": side}, now=ctx.clock.now(),
                                       not_before=not_before)
    return queued


async def closed_message(ctx: Ctx, row: Outbox, person: Person, loaded: Any) -> Message | str:
    """The close notice; none for a note withdrawn or forgotten since."""
    note = await shared_notes.note_by_id(ctx.session, int(row.payload.get("note_id", 0)))
    if note is None or note.status == "withdrawn":
        return "the note was withdrawn or no longer exists"
    who = "Its author" if row.payload.get("by") == "author" else "A manager"
    return Text(body=f"{who} closed the conversation on shared note #{note.number} ({note.iso_week}); "
                     "no more replies can be sent on it.", ephemeral=False)


async def relayed_message(ctx: Ctx, row: Outbox, person: Person, loaded: Any) -> Message | str:
    """The outbox builder of both kinds; a turn whose note was withdrawn or forgotten is skipped."""
    message = await shared_notes.message_by_id(ctx.session, int(row.payload.get("message_id", 0)))
    if message is None:
        return "the note or message no longer exists"
    note = await shared_notes.note_by_id(ctx.session, message.note_id)
    if note is None or note.status == "withdrawn":
        return "the note was withdrawn or no longer exists"
    n = note.number
    if row.kind == TO_AUTHOR_KIND:
        body = (f"A manager replied to the note you shared anonymously (#{n}, {note.iso_week}):\n“{message.text}”\n"
                f"They still don't know it was you. Answer with `tandem answer {n} …`, end it with "
                f"`tandem close {n}`, or take the note back with `tandem withdraw {n}`.")
    else:
        body = (f"The author of shared note #{n} ({note.iso_week}) answered:\n“{message.text}”\n"
                f"Reply with `tandem reply {n} …` or end it with `tandem close {n}`.")
    verb = "answer" if row.kind == TO_AUTHOR_KIND else "reply"
    return Text(body=body, ephemeral=False, turn=NoteTurn(verb=verb, number=n))
