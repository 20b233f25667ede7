"""Replying to a shared note and answering back, as many turns as either likes; closing and withdrawing.

A manager reaches a note by its number only if they may read it in the feed; the author only through their own
notes. Every refusal changes nothing: the checks all run before the one write."""
from __future__ import annotations

from handlers.commands import EMPTY_MESSAGE, AnswerNote, CloseNote, ReplyToNote, WithdrawNote
from handlers.context import Ctx
from handlers.errors import BadArguments, NotAuthorized, NotFound
from handlers.identity import person_today
from handlers.insights import privacy
from handlers.messages import Reply, Text
from handlers.sharing.feed import week_is_shown
from handlers.sharing.relay import relay, relay_close
from handlers.text_limits import within_limit
from storage import shared_notes, teams
from storage.models import Person, SharedNote

GONE = "Note #{n} no longer exists (its author may have withdrawn it or left Tandem). Nothing was sent."


def checked_text(text: str) -> str:
    """The same rule as a note: not empty, and within the one length limit."""
    text = text.strip()
    if not text:
        raise BadArguments(EMPTY_MESSAGE)
    return within_limit(text, "message")


async def _as_manager(ctx: Ctx, person: Person, number: int) -> SharedNote:
    note = await shared_notes.note_in_workspace(ctx.session, person.workspace_id, number)
    if note is None or note.status == "withdrawn":
        raise NotFound(GONE.format(n=number))
    managed = {t.id for t in await teams.managed_teams(ctx.session, person.id, person_today(ctx, person))}
    if note.team_id not in managed and not person.is_admin:
        raise NotAuthorized(f"Only the managers the note #{number} was shared with can reply to it.", "reply")
    team = await teams.get_team(ctx.session, note.team_id)
    min_group = privacy.effective_min_group(person.workspace.min_group)
    if team is None or not await week_is_shown(ctx, team, note.iso_week, min_group):
        raise NotFound(GONE.format(n=number))
    return note


async def _as_author(ctx: Ctx, person: Person, number: int) -> SharedNote:
    note = await shared_notes.note_in_workspace(ctx.session, person.workspace_id, number)
    if note is None or note.author_id != person.id:
        raise NotFound(f"You have no shared note #{number}. `/tandem export` lists the ones you shared.")
    if note.status == "withdrawn":
        raise BadArguments(f"You withdrew note #{number}; it is private again and nothing was sent.")
    return note


async def reply(ctx: Ctx, person: Person, command: ReplyToNote) -> Reply:
    """`tandem reply N text`: relayed to the author; the manager sees no delivery or read state, ever."""
    text = checked_text(command.text)
    note = await _send_turn(ctx, person, await _as_manager(ctx, person, command.number), "manager", text)
    return Reply.of(Text(f"Your reply to note #{note.number} will reach its author, who stays anonymous. "
                         "If they answer, it comes to you here."))


async def answer(ctx: Ctx, person: Person, command: AnswerNote) -> Reply:
    """`tandem answer N text`: the author's turn, relayed to the team's managers as 'the author'."""
    text = checked_text(command.text)
    note = await _send_turn(ctx, person, await _as_author(ctx, person, command.number), "author", text)
    return Reply.of(Text(f"Your answer on note #{note.number} goes to your managers without your name, with the "
                         "next batch of answers (so its time says nothing about you)."))


async def _send_turn(ctx: Ctx, person: Person, note: SharedNote, side: str, text: str) -> SharedNote:
    """Store one turn of an open conversation and queue its relay to the other side."""
    if note.status == "closed":
        raise BadArguments(f"The conversation on note #{note.number} is closed; nothing was sent.")
    message = await shared_notes.add_message(ctx.session, note=note, side=side, sender_id=person.id, text=text,
                                             now=ctx.clock.now())
    await relay(ctx, note, message)
    return note


async def close(ctx: Ctx, person: Person, command: CloseNote) -> Reply:
    """`tandem close N`: either side ends the conversation; the note stays in the feed."""
    own = await shared_notes.note_in_workspace(ctx.session, person.workspace_id, command.number)
    side = "author" if own is not None and own.author_id == person.id else "manager"
    if side == "author":
        note = await _as_author(ctx, person, command.number)
    else:
        note = await _as_manager(ctx, person, command.number)
    if not await shared_notes.set_status(ctx.session, note, "closed"):
        return Reply.of(Text(f"The conversation on note #{note.number} was already closed; nothing changed."))
    await relay_close(ctx, note, side)
    return Reply.of(Text(f"Closed: no more replies on note #{note.number}."))


async def withdraw(ctx: Ctx, person: Person, command: WithdrawNote) -> Reply:
    """`tandem withdraw N`: the author takes the note back; it vanishes from every feed and digest."""
    note = await _as_author(ctx, person, command.number)
    await shared_notes.set_status(ctx.session, note, "withdrawn")
    return Reply.of(Text(f"Withdrawn: note #{note.number} is private again and gone from your managers' feed; "
                         "replies not yet delivered are dropped."))
