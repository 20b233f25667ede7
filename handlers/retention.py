"""Data retention (app.yaml `retention.text_months`), applied by the scheduler."""
from __future__ import annotations

from datetime import date

from handlers.context import Ctx
from storage.retention import purge_text_before


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


async def apply_retention(ctx: Ctx) -> tuple[int, int]:
    """Delete note and moment text older than the retention period; (0, 0) when retention is off."""
    months = ctx.config.retention.text_months
    if months <= 0:
        return 0, 0
    return await purge_text_before(ctx.session, cutoff_for(ctx.clock.now().date(), months))
