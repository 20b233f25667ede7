"""Local time of people: zones and slot instants across daylight-saving changes (ISO weeks and the zone
lookup itself: storage/calendar.py)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.calendar import zone as zone  # re-exported: storage, which imports no handlers, defines it


def is_known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'Europe' is a folder
        return False
    return True


@lru_cache(maxsize=8192)
def slot_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of local `at` on `day`.

    A local time skipped by a spring-forward change fires at the next valid minute; a time that occurs
    twice (autumn) fires at its first occurrence, so a slot fires exactly once either way.
    """
    local = datetime.combine(day, at, tzinfo=tz)  # fold=0: the first of two ambiguous instants
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        candidate = local.replace(tzinfo=None)
        for _ in range(24 * 60):
            candidate += timedelta(minutes=1)
            aware = candidate.replace(tzinfo=tz)
            if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == candidate:
                return aware.astimezone(UTC)
    return local.astimezone(UTC)


def parse_hhmm(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def format_hhmm(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def next_working_moment(now: datetime, tz: ZoneInfo, start: time, end: time, weekdays: tuple[int, ...]) -> datetime:
    """`now` if it falls in working hours on a working day where the person is, else the next start of one
    (a message that can wait is not sent at 3 a.m. or on a Sunday)."""
    local = now.astimezone(tz)
    if local.weekday() in weekdays and start <= local.time() < end:
        return now
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    for _ in range(8):
        if day.weekday() in weekdays or not weekdays:
            return slot_instant(day, start, tz)
        day += timedelta(days=1)
    return now
