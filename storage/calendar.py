"""Plain calendar arithmetic that storage and handlers both need: ISO weeks, day bounds and weekday names.

It lives in storage, the lowest layer, so storage never imports handlers for a date helper.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ShortDayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SHORT_DAY_NAMES: tuple[ShortDayName, ...] = get_args(ShortDayName)  # index = date.weekday()
FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_label(weekday: int) -> str:
    """`Mon` for 0: how a weekday is shown to people."""
    return SHORT_DAY_NAMES[weekday].capitalize()


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week_bounds(iso_week: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week written YYYY-Www."""
    year, week = int(iso_week[:4]), int(iso_week[-2:])
    monday = date.fromisocalendar(year, week, 1)
    return monday, monday + timedelta(days=6)


def utc_midnight(day: date) -> datetime:
    """The instant `day` begins in UTC: a bound for day-based ranges over stored (UTC) times."""
    return datetime.combine(day, time(), UTC)


def previous_iso_week(day: date) -> str:
    """The last whole ISO week that ended before `day`."""
    return iso_week_of(day - timedelta(days=day.isoweekday()))


@lru_cache(maxsize=512)
def zone(name: str | None, fallback: str = "UTC") -> ZoneInfo:
    """The named zone, or the fallback when the name is missing or unknown."""
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: 'Europe' is a folder
                continue
    return ZoneInfo("UTC")
