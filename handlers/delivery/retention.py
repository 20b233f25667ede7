"""Data retention, applied by the scheduler: note and moment text (app.yaml `retention.text_months`) and the
ids of platform deliveries kept to recognise retries."""
from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from handlers.context import Ctx
from storage import ratings, seen_events
from storage.calendar import utc_midnight
from storage.retention import purge_text_before

#: How long delivery ids are remembered. Slack retries an event for about an hour and Teams within minutes;
#: a week is ample, and without a limit the table would grow by every message anyone ever sent.
DELIVERY_MEMORY = timedelta(days=7)


def cutoff_for(today: date, months: int) -> date:
    """The first day whose text is kept: `months` calendar months back (clamped to month ends)."""
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Purged(NamedTuple):
    notes: int
    moments: int
    comments: int  # customers' comments on helpdesk ratings


async def apply_retention(ctx: Ctx) -> Purged:
    """Delete note, moment and customer-comment text older than the retention period (none when it is off)."""
    months = ctx.config.retention.text_months
    if months <= 0:
        return Purged(0, 0, 0)
    cutoff = cutoff_for(ctx.clock.now().date(), months)
    notes, moments = await purge_text_before(ctx.session, cutoff)
    comments = await ratings.purge_comments_before(ctx.session, utc_midnight(cutoff))
    return Purged(notes, moments, comments)


async def forget_old_deliveries(ctx: Ctx) -> int:
    """Drop delivery ids older than DELIVERY_MEMORY; the number dropped."""
    return await seen_events.forget_before(ctx.session, ctx.clock.now() - DELIVERY_MEMORY)
