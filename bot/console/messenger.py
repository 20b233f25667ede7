"""The console channel's Messenger: delivers to people chatting in a terminal."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.console.render import render
from handlers.messages import Message
from handlers.ports import Recipient

CONSOLE_PLATFORM = "console"
CONSOLE_WORKSPACE = "local"


class ConsoleMessenger:
    """Prints messages for the person at the terminal; others' messages go to their inbox file."""

    def __init__(self, current_user: str | None, write: Callable[[str], None], inbox_dir: Path | None = None) -> None:
        self.current_user = current_user
        self.write = write
        self.inbox_dir = inbox_dir
        self.delivered: list[tuple[Recipient, Message]] = []

    async def send(self, recipient: Recipient, message: Message) -> None:
        self.delivered.append((recipient, message))
        if recipient.platform_user_id == self.current_user:
            self.write(render(message))
        elif self.inbox_dir is not None:
            self.inbox_dir.mkdir(parents=True, exist_ok=True)
            with (self.inbox_dir / f"{recipient.platform_user_id}.txt").open("a", encoding="utf-8") as inbox:
                inbox.write(render(message) + "\n\n")
