"""Re-score stored notes, moments and customers' comments with the current scorer, batch by batch (so
history stays comparable)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from handlers.context import Ctx
from storage import rescoring

TEXT_FIELDS = {  # per kind of row: (its text, its polarity, its label)
    "note": ("note", "note_polarity", "note_label"),
    "moment": ("text", "polarity", "label"),
    "comment": ("comment", "comment_polarity", "comment_label"),
}


async def pending(ctx: Ctx) -> int:
    """Notes, moments and customer comments scored by another scorer version."""
    return await rescoring.count_stale(ctx.session, ctx.scorer.version)


async def _rescore(ctx: Ctx, kind: str, stale: Callable[..., Awaitable[Sequence[Any]]], after_id: int,
                   limit: int) -> tuple[int, int]:
    """Re-score up to `limit` rows after `after_id`; returns (rows done, last id) — (0, after_id) when finished."""
    text, polarity, label = TEXT_FIELDS[kind]
    rows = await stale(ctx.session, ctx.scorer.version, after_id, limit)
    for row in rows:
        sentiment = ctx.scorer.score(getattr(row, text) or "")
        setattr(row, polarity, sentiment.polarity)
        setattr(row, label, sentiment.label)
        row.sentiment_version = ctx.scorer.version
    return len(rows), rows[-1].id if rows else after_id


async def rescore_notes(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    return await _rescore(ctx, "note", rescoring.stale_notes, after_id, limit)


async def rescore_moments(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    return await _rescore(ctx, "moment", rescoring.stale_moments, after_id, limit)


async def rescore_comments(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    return await _rescore(ctx, "comment", rescoring.stale_comments, after_id, limit)
