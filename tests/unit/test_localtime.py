"""Slot instants and next check-ins across daylight-saving changes, odd offsets, holidays and leap days."""
from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from handlers.delivery.planning import is_public_holiday, next_checkin
from handlers.localtime import next_working_moment, slot_instant, zone
from storage.calendar import iso_week_of, previous_iso_week
from storage.models import Person, Schedule, Workspace


@pytest.mark.parametrize(("zone_name", "day", "at", "expected"), [
    # spring forward: a local time that does not exist fires at the next valid minute
    ("America/New_York", date(2026, 3, 8), time(2, 30), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),  # 03:00 EDT
    ("Europe/London", date(2026, 3, 29), time(1, 30), datetime(2026, 3, 29, 1, 0, tzinfo=UTC)),  # 02:00 BST
    ("Australia/Sydney", date(2026, 10, 4), time(2, 30), datetime(2026, 10, 3, 16, 0, tzinfo=UTC)),  # 03:00 AEDT
    ("America/New_York", date(2026, 3, 8), time(2, 0), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    ("America/New_York", date(2026, 3, 8), time(2, 59), datetime(2026, 3, 8, 7, 0, tzinfo=UTC)),
    # fall back: a local time that happens twice fires at its first occurrence
    ("America/New_York", date(2026, 11, 1), time(1, 30), datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),  # EDT
    ("Europe/London", date(2026, 10, 25), time(1, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),  # BST
    ("Australia/Sydney", date(2026, 4, 5), time(2, 30), datetime(2026, 4, 4, 15, 30, tzinfo=UTC)),  # AEDT
    # ordinary times on change days use the day's new offset
    ("America/New_York", date(2026, 3, 8), time(9, 30), datetime(2026, 3, 8, 13, 30, tzinfo=UTC)),
    ("America/New_York", date(2026, 11, 1), time(9, 30), datetime(2026, 11, 1, 14, 30, tzinfo=UTC)),
    ("Europe/London", date(2026, 3, 29), time(9, 30), datetime(2026, 3, 29, 8, 30, tzinfo=UTC)),
    ("Europe/London", date(2026, 10, 25), time(9, 30), datetime(2026, 10, 25, 9, 30, tzinfo=UTC)),
    ("Australia/Sydney", date(2026, 4, 5), time(9, 30), datetime(2026, 4, 4, 23, 30, tzinfo=UTC)),  # AEST +10
    ("Australia/Sydney", date(2026, 10, 4), time(9, 30), datetime(2026, 10, 3, 22, 30, tzinfo=UTC)),  # AEDT +11
    # half- and quarter-hour offsets
    ("Asia/Kolkata", date(2026, 11, 16), time(9, 30), datetime(2026, 11, 16, 4, 0, tzinfo=UTC)),
    ("Asia/Kathmandu", date(2026, 11, 16), time(9, 30), datetime(2026, 11, 16, 3, 45, tzinfo=UTC)),
    ("Asia/Kathmandu", date(2026, 11, 16), time(0, 10), datetime(2026, 11, 15, 18, 25, tzinfo=UTC)),
    # leap day
    ("Europe/London", date(2028, 2, 29), time(9, 30), datetime(2028, 2, 29, 9, 30, tzinfo=UTC)),
])
def test_slot_instant(zone_name: str, day: date, at: time, expected: datetime) -> None:
    assert slot_instant(day, at, zone(zone_name)) == expected


def test_slot_instant_is_exactly_once_per_local_day_through_a_whole_dst_year() -> None:
    """Every local day of 2026 maps to one instant, strictly increasing, never two on one local date."""
    tz = zone("America/New_York")
    instants = [slot_instant(date.fromordinal(o), time(2, 30), tz)
                for o in range(date(2026, 1, 1).toordinal(), date(2027, 1, 1).toordinal())]
    assert instants == sorted(set(instants)) and len(instants) == 365
    assert all(i.astimezone(tz).date() == date.fromordinal(date(2026, 1, 1).toordinal() + n)
               for n, i in enumerate(instants))


def test_unknown_zone_falls_back_to_utc() -> None:
    assert zone("Mars/Olympus_Mons").key == "UTC" and zone(None, "Europe/London").key == "Europe/London"


def _person(tz: str | None, *, holiday_country: str | None = None, paused_until: date | None = None,
            workspace_tz: str = "Europe/London", workspace_country: str = "GB") -> Person:
    workspace = Workspace(timezone=workspace_tz, holiday_country=workspace_country)
    return Person(timezone=tz, holiday_country=holiday_country, paused_until=paused_until, workspace=workspace)


def _schedule(days: str = "0,1,2,3,4", at: str = "09:30") -> Schedule:
    return Schedule(checkin_days=days, checkin_time=at, enabled=True)


def _next(person: Person, now: datetime, schedule: Schedule | None = None) -> datetime | None:
    return next_checkin(person, person.workspace, schedule or _schedule(), now)


def test_next_checkin_skips_the_weekend() -> None:
    friday_after = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert _next(_person("Europe/London"), friday_after) == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_next_checkin_skips_public_holidays_of_the_persons_calendar() -> None:
    christmas_eve_after = datetime(2026, 12, 24, 10, 0, tzinfo=UTC)
    # GB: Fri 25 Christmas, Mon 28 Boxing Day (substitute) → Tue 29
    assert is_public_holiday("GB", date(2026, 12, 28))
    assert _next(_person("Europe/London"), christmas_eve_after) == datetime(2026, 12, 29, 9, 30, tzinfo=UTC)
    # the person's own calendar overrides the workspace's: the US has no holiday on the 28th
    assert _next(_person("Europe/London", holiday_country="US"), christmas_eve_after) == \
        datetime(2026, 12, 28, 9, 30, tzinfo=UTC)
    # and an empty calendar ("none") has no holidays at all
    assert _next(_person("Europe/London", holiday_country=""), christmas_eve_after) == \
        datetime(2026, 12, 25, 9, 30, tzinfo=UTC)


def test_next_checkin_waits_for_the_end_of_a_pause() -> None:
    monday = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert _next(_person("Europe/London", paused_until=date(2026, 11, 18)), monday) == \
        datetime(2026, 11, 18, 9, 30, tzinfo=UTC)


def test_next_checkin_in_the_persons_zone_on_a_dst_change_day() -> None:
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    daily_0230 = _schedule("0,1,2,3,4,5,6", "02:30")
    assert _next(_person("America/New_York"), saturday, daily_0230) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert _next(_person(None, workspace_tz="Asia/Kathmandu"), saturday, daily_0230) == \
        datetime(2026, 3, 7, 20, 45, tzinfo=UTC)


def test_next_checkin_is_none_when_the_schedule_is_off() -> None:
    schedule = _schedule()
    schedule.enabled = False
    assert _next(_person("Europe/London"), datetime(2026, 11, 16, tzinfo=UTC), schedule) is None


def test_iso_weeks_around_the_year_end() -> None:
    assert iso_week_of(date(2026, 12, 31)) == "2026-W53"
    assert previous_iso_week(date(2027, 1, 4)) == "2026-W53"
    assert previous_iso_week(date(2028, 3, 1)) == "2028-W08"


def test_next_working_moment_waits_for_the_morning_and_skips_the_weekend() -> None:
    tz, start, end, days = zone("America/New_York"), time(8, 0), time(18, 0), (0, 1, 2, 3, 4)
    tuesday_noon = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 12:00 in New York
    assert next_working_moment(tuesday_noon, tz, start, end, days) == tuesday_noon
    tuesday_night = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 22:00 on Tuesday in New York
    assert next_working_moment(tuesday_night, tz, start, end, days) == datetime(2026, 12, 2, 13, 0, tzinfo=UTC)
    saturday = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)
    assert next_working_moment(saturday, tz, start, end, days) == datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
    early_monday = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 04:00 in New York
    assert next_working_moment(early_monday, tz, start, end, days) == datetime(2026, 12, 7, 13, 0, tzinfo=UTC)
