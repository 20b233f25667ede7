"""The tick through the Clock port: every person's check-in at their own local time, exactly once.

Daylight-saving changes in both hemispheres, half- and quarter-hour offsets, a person who changes time
zone, a leap day, public holidays, weekends, pauses, reminders, catch-up after downtime.
"""
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.delivery.dispatcher import Dispatcher
from handlers.messages import Message, MoodPrompt
from handlers.ports import Recipient
from storage.models import Outbox, Prompt


class TimedMessenger:
    """Records each delivery with the (simulated) time it happened."""

    def __init__(self, clock) -> None:  # SimulatedClock
        self.clock = clock
        self.sent: list[tuple[str, Message, datetime]] = []

    async def send(self, recipient: Recipient, message: Message) -> None:
        self.sent.append((recipient.platform_user_id, message, self.clock.now()))

    def checkins(self, user: str | None = None) -> list[datetime]:
        return [at for who, m, at in self.sent
                if isinstance(m, MoodPrompt) and not m.reminder and (user is None or who == user)]

    def reminders(self) -> list[str]:
        return [who for who, m, _ in self.sent if isinstance(m, MoodPrompt) and m.reminder]


@pytest.fixture
def timed(harness) -> TimedMessenger:
    messenger = TimedMessenger(harness.clock)
    harness.deps.messengers["console"] = messenger
    return messenger


async def _ticks(harness, dispatcher: Dispatcher, moments) -> None:
    for moment in sorted(moments):
        harness.clock.set(moment)
        await dispatcher.tick()


def _every(start: datetime, end: datetime, step: timedelta) -> list[datetime]:
    moments, moment = [], start
    while moment <= end:
        moments.append(moment)
        moment += step
    return moments


