"""The one way a rating enters Tandem, whether it came by webhook, pull or CSV.

Why one place: normalising, the email rule, comment scoring and the once-per-vendor-id rule must be
the same for all three roads, so a rating counts the same however it arrived.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.config import TEXT_LIMIT
from handlers.cx.emails import clean_email
from handlers.cx.scales import BadRating, normalise
from handlers.sentiment import Scorer
from storage import ratings as store

MAX_REF = 128
FUTURE_SLACK = timedelta(days=1)  # helpdesk clocks drift; a rating from further ahead is a bad value


@dataclass(frozen=True)
class IncomingRating:
    """A rating as an adapter read it, before Tandem has judged it."""

    source: str
    external_id: str
    rated_at: datetime
    value: object
    scale: str
    agent_email: str | None = None
    agent_ref: str | None = None
    comment: str | None = None
    ticket_ref: str | None = None


@dataclass(frozen=True)
class IngestResult:
    added: int
    duplicates: int


def _ref(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text[:MAX_REF] if text else None


def row_for(rating: IncomingRating, via: str, scorer: Scorer, now: datetime) -> dict[str, object]:
    """The stored row of one rating; BadRating when its value, time or id cannot be a rating."""
    external_id = _ref(rating.external_id)
    if external_id is None:
        raise BadRating("the rating has no id")
    if rating.rated_at.tzinfo is None:
        raise BadRating("the rating's time has no time zone")
    rated_at = rating.rated_at.astimezone(UTC)
    if rated_at > now + FUTURE_SLACK or rated_at.year < 2000:
        raise BadRating(f"the rating's time {rated_at:%Y-%m-%d} is not plausible")
    judged = normalise(rating.value, rating.scale)
    comment = (rating.comment or "").strip()[:TEXT_LIMIT] or None
    sentiment = scorer.score(comment) if comment else None
    return {
        "source": rating.source[:40], "external_id": external_id, "rated_at": rated_at,
        "score": judged.score, "satisfied": judged.satisfied, "raw_value": judged.raw_value[:16],
        "scale": judged.scale, "agent_ref": _ref(rating.agent_ref), "agent_email": clean_email(rating.agent_email),
        "ticket_ref": _ref(rating.ticket_ref), "comment": comment,
        "comment_polarity": sentiment.polarity if sentiment else None,
        "comment_label": sentiment.label if sentiment else None,
        "sentiment_version": scorer.version if sentiment else None,
        "via": via, "received_at": now,
    }


async def store_deliveries(session: AsyncSession, deliveries: list[list[dict[str, object]]],
                           now: datetime) -> list[IngestResult]:
    """Deliveries' judged rows, stored once each, and their arrival noted per source; per delivery, what it
    added (a rating in two deliveries of one batch counts for the first)."""
    rows = [row for delivery in deliveries for row in delivery]
    added = await store.insert_ratings(session, rows)
    for source in sorted({str(row["source"]) for row in rows}):
        await store.note_received(session, source, now)
    results = []
    for delivery in deliveries:
        new = 0
        for key in ((str(row["source"]), str(row["external_id"])) for row in delivery):
            if key in added:
                added.discard(key)
                new += 1
        results.append(IngestResult(added=new, duplicates=len(delivery) - new))
    return results


async def ingest(session: AsyncSession, ratings: Iterable[IncomingRating], via: str, scorer: Scorer,
                 now: datetime) -> IngestResult:
    """Judge and store ratings; a BadRating in any of them stores none (webhooks carry one each)."""
    [result] = await store_deliveries(session, [[row_for(rating, via, scorer, now) for rating in ratings]], now)
    return result
