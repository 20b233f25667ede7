"""`python -m bot console --as NAME`: the terminal channel, scriptable through stdin."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.config import Settings
from bot.console.messenger import CONSOLE_PLATFORM, ConsoleMessenger
from bot.console.session import ConsoleSession
from bot.delivery.dispatcher import Dispatcher
from bot.wiring import build_ready
from handlers.messages import MoodPrompt


async def run_console(settings: Settings, user: str) -> int:
    interactive = sys.stdin.isatty()

    def write(text: str) -> None:
        print(f"tandem> {text.replace(chr(10), chr(10) + '        ')}", flush=True)

    deps = await build_ready(settings)
    messenger = ConsoleMessenger(current_user=user, write=write, inbox_dir=Path("data") / "console-inbox")
    deps.messengers[CONSOLE_PLATFORM] = messenger
    dispatcher = Dispatcher(deps)
    session = ConsoleSession(deps, user, write)
    try:
        await session.greet()
        await _deliver_due(dispatcher, messenger, session)
        while True:
            if interactive:
                print("you> ", end="", flush=True)
            line = await asyncio.to_thread(sys.stdin.readline)
            if not line:
                break
            await session.handle_line(line.rstrip("\n"))
            await _deliver_due(dispatcher, messenger, session)
    finally:
        await deps.close()
    if interactive:
        print()
    return 0


async def _deliver_due(dispatcher: Dispatcher, messenger: ConsoleMessenger, session: ConsoleSession) -> None:
    """Run the scheduling tick so check-ins due now appear in the conversation."""
    before = len(messenger.delivered)
    await dispatcher.tick()
    for recipient, message in messenger.delivered[before:]:
        if recipient.platform_user_id == messenger.current_user and isinstance(message, MoodPrompt):
            session.expect_mood(message.prompt_id)
