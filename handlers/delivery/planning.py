"""The scheduling tick's planning half: which check-ins, reminders and digests are due right now.

Everything due is written to the outbox under a unique dedupe key, so running the tick twice, late,
or on two replicas at once never queues anything twice. Each person's slots are computed in their own
time zone; days off, public holidays and pauses are skipped; a slot missed by downtime is still sent
inside the catch-up window and counted as skipped after it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

import holidays as holiday_calendars

from handlers.checkins import CHECKIN_SLOT
from handlers.context import Ctx
from handlers.delivery.outgoing import in_working_hours, useful_window
from handlers.identity import person_zone_name
from handlers.insights.alerts import plan_alerts
from handlers.localtime import parse_hhmm, slot_instant, zone
from handlers.schedule import is_paused, schedule_days
from storage import checkins, outbox, people, teams, workspaces
from storage.calendar import previous_iso_week
from storage.models import Person, Schedule, Workspace


@dataclass
class TickReport:
    checkins: int = 0
    reminders: int = 0
    digests: int = 0
    skipped_late: int = 0


@lru_cache(maxsize=256)
def _calendar(country: str, year: int) -> holiday_calendars.HolidayBase | dict:
    try:
        return holiday_calendars.country_holidays(country, years=year)
    except NotImplementedError:
        return {}


def is_public_holiday(country: str | None, day: date) -> bool:
    return bool(country) and day in _calendar(country, day.year)


def holiday_country(person: Person, workspace: Workspace) -> str:
    return person.holiday_country if person.holiday_country is not None else workspace.holiday_country


def checkin_due_on(person: Person, workspace: Workspace, days: Iterable[int], day: date) -> bool:
    """Whether the person gets a check-in on their local `day` at all."""
    return (day.weekday() in set(days) and not is_paused(person, day)
            and not is_public_holiday(holiday_country(person, workspace), day))


def next_checkin(person: Person, workspace: Workspace, schedule: Schedule, now: datetime) -> datetime | None:
    """The next check-in instant of a person (for status displays)."""
    if not schedule.enabled:
        return None
    tz = zone(person_zone_name(person))
    today = now.astimezone(tz).date()
    at = parse_hhmm(schedule.checkin_time)
    for offset in range(400):
        day = today + timedelta(days=offset)
        if checkin_due_on(person, workspace, schedule_days(schedule), day):
            instant = slot_instant(day, at, tz)
            if instant > now:
                return instant
    return None


#: People planned per unit of work: `serve` commits each part, so sending starts while planning goes on.
PLAN_PART = 2000


@dataclass
class PlanCursor:
    """Where the next part of a tick's planning starts: check-ins workspace by workspace, then the rest."""

    workspace_id: int = 0
    after_person_id: int = 0
    done: bool = False


async def plan_part(ctx: Ctx, cursor: PlanCursor, report: TickReport, part_size: int = PLAN_PART) -> PlanCursor:
    """Plan the next part of a tick and say where the one after starts.

    Each part costs a constant number of queries whatever the workspace size (up to `part_size` people):
    the per-person work (zones, holidays, pauses) is plain Python, prompts and outbox rows are inserted
    in bulk. The last part queues reminders and digests.
    """
    now = ctx.clock.now()
    active = sorted(((w, s) for w, s in await workspaces.active_schedules(ctx.session) if s.enabled),
                    key=lambda pair: pair[0].id)
    budget = part_size
    for workspace, schedule in active:
        if workspace.id < cursor.workspace_id:
            continue
        after = cursor.after_person_id if workspace.id == cursor.workspace_id else 0
        persons = await people.schedulable_people_after(ctx.session, workspace.id, after, budget)
        await _plan_checkins(ctx, workspace, schedule, persons, now, report)
        if len(persons) == budget:
            return PlanCursor(workspace.id, persons[-1].id)
        budget -= len(persons)
    for workspace, schedule in active:
        if schedule.reminder_hours:
            await _plan_reminders(ctx, workspace, timedelta(hours=schedule.reminder_hours), now, report)
    await _plan_digests(ctx, {w.id: s for w, s in active}, now, report)
    await plan_alerts(ctx, now)
    return PlanCursor(done=True)


