"""The typed words of shared notes: what each command carries and how its text is read."""
from __future__ import annotations

from dataclasses import dataclass

from handlers.commands import parse_int, team_and_week, tokens
from handlers.errors import BadArguments

MAX_NUMBER = 10**9


@dataclass(frozen=True)
class ShareNote:
    """Share the note of your latest check-in this week."""


@dataclass(frozen=True)
class ShowSharedNotes:
    team: str | None = None
    week: str | None = None


@dataclass(frozen=True)
class ReplyToNote:
    """A manager's reply (side 'manager')."""

    number: int
    text: str


@dataclass(frozen=True)
class AnswerNote:
    """The author's answer back (side 'author')."""

    number: int
    text: str


@dataclass(frozen=True)
class CloseNote:
    number: int


@dataclass(frozen=True)
class WithdrawNote:
    number: int


def parse_share(rest: str) -> ShareNote:
    if tokens(rest):
        raise BadArguments("`/tandem share` takes no arguments: it shares the note of your latest check-in.")
    return ShareNote()


def parse_notes(rest: str) -> ShowSharedNotes:
    team, week = team_and_week(rest)
    return ShowSharedNotes(team=team, week=week)


def _number(word: str) -> int:
    return parse_int(word.lstrip("#"), "note number", 1, MAX_NUMBER)


def _number_and_text(rest: str, word: str) -> tuple[int, str]:
    head, _, text = rest.strip().partition(" ")
    if not head:
        raise BadArguments(f"Which note? `tandem {word} N your message`.")
    number = _number(head)
    if not text.strip():
        raise BadArguments("The message is empty.")
    return number, text.strip()


def parse_reply(rest: str) -> ReplyToNote:
    return ReplyToNote(*_number_and_text(rest, "reply"))


def parse_answer(rest: str) -> AnswerNote:
    return AnswerNote(*_number_and_text(rest, "answer"))


def _only_number(rest: str, word: str) -> int:
    args = rest.split()
    if len(args) != 1:
        raise BadArguments(f"`tandem {word} N` takes the note's number alone.")
    return _number(args[0])


def parse_close(rest: str) -> CloseNote:
    return CloseNote(_only_number(rest, "close"))


def parse_withdraw(rest: str) -> WithdrawNote:
    return WithdrawNote(_only_number(rest, "withdraw"))
