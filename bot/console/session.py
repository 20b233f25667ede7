"""A terminal conversation with Tandem as one person: the same grammar as Teams, plus the follow-ups a
chat UI would show as buttons (numbered mood choices, note, moment outcome and touchpoint)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.console.messenger import CONSOLE_PLATFORM, CONSOLE_WORKSPACE
from bot.console.render import render
from bot.wiring import Deps
from handlers import checkins, moments
from handlers.dispatch import handle_text
from handlers.errors import TandemError
from handlers.identity import Caller, identify
from handlers.messages import MomentForm, MomentLogged, MoodPrompt, MoodRecorded, Reply, Text

COMMAND_WORDS = re.compile(r"^/?(checkin|moment|note|mood|help|tandem)\b", re.IGNORECASE)


@dataclass
class _Awaiting:
    """What the last reply asked for, so the next line can answer it."""

    kind: str = "command"  # command | mood | note | moment_text | outcome | touchpoint
    prompt_id: int | None = None
    moment_id: int | None = None
    options: tuple[str, ...] = ()


class ConsoleSession:
    def __init__(self, deps: Deps, user: str, write: Callable[[str], None], display_name: str | None = None,
                 timezone: str | None = None) -> None:
        self.deps = deps
        self.caller = Caller(platform=CONSOLE_PLATFORM, workspace_id=CONSOLE_WORKSPACE, user_id=user,
                             display_name=display_name or user, workspace_name="Console", timezone=timezone)
        self.write = write
        self.awaiting = _Awaiting()

    async def greet(self) -> None:
        async with self.deps.context() as ctx:
            person = await identify(ctx, self.caller)
            role = "an admin" if person.is_admin else "an employee"
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
        async with self.deps.context() as ctx:
            person = await identify(ctx, self.caller)
            try:
                if state.kind == "mood":
                    if not re.fullmatch(r"-?\d+", text):
                        return Reply.of(Text("Reply with a number from 1 to 5 (or type a command)."))
                    return await checkins.record_mood(ctx, person, state.prompt_id or 0, int(text))
                if state.kind == "note":
                    self.awaiting = _Awaiting()
                    if not text:
                        return Reply.of(Text("Okay, no note. Thanks for checking in!"))
                    return await checkins.add_note(ctx, person, text, prompt_id=state.prompt_id)
                if state.kind == "moment_text":
                    self.awaiting = _Awaiting()
                    return await moments.log_moment(ctx, person, text)
                if state.kind in {"outcome", "touchpoint"}:
                    return await self._moment_detail(ctx, person, state, text)
            except TandemError as error:
                if state.kind == "mood":
                    return Reply.of(Text(error.text()))
                self.awaiting = _Awaiting()
                return Reply.of(Text(error.text()))
            if not text:
                return None
            return await handle_text(ctx, self.caller, text)

    async def _moment_detail(self, ctx, person, state: _Awaiting, text: str) -> Reply:  # noqa: ANN001
        if not text:
            self.awaiting = _Awaiting()
            return Reply.of(Text("Okay — you can set it later."))
        choice = text.lower()
        if choice.isdecimal() and 1 <= int(choice) <= len(state.options):
            choice = state.options[int(choice) - 1]
        if choice not in state.options:
            return Reply.of(Text(f"Pick one of: {', '.join(f'{i} {o}' for i, o in enumerate(state.options, 1))} "
                                 "(or press Enter to skip)."))
        field = {"outcome": choice} if state.kind == "outcome" else {"touchpoint": choice}
        return await moments.set_moment_details(ctx, person, state.moment_id or 0, **field)

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
