"""A terminal conversation with Tandem as one person: the same grammar as Teams, plus the follow-ups a
chat UI would show as buttons (numbered mood choices, note, moment outcome and touchpoint)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot import units
from bot.console.messenger import CONSOLE_PLATFORM, CONSOLE_WORKSPACE
from bot.console.render import render
from bot.wiring import Deps
from handlers import commands as c
from handlers.context import Ctx
from handlers.identity import Caller
from handlers.messages import MomentForm, MomentLogged, MoodPrompt, MoodRecorded, Reply, Text, replaces_clicked
from handlers.sharing.wording import SHARE_MEANS
from storage.models import Person

COMMAND_WORDS = re.compile(r"^/?(checkin|moment|note|mood|help|tandem)\b", re.IGNORECASE)


@dataclass
class _Awaiting:
    """What the last reply asked for, so the next line can answer it."""

    kind: str = "command"  # command | mood | note | share | moment_text | outcome | touchpoint
    prompt_id: int | None = None
    moment_id: int | None = None
    options: tuple[str, ...] = ()


SHARE_QUESTION = f"Share this note with your manager, anonymously? {SHARE_MEANS} (yes / no — Enter keeps it private)"



def _saved(reply: Reply) -> bool:
    """Whether the note was saved (only then is sharing it asked about)."""
    return any(isinstance(m, Text) and m.saved_note for m in reply.messages)


class ConsoleSession:
    def __init__(self, deps: Deps, user: str, write: Callable[[str], None], display_name: str | None = None,
                 timezone: str | None = None, email: str | None = None) -> None:
        self.deps = deps
        self.caller = Caller(platform=CONSOLE_PLATFORM, workspace_id=CONSOLE_WORKSPACE, user_id=user,
                             display_name=display_name or user, workspace_name="Console", timezone=timezone,
                             email=email)
        self.write = write
        self.awaiting = _Awaiting()

    async def greet(self) -> None:
        role = "an admin" if await units.run_job(self.deps, self.caller, _is_admin) is True else "an employee"
        self.write(f"Hi {self.caller.display_name}! You're chatting with Tandem as {role}. "
                   "Type `tandem help` for commands, `checkin` to check in, Ctrl-D to leave.")

    def expect_mood(self, prompt_id: int) -> None:
        """A check-in arrived by the scheduler: the next number answers it."""
        self.awaiting = _Awaiting("mood", prompt_id=prompt_id)

    async def handle_line(self, line: str) -> None:
        text = line.strip()
        state = self.awaiting
        if state.kind != "command" and COMMAND_WORDS.match(text):
            state = self.awaiting = _Awaiting()
        reply = await self._answer(state, text)
        if reply is not None:
            self._show(reply)

    async def _answer(self, state: _Awaiting, text: str) -> Reply | None:
        """The line as a command (an answer to the last question, or a typed command), run for this person."""
        command = self._follow_up(state, text)
        if isinstance(command, Reply):
            return command
        if command is None:
            return None
        reply = await units.run(self.deps, self.caller, command)
        if reply is not None and state.kind == "mood" and not replaces_clicked(reply):
            self.awaiting = state  # a wrong answer to the mood question: ask again
        if reply is not None and state.kind == "note" and isinstance(command, c.AddNote) and _saved(reply):
            reply = Reply((*reply.messages, Text(SHARE_QUESTION)))
            self.awaiting = _Awaiting("share", prompt_id=state.prompt_id)
        return reply

    def _follow_up(self, state: _Awaiting, text: str) -> c.Command | str | Reply | None:
        """What the line means after the last question: a follow-up command, a reply of its own, or (None)
        nothing to do; otherwise the line itself, to be parsed as a typed command."""
        if state.kind != "command":
            self.awaiting = _Awaiting()
        if state.kind == "mood":
            if not re.fullmatch(r"-?\d+", text):
                self.awaiting = state
                return Reply.of(Text("Reply with a number from 1 to 5 (or type a command)."))
            return c.AnswerMood(int(text), state.prompt_id or 0)
        if state.kind == "note":
            if not text:
                return Reply.of(Text("Okay, no note. Thanks for checking in!"))
            return c.AddNote(text, state.prompt_id)
        if state.kind == "share":  # asked after a note was saved; anything but yes keeps it private
            if text.lower() in {"y", "yes"}:
                return c.ShareNote()
            if text.lower() in {"", "n", "no"}:
                return Reply.of(Text("Okay — the note stays private."))
        if state.kind == "moment_text":
            return c.LogMoment(text)
        if state.kind in {"outcome", "touchpoint"}:
            return self._moment_detail(state, text)
        return text or None

    def _moment_detail(self, state: _Awaiting, text: str) -> c.SetMomentDetails | Reply:
        if not text:
            return Reply.of(Text("Okay — you can set it later."))
        choice = text.lower()
        if choice.isdecimal() and 1 <= int(choice) <= len(state.options):
            choice = state.options[int(choice) - 1]
        if choice not in state.options:
            self.awaiting = state
            return Reply.of(Text(f"Pick one of: {', '.join(f'{i} {o}' for i, o in enumerate(state.options, 1))} "
                                 "(or press Enter to skip)."))
        if state.kind == "outcome":
            return c.SetMomentDetails(state.moment_id or 0, outcome=choice)
        return c.SetMomentDetails(state.moment_id or 0, touchpoint=choice)

    def _show(self, reply: Reply) -> None:
        for message in reply.messages:
            self.write(render(message))
            match message:
                case MoodPrompt(prompt_id=prompt_id):
                    self.awaiting = _Awaiting("mood", prompt_id=prompt_id)
                case MoodRecorded(prompt_id=prompt_id):
                    self.awaiting = _Awaiting("note", prompt_id=prompt_id)
                case MomentForm():
                    self.awaiting = _Awaiting("moment_text")
                case MomentLogged(outcome=None, moment_id=moment_id, outcomes=outcomes):
                    self.awaiting = _Awaiting("outcome", moment_id=moment_id, options=outcomes)
                case MomentLogged(touchpoint=None, moment_id=moment_id, touchpoints=touchpoints):
                    self.awaiting = _Awaiting("touchpoint", moment_id=moment_id, options=touchpoints)
                case MomentLogged():
                    self.awaiting = _Awaiting()


async def _is_admin(ctx: Ctx, person: Person) -> bool:
    """Asked once the runner identified the person (the first person of a workspace becomes its admin)."""
    return person.is_admin
