"""Shared notes on the console channel, as `python -m bot console` runs it (ConsoleSession reading typed lines,
ConsoleMessenger delivering the outbox) on a simulated clock: a check-in's note shared with "yes" → the manager's
`tandem notes` → `tandem reply` → the author's DM → `tandem answer` held to the release → the manager hears from
"the author" → close → withdraw; and a week below min_group shows nothing."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_settings
from bot.wiring import build
from handlers.messages import Text
from handlers.ports import SimulatedClock
from handlers.sentiment import TextBlobScorer
from handlers.sharing.relay import next_release
from storage.db import upgrade
from storage.models import SharedNoteMessage
from tests.conftest import ROOT
from tests.e2e.test_channel_contract import ConsoleChannel

SECRET = "The rota keeps putting me on Fridays"
MONDAY = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)  # 2026-W47
SETUP = ("tandem privacy min-group 3", "tandem team create Support", "tandem team add Support @Bob @Cara @Dan",
         "tandem team manager Support @Alice", "tandem schedule checkin mon-fri 10:00")


def _inbox(channel: ConsoleChannel, name: str) -> str:
    """Everything the outbox delivered to `name`, as text."""
    return "\n".join(m.body for r, m in channel.messenger.delivered
                     if r.platform_user_id == name.lower() and isinstance(m, Text))


async def _channel(tmp_path: Path) -> ConsoleChannel:
    settings = load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml")})
    clock = SimulatedClock(MONDAY)
    deps = build(settings, clock=clock, database_url=f"sqlite:///{tmp_path / 'console.db'}", scorer=TextBlobScorer())
    await upgrade(deps.engine)
    channel = ConsoleChannel(deps, clock)
    for name in ("Alice", "Bob", "Cara", "Dan"):
        await channel.first_contact(name)
    for command in SETUP:
        await channel.say("Alice", command)
    clock.set(MONDAY.replace(hour=10))
    await channel.dispatcher.tick()
    return channel


async def _messages(channel: ConsoleChannel) -> int:
    from sqlalchemy import func, select

    async with channel.deps.context() as ctx:
        return int(await ctx.session.scalar(select(func.count(SharedNoteMessage.id))) or 0)


async def test_share_feed_reply_answer_back_close_and_withdraw_on_the_console(tmp_path: Path) -> None:
    channel = await _channel(tmp_path)
    try:
        await channel.answer_checkin("Bob", 2, SECRET)
        assert "Share this note with your manager, anonymously?" in channel.screens["Bob"][-1]
        await channel.say("Bob", "yes")
        assert "anonymous" in channel.screens["Bob"][-1].lower()
        await channel.answer_checkin("Cara", 4, None)
        await channel.answer_checkin("Dan", 3, None)

        channel.clock.set(MONDAY + timedelta(days=7, hours=1))  # W47 is whole now
        await channel.say("Alice", "tandem notes Support 2026-W47")
        feed = channel.screens["Alice"][-1]
        assert SECRET in feed and "Bob" not in feed and "bob" not in feed, feed
        found = re.search(r"#(\d+)", feed)
        assert found is not None, feed  # the feed numbers its notes
        number = int(found.group(1))

        await channel.say("Alice", f"tandem reply {number} Shall we swap the rota?")
        await channel.dispatcher.drain()
        assert "Shall we swap the rota?" in _inbox(channel, "Bob")

        await channel.say("Bob", f"tandem answer {number} Yes please")
        await channel.dispatcher.drain()
        assert "Yes please" not in _inbox(channel, "Alice")  # held until the release: its time says nothing
        channel.clock.set(next_release(channel.clock.now()) + timedelta(minutes=1))
        await channel.dispatcher.drain()
        heard = _inbox(channel, "Alice")
        assert f"The author of shared note #{number}" in heard and "Yes please" in heard
        assert "Bob" not in heard and "bob" not in heard

        await channel.say("Alice", f"tandem close {number}")
        await channel.dispatcher.drain()
        assert f"A manager closed the conversation on shared note #{number}" in _inbox(channel, "Bob")
        stored = await _messages(channel)
        await channel.say("Bob", f"tandem answer {number} One more thing")
        assert "closed" in channel.screens["Bob"][-1].lower() and await _messages(channel) == stored

        await channel.say("Bob", f"tandem withdraw {number}")
        await channel.say("Alice", "tandem notes Support 2026-W47")
        assert SECRET not in channel.screens["Alice"][-1]
    finally:
        await channel.deps.close()


async def test_a_week_below_min_group_shows_no_note_on_the_console(tmp_path: Path) -> None:
    channel = await _channel(tmp_path)
    try:
        await channel.answer_checkin("Bob", 2, SECRET)
        await channel.say("Bob", "yes")
        await channel.answer_checkin("Cara", 4, None)  # two of three answered: below min_group 3
        channel.clock.set(MONDAY + timedelta(days=7, hours=1))
        await channel.say("Alice", "tandem notes Support 2026-W47")
        assert SECRET not in channel.screens["Alice"][-1]
        await channel.say("Alice", "tandem digest Support 2026-W47")
        assert SECRET not in "\n".join(channel.screens["Alice"])
    finally:
        await channel.deps.close()