@pytest.mark.parametrize(("zone_name", "at", "expected"), [
    ("America/New_York", "02:30", datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # spring: 02:30 does not exist → 03:00
    ("America/New_York", "01:30", datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # autumn: 01:30 twice → the first
    ("Europe/London", "01:30", datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # spring: → 02:00 BST
    ("Europe/London", "01:30", datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # autumn: first 01:30 (BST)
    ("Australia/Sydney", "02:30", datetime(2026, 10, 3, 16, 0, tzinfo=UTC)),  # southern spring (4 Oct local)
    ("Australia/Sydney", "02:30", datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),  # southern autumn (5 Apr local)
    ("Asia/Kolkata", "09:30", datetime(2026, 11, 16, 4, 0, tzinfo=UTC)),
    ("Asia/Kathmandu", "09:30", datetime(2026, 11, 16, 3, 45, tzinfo=UTC)),
])
async def test_checkin_fires_once_at_the_right_instant_around_dst_changes(harness, timed, zone_name: str, at: str,
                                                                          expected: datetime) -> None:
    await harness.join("ada", timezone=zone_name)
    await harness.say("ada", f"tandem schedule checkin daily {at}")
    await harness.say("ada", "tandem holidays workspace none")
    dispatcher = Dispatcher(harness.deps)
    before = [expected - timedelta(minutes=m) for m in (60, 10, 1)]
    around = _every(expected, expected + timedelta(minutes=130), timedelta(minutes=5))  # the repeated hour too
    rest = _every(expected + timedelta(hours=3), expected + timedelta(hours=27), timedelta(hours=2))
    await _ticks(harness, dispatcher, before + around + rest)
    sent = timed.checkins("ada")
    assert sent[0] == expected  # not a minute early, not a tick late
    local_days = Counter(moment.astimezone(ZoneInfo(zone_name)).date() for moment in sent)
    assert set(local_days.values()) == {1}, local_days  # one per local day: the change day and the next
    assert len(sent) == 2
    prompts = await harness.rows(Prompt)
    assert sorted(p.due_at for p in prompts)[0] == expected
    assert len({(p.person_id, p.local_date) for p in prompts}) == len(prompts) == 2


async def test_people_in_many_zones_each_get_theirs_at_their_own_time(harness, timed) -> None:
    zones = {"ny": "America/New_York", "lon": "Europe/London", "syd": "Australia/Sydney",
             "kol": "Asia/Kolkata", "ktm": "Asia/Kathmandu"}
    for user, zone_name in zones.items():
        await harness.join(user, timezone=zone_name)
    await harness.say("ny", "tandem holidays workspace none")
    dispatcher = Dispatcher(harness.deps)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    await _ticks(harness, dispatcher, _every(monday - timedelta(hours=12), monday + timedelta(hours=24),
                                             timedelta(minutes=15)))
    first = {user: timed.checkins(user)[0] for user in zones}
    assert first == {
        "syd": datetime(2026, 11, 15, 22, 30, tzinfo=UTC),  # Monday 09:30 AEDT (+11)
        "kol": datetime(2026, 11, 16, 4, 0, tzinfo=UTC),
        "ktm": datetime(2026, 11, 16, 3, 45, tzinfo=UTC),
        "lon": datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
        "ny": datetime(2026, 11, 16, 14, 30, tzinfo=UTC),
    }
    assert len(timed.checkins("syd")) == 2  # Sydney's Tuesday began inside the window too
    assert all(len(timed.checkins(user)) == 1 for user in ("kol", "ktm", "lon", "ny"))


async def test_a_person_who_changes_time_zone_gets_one_checkin_per_local_day(harness, timed) -> None:
    await harness.join("ada", "lea", timezone="Europe/London")
    await harness.join("nia", timezone="America/New_York")
    dispatcher = Dispatcher(harness.deps)
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    await _ticks(harness, dispatcher, [monday + timedelta(hours=9, minutes=30)])
    assert timed.checkins("lea") == [datetime(2026, 11, 16, 9, 30, tzinfo=UTC)]
    await harness.join("lea", timezone="America/New_York")  # flies west: Monday 09:30 comes again in New York
    await harness.join("nia", timezone="Asia/Tokyo")  # flies east before her Monday slot: Tokyo is on Tuesday
    await _ticks(harness, dispatcher, _every(monday + timedelta(hours=10), monday + timedelta(hours=40),
                                             timedelta(minutes=30)))
    assert timed.checkins("lea") == [datetime(2026, 11, 16, 9, 30, tzinfo=UTC),  # Monday, London
                                     datetime(2026, 11, 17, 14, 30, tzinfo=UTC)]  # Tuesday, New York
    assert timed.checkins("nia") == [datetime(2026, 11, 17, 0, 30, tzinfo=UTC)]  # Tuesday 09:30 in Tokyo


async def test_leap_day_checkin(harness, timed) -> None:
    await harness.join("ada", timezone="Europe/London")
    dispatcher = Dispatcher(harness.deps)
    await _ticks(harness, dispatcher, [datetime(2028, 2, 29, 9, 29, tzinfo=UTC),
                                       datetime(2028, 2, 29, 9, 30, tzinfo=UTC),
                                       datetime(2028, 2, 29, 12, 0, tzinfo=UTC)])
    assert timed.checkins("ada") == [datetime(2028, 2, 29, 9, 30, tzinfo=UTC)]
    [row] = await harness.rows(Outbox)
    assert row.dedupe_key.endswith(":2028-02-29:checkin") and row.status == "sent"


async def test_public_holidays_follow_the_workspace_or_the_persons_own_calendar(harness, timed) -> None:
    await harness.join("ada", "ben", timezone="Europe/London")  # workspace calendar: GB (app.yaml)
    await harness.say("ben", "tandem holidays US")
    dispatcher = Dispatcher(harness.deps)
    days = [datetime(2026, 11, 26, 9, 30, tzinfo=UTC),  # US Thanksgiving (Thursday)
            datetime(2026, 12, 25, 9, 30, tzinfo=UTC),  # Christmas, both calendars
            datetime(2026, 12, 28, 9, 30, tzinfo=UTC)]  # GB Boxing Day (substitute), not a US holiday
    await _ticks(harness, dispatcher, days)
    assert timed.checkins("ada") == [days[0]]
    assert timed.checkins("ben") == [days[2]]


async def test_weekends_and_paused_people_get_nothing(harness, timed) -> None:
    await harness.join("ada", "pat", timezone="Europe/London")
    assert "2026" in await harness.say("pat", "tandem pause until 2026-11-25")
    dispatcher = Dispatcher(harness.deps)
    slots = [datetime(2026, 11, d, 9, 30, tzinfo=UTC) for d in range(20, 26)]  # Fri 20 … Wed 25
    await _ticks(harness, dispatcher, slots)
    assert timed.checkins("ada") == [slots[0], slots[3], slots[4], slots[5]]  # not Sat 21, Sun 22
    assert timed.checkins("pat") == [slots[5]]  # back on the date the pause ends


async def test_reminder_only_for_who_has_not_answered_and_only_in_working_hours(harness, timed) -> None:
    await harness.join("ada", "bob", "cy", timezone="Europe/London")
    await harness.say("ada", "tandem schedule checkin weekdays 15:00")
    await harness.say("ada", "tandem schedule reminder 4")
    dispatcher = Dispatcher(harness.deps)
    await _ticks(harness, dispatcher, [datetime(2026, 11, 16, 15, 0, tzinfo=UTC)])
    await harness.say("cy", "mood 3")
    # 19:00 is after working hours (08:00–18:00): no reminder that day, however often we tick
    await _ticks(harness, dispatcher, _every(datetime(2026, 11, 16, 19, 0, tzinfo=UTC),
                                             datetime(2026, 11, 17, 7, 0, tzinfo=UTC), timedelta(hours=1)))
    assert timed.reminders() == []
    await harness.say("ada", "tandem schedule checkin weekdays 09:30")
    await _ticks(harness, dispatcher, [datetime(2026, 11, 17, 9, 30, tzinfo=UTC)])
    await harness.say("bob", "mood 4")
    await _ticks(harness, dispatcher, _every(datetime(2026, 11, 17, 10, 0, tzinfo=UTC),
                                             datetime(2026, 11, 17, 17, 0, tzinfo=UTC), timedelta(minutes=30)))
    assert sorted(timed.reminders()) == ["ada", "cy"]  # Tuesday: bob answered, ada and cy did not; once each


async def test_catch_up_sends_late_inside_the_window_and_skips_after_it(harness, timed) -> None:
    await harness.join("ada", timezone="Europe/London")
    await harness.join("kai", timezone="Asia/Kolkata")
    dispatcher = Dispatcher(harness.deps)
    # down from Monday 03:00 to 11:00 UTC: Kolkata's 04:00 UTC slot is 7 h old (> 3 h), London's is 1.5 h old
    harness.clock.set(datetime(2026, 11, 16, 11, 0, tzinfo=UTC))
    planned, drained = await dispatcher.tick()
    assert (planned.checkins, planned.skipped_late, drained.sent) == (1, 1, 1)
    assert timed.checkins("ada") == [datetime(2026, 11, 16, 11, 0, tzinfo=UTC)]
    assert timed.checkins("kai") == []
    for _ in range(3):
        harness.clock.advance(timedelta(minutes=20))
        planned, _ = await dispatcher.tick()
        assert planned.skipped_late == 0  # counted once
    statuses = Counter(row.status for row in await harness.rows(Outbox))
    assert statuses == {"sent": 1, "skipped": 1}
    assert "1 sent, 0 failed, 1 skipped" in await harness.say("ada", "tandem status")


async def test_a_queued_checkin_whose_window_passed_is_skipped_not_sent(harness, timed) -> None:
    """A backlog (rate limits, an outage of the platform) must not deliver a 09:30 check-in at 3 a.m."""
    await harness.join("ada", timezone="Europe/London")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await dispatcher.plan()
    harness.clock.set(datetime(2026, 11, 16, 13, 0, tzinfo=UTC))  # 3.5 h later the row is drained at last
    drained = await dispatcher.drain()
    assert drained.skipped == 1 and timed.sent == []
    [row] = await harness.rows(Outbox)
    assert row.status == "skipped" and "window" in row.last_error


async def test_two_dispatchers_ticking_the_same_minute_queue_and_send_once(harness, timed) -> None:
    await harness.join(*[f"p{i}" for i in range(30)], timezone="Europe/London")
    first, second = Dispatcher(harness.deps), Dispatcher(harness.deps)
    harness.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    (a, _), (b, _) = await first.tick(), await second.tick()
    assert a.checkins + b.checkins == 30
    assert sorted(who for who, _, _ in timed.sent) == sorted(f"p{i}" for i in range(30))
    assert date(2026, 11, 16) in {p.local_date for p in await harness.rows(Prompt)}


async def test_status_shows_the_next_checkin_of_the_workspace_and_how_many_are_due(harness, timed) -> None:
    await harness.join("ada", "amy", "al", timezone="Europe/London")
    await harness.join("nia", "ned", timezone="America/New_York")
    await harness.say("al", "tandem pause until 2026-12-01")
    harness.clock.set(datetime(2026, 11, 16, 10, 0, tzinfo=UTC))  # London's slot passed; New York's is next
    status = await harness.say("ada", "tandem status")
    assert "Next check-in: Mon 16 Nov 14:30 GMT (your time), 2 person(s) due then; 5 people scheduled in all." in status
    assert "Outbox backlog: 0." in status and "Last 7 days: 0 sent, 0 failed, 0 skipped." in status
    await Dispatcher(harness.deps).tick()  # London's 09:30 slot is still inside the catch-up window
    assert "Last 7 days: 2 sent, 0 failed, 0 skipped." in await harness.say("ada", "tandem status")
