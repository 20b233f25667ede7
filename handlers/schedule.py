"""Schedules as people read them, and when someone is paused: helpers the admin commands, the status page,
App Home and the planner all need, so none of them imports another's use cases."""
from __future__ import annotations

from datetime import date, datetime

from handlers.localtime import zone
from storage.calendar import day_label
from storage.models import Person, Schedule

WEEKDAYS = (0, 1, 2, 3, 4)
EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)


def describe_days(days: tuple[int, ...]) -> str:
    if days == WEEKDAYS:
        return "Mon–Fri"
    if days == EVERY_DAY:
        return "every day"
    return ", ".join(day_label(d) for d in days)


def schedule_days(schedule: Schedule) -> tuple[int, ...]:
    return tuple(int(d) for d in schedule.checkin_days.split(",") if d != "")


def describe_schedule(schedule: Schedule) -> str:
    reminder = f"{schedule.reminder_hours} h after an unanswered check-in" if schedule.reminder_hours else "off"
    return "\n".join([
        f"Schedule ({'on' if schedule.enabled else 'OFF — nothing is sent'}):",
        f"  Check-ins: {describe_days(schedule_days(schedule))} at {schedule.checkin_time}, each person's local time",
        f"  Reminder:  {reminder}",
        f"  Digest:    {day_label(schedule.digest_day)} at {schedule.digest_time}, each manager's local time",
    ])


def format_when(moment: datetime, tz_name: str) -> str:
    """A moment in the reader's zone, e.g. `Mon 07 Dec 09:30 GMT`."""
    return moment.astimezone(zone(tz_name)).strftime("%a %d %b %H:%M %Z")


def is_paused(person: Person, local_date: date) -> bool:
    return person.paused_until is not None and local_date < person.paused_until
