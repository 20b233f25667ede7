"""`/tandem status` for admins: when the next check-ins go out and how delivery is doing.

Everything is about the admin's own workspace (one schedule each): other workspaces' queues are not theirs.
"""
from __future__ import annotations

from datetime import timedelta

from handlers import commands as c
from handlers.context import Ctx
from handlers.delivery.planning import next_checkin
from handlers.identity import person_zone_name
from handlers.messages import Reply, Text
from handlers.schedule import describe_schedule, format_when
from storage import outbox, people, workspaces
from storage.models import Person


async def status(ctx: Ctx, person: Person, _: c.ShowStatus) -> Reply:
    """The workspace's schedule, its next check-in (when, and for how many), its outbox, its last 7 days."""
    now = ctx.clock.now()
    workspace = person.workspace
    schedule = await workspaces.get_schedule(ctx.session, workspace.id)
    lines = [describe_schedule(schedule)] if schedule else ["No schedule."]
    if schedule is not None:
        upcoming = [(when, p) for p in await people.schedulable_people(ctx.session, workspace.id)
                    if (when := next_checkin(p, workspace, schedule, now)) is not None]
        if upcoming:
            when, _first = min(upcoming, key=lambda pair: pair[0])
            lines.append(f"Next check-in: {format_when(when, person_zone_name(person))} (your time), "
                         f"{sum(1 for w, _ in upcoming if w == when)} person(s) due then; "
                         f"{len(upcoming)} people scheduled in all.")
        else:
            lines.append("Next check-in: none scheduled.")
    waiting, oldest = await outbox.backlog(ctx.session, now, workspace.id)
    age = f", oldest queued {int((now - oldest).total_seconds() // 60)} min ago" if oldest else ""
    lines.append(f"Outbox backlog: {waiting}{age}.")
    counts = await outbox.counts_since(ctx.session, now - timedelta(days=7), workspace.id)
    lines.append("Last 7 days: " + ", ".join(f"{counts.get(k, 0)} {k}" for k in ("sent", "failed", "skipped")) + ".")
    return Reply.of(Text("\n".join(lines)))
