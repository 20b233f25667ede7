"""The one welcome a synced person gets: what Tandem is, what their manager can and cannot see, and how to
pause or leave. Queued through the outbox (so it is sent once, retried, on their platform) for their
working hours, and marked on the person, so no re-sync, move between teams or second source ever sends it
again."""
from __future__ import annotations

from collections.abc import Sequence

from handlers.context import Ctx
from handlers.localtime import next_working_moment, zone
from storage import outbox
from storage.models import Person, Team, Workspace

WELCOME_KIND = "welcome"
NOTICE_KIND = "notice"  # a report to one admin, e.g. how the team sync they asked for went


def welcome_text(name: str, team: str, min_group: int) -> str:
    return (f"Hi {name} — I'm Tandem, the wellbeing check-in your company uses. You're part of {team}'s "
            "check-ins now.\n"
            "• A few times a week I'll ask how work feels: one click from 1 to 5, and a note only if you want.\n"
            f"• Your manager sees team figures only, and only when at least {min_group} people answered that "
            "week. Never your answers, your notes, or whether you answered.\n"
            "• `/tandem pause` stops check-ins while you're away (`/tandem resume` starts them again), "
            "`/tandem export` shows everything I hold about you and `/tandem forget-me` deletes it. "
            "`/tandem help` lists the rest.")


async def queue_welcomes(ctx: Ctx, workspace: Workspace, team: Team, joined: Sequence[Person]) -> int:
    """Welcome the people who just joined and were never welcomed; how many were queued."""
    now, hours = ctx.clock.now(), ctx.config.reminder
    rows = []
    for person in joined:
        if person.welcomed_at is not None or not person.active:
            continue
        person.welcomed_at = now
        when = next_working_moment(now, zone(person.timezone or workspace.timezone), hours.work_start,
                                   hours.work_end, ctx.config.checkin.weekdays)
        rows.append({"workspace_id": workspace.id, "person_id": person.id, "kind": WELCOME_KIND,
                     "dedupe_key": f"welcome:{person.id}", "payload": {"team": team.name}, "next_attempt_at": when})
    return await outbox.enqueue_many(ctx.session, rows, now=now)