async def _plan_checkins(ctx: Ctx, workspace: Workspace, schedule: Schedule, persons: list, now: datetime,
                         report: TickReport) -> None:
    """Check-ins due now for `persons` (rows with id, timezone, holiday_country, paused_until)."""
    days = frozenset(schedule_days(schedule))
    at = parse_hhmm(schedule.checkin_time)
    catch_up = useful_window(ctx)
    window = timedelta(hours=ctx.config.checkin.answer_window_hours)
    due_now: list[tuple[Any, date, datetime]] = []
    missed: list[tuple[Any, date]] = []
    for person in persons:
        tz = zone(person.timezone or workspace.timezone)
        today = now.astimezone(tz).date()
        country = person.holiday_country if person.holiday_country is not None else workspace.holiday_country
        for day in (today - timedelta(days=1), today):
            if day.weekday() not in days or is_paused(person, day) or is_public_holiday(country, day):
                continue
            due = slot_instant(day, at, tz)
            if due > now:
                continue
            if now < due + catch_up:
                due_now.append((person, day, due))
            elif day == today:
                missed.append((person, day))
    if not due_now and not missed:
        return
    existing = await checkins.prompt_keys_between(ctx.session, persons[0].id, persons[-1].id,
                                                  {d for _, d, _ in due_now} | {d for _, d in missed})
    due_now = [(p, d, due) for p, d, due in due_now if (p.id, d) not in existing]
    missed = [(p, d) for p, d in missed if (p.id, d) not in existing]
    if due_now:
        created = await checkins.add_prompts_many(ctx.session, [
            {"person_id": p.id, "local_date": d, "due_at": due, "closes_at": due + window} for p, d, due in due_now
        ], CHECKIN_SLOT)
        report.checkins += await outbox.enqueue_many(ctx.session, [
            {"workspace_id": workspace.id, "person_id": person_id, "kind": "checkin",
             "dedupe_key": checkin_key(person_id, day), "payload": {"prompt_id": prompt_id}}
            for (person_id, day), prompt_id in created.items()], now=now)
    if missed:
        keys = {checkin_key(p.id, d): p for p, d in missed}
        already = await outbox.existing_keys(ctx.session, list(keys))
        report.skipped_late += await outbox.enqueue_many(ctx.session, [
            {"workspace_id": workspace.id, "person_id": p.id, "kind": "checkin", "dedupe_key": key,
             "payload": {"missed": True}} for key, p in keys.items() if key not in already], now=now, status="skipped")


async def _plan_reminders(ctx: Ctx, workspace: Workspace, after: timedelta, now: datetime,
                          report: TickReport) -> None:
    """One reminder per unanswered prompt, `after` its delivery, on its own local day, in working hours."""
    prompts = await checkins.reminder_candidates(ctx.session, workspace.id, now - after, now)
    if not prompts:
        return
    persons = await people.people_by_id(ctx.session, sorted({p.person_id for p in prompts}))
    rows = []
    for prompt in prompts:
        person = persons.get(prompt.person_id)
        if person is None or not person.active or is_paused(person, prompt.local_date):
            continue
        if now.astimezone(zone(person_zone_name(person))).date() != prompt.local_date:
            continue
        if not in_working_hours(ctx, person, now):
            continue
        rows.append({"workspace_id": workspace.id, "person_id": person.id, "kind": "reminder",
                     "dedupe_key": f"reminder:{prompt.id}", "payload": {"prompt_id": prompt.id}})
    if rows:
        report.reminders += await outbox.enqueue_many(ctx.session, rows, now=now)


def checkin_key(person_id: int, day: date) -> str:
    return f"checkin:{person_id}:{day.isoformat()}:{CHECKIN_SLOT}"


async def _plan_digests(ctx: Ctx, schedules: dict[int, Schedule], now: datetime, report: TickReport) -> None:
    catch_up = useful_window(ctx)
    for team, manager in await teams.team_managers(ctx.session):
        schedule = schedules.get(team.workspace_id)
        if schedule is None:
            continue
        tz = zone(person_zone_name(manager))
        today = now.astimezone(tz).date()
        if today.weekday() != schedule.digest_day:
            continue
        due = slot_instant(today, parse_hhmm(schedule.digest_time), tz)
        if not due <= now < due + catch_up:
            continue
        week = previous_iso_week(today)
        if await outbox.enqueue(ctx.session, workspace_id=team.workspace_id, person_id=manager.id, kind="digest",
                                dedupe_key=f"digest:{team.id}:{week}:{manager.id}",
                                payload={"team_id": team.id, "iso_week": week}, now=now):
            report.digests += 1
