"""Specific errors at the edge of the domain; adapters turn them into friendly replies."""
from __future__ import annotations


class TandemError(Exception):
    """A request Tandem refuses, with the reply to give and the usage line that helps."""

    def __init__(self, reply: str, usage: str | None = None) -> None:
        super().__init__(reply)
        self.reply = reply
        self.usage = usage

    def text(self) -> str:
        return f"{self.reply}\nUsage: {self.usage}" if self.usage else self.reply


class UnknownCommand(TandemError):
    pass


class BadArguments(TandemError):
    pass


class NotAuthorized(TandemError):
    def __init__(self, reply: str, action: str) -> None:
        super().__init__(reply)
        self.action = action


class NotFound(TandemError):
    pass


class PromptClosed(TandemError):
    pass


DATABASE_UNAVAILABLE = ("Tandem can't reach its database right now, so nothing was saved. "
                        "Please try again in a minute.")


class TemporarilyUnavailable(TandemError):
    """The database is out of reach: the request changed nothing and can be repeated."""

    def __init__(self) -> None:
        super().__init__(DATABASE_UNAVAILABLE)
