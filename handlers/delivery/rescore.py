"""Re-score stored notes, moments and customers' comments with the current scorer, batch by batch (so
history stays comparable)."""
from __future__ import annotations

from handlers.context import Ctx
from storage import rescoring


async def pending(ctx: Ctx) -> int:
    """Notes, moments and customer comments scored by another scorer version."""
    return await rescoring.count_stale(ctx.session, ctx.scorer.version)


async def rescore_notes(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    """Re-score up to `limit` notes after `after_id`; returns (rows done, last id) — (0, after_id) when finished."""
    rows = await rescoring.stale_notes(ctx.session, ctx.scorer.version, after_id, limit)
    for entry in rows:
        sentiment = ctx.scorer.score(entry.note or "")
        entry.note_polarity, entry.note_label = sentiment.polarity, sentiment.label
        entry.sentiment_version = ctx.scorer.version
    return len(rows), rows[-1].id if rows else after_id


async def rescore_moments(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    rows = await rescoring.stale_moments(ctx.session, ctx.scorer.version, after_id, limit)
    for moment in rows:
        sentiment = ctx.scorer.score(moment.text)
        moment.polarity, moment.label = sentiment.polarity, sentiment.label
        moment.sentiment_version = ctx.scorer.version
    return len(rows), rows[-1].id if rows else after_id


async def rescore_comments(ctx: Ctx, after_id: int, limit: int) -> tuple[int, int]:
    rows = await rescoring.stale_comments(ctx.session, ctx.scorer.version, after_id, limit)
    for rating in rows:
        sentiment = ctx.scorer.score(rating.comment or "")
        rating.comment_polarity, rating.comment_label = sentiment.polarity, sentiment.label
        rating.sentiment_version = ctx.scorer.version
    return len(rows), rows[-1].id if rows else after_id
