"""The scheduling tick on a real database: due check-ins, reminders and digests queued once and delivered."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.delivery.dispatcher import Dispatcher
from handlers.messages import DigestMessage, MoodPrompt
from handlers.ports import DeliveryFailed
from storage.models import Outbox, Prompt


async def test_due_checkins_are_queued_once_and_delivered_once(harness) -> None:
    await harness.join("ada", "alice", timezone="Europe/London")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 16, 9, 29, tzinfo=UTC))
    await dispatcher.tick()
    assert harness.messenger.sent == []
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    for _ in range(3):
        await dispatcher.tick()
    assert sorted(r.platform_user_id for r, _ in harness.messenger.sent) == ["ada", "alice"]
    assert all(isinstance(m, MoodPrompt) for _, m in harness.messenger.sent)
    assert await harness.count(Prompt) == 2
    assert [o.status for o in await harness.rows(Outbox)] == ["sent", "sent"]


async def test_schedule_change_takes_effect_at_the_next_tick(harness) -> None:
    await harness.join("ada", timezone="Europe/London")
    await harness.say("ada", "tandem schedule checkin mon-fri 11:00")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 16, 9, 45, tzinfo=UTC))
    await dispatcher.tick()
    assert harness.messenger.sent == []
    harness.clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=UTC))
    await dispatcher.tick()
    assert len(harness.messenger.sent) == 1


async def test_reminder_once_only_to_people_who_have_not_answered(harness) -> None:
    await harness.join("ada", "alice", timezone="Europe/London")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await dispatcher.tick()
    await harness.say("alice", "mood 4")
    harness.clock.set(datetime(2026, 11, 16, 13, 31, tzinfo=UTC))
    await dispatcher.tick()
    await dispatcher.tick()
    reminders = [(r.platform_user_id, m) for r, m in harness.messenger.sent if isinstance(m, MoodPrompt) and m.reminder]
    assert [user for user, _ in reminders] == ["ada"]


async def test_manual_checkin_before_the_slot_means_no_scheduled_prompt(harness) -> None:
    await harness.join("alice", timezone="Europe/London")
    harness.clock.set(datetime(2026, 11, 16, 8, 0, tzinfo=UTC))
    await harness.say("alice", "checkin")
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await Dispatcher(harness.deps).tick()
    assert harness.messenger.sent == []
    assert await harness.count(Prompt) == 1


async def test_failed_send_is_retried_and_nothing_is_lost(harness) -> None:
    await harness.join("alice", timezone="Europe/London")
    dispatcher = Dispatcher(harness.deps, seed=1)
    harness.messenger.failures = [DeliveryFailed("429", retry_after=30), DeliveryFailed("boom")]
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await dispatcher.tick()
    [row] = await harness.rows(Outbox)
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == datetime(2026, 11, 16, 9, 30, 30, tzinfo=UTC)  # as Retry-After said
    harness.clock.advance(timedelta(seconds=31))
    await dispatcher.drain()
    [row] = await harness.rows(Outbox)
    assert (row.status, row.attempts) == ("pending", 2)
    harness.clock.advance(timedelta(minutes=5))
    await dispatcher.drain()
    [row] = await harness.rows(Outbox)
    assert row.status == "sent" and len(harness.messenger.sent) == 1


async def test_permanent_failures_are_marked_failed(harness) -> None:
    await harness.join("alice", timezone="Europe/London")
    harness.messenger.failures = [DeliveryFailed("user blocked the bot", permanent=True)]
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    _, drained = await Dispatcher(harness.deps).tick()
    [row] = await harness.rows(Outbox)
    assert row.status == "failed" and drained.failed == 1 and "blocked" in row.last_error


async def test_weekly_digest_goes_to_each_manager_at_their_local_time(harness) -> None:
    await harness.join("ada", "amy", "ben", "cat", timezone="Europe/London")
    await harness.join("mia", timezone="America/New_York")
    await harness.say("ada", "tandem team create Support")
    await harness.say("ada", "tandem team add Support @amy @ben @cat")
    await harness.say("ada", "tandem team manager Support @mia")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))  # Monday 09:00 London = 04:00 New York
    await dispatcher.tick()
    assert not [m for _, m in harness.messenger.sent if isinstance(m, DigestMessage)]
    harness.clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 09:00 in New York
    await dispatcher.tick()
    await dispatcher.tick()
    digests = [(r.platform_user_id, m) for r, m in harness.messenger.sent if isinstance(m, DigestMessage)]
    assert [(user, m.report.iso_week) for user, m in digests] == [("mia", "2026-W47")]


async def test_missed_slot_after_catch_up_window_is_skipped_and_counted(harness) -> None:
    await harness.join("ada", timezone="Europe/London")
    harness.clock.set(datetime(2026, 11, 16, 15, 0, tzinfo=UTC))  # 09:30 + 3 h catch-up is long gone
    planned, _ = await Dispatcher(harness.deps).tick()
    assert planned.skipped_late == 1 and harness.messenger.sent == []
    [row] = await harness.rows(Outbox)
    assert row.status == "skipped"
    status = await harness.say("ada", "tandem status")
    assert "1 skipped" in status and "Next check-in: Tue 17 Nov 09:30" in status
