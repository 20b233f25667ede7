"""Each vendor's webhook body read into IncomingRating: the real field names of ../shared/specs/cx/, and
for Zendesk and Freshdesk (whose bodies the admin writes in a trigger) the body the README gives.

A body that is valid JSON but not a rating Tandem can store raises BadPayload (the route answers 400);
a notification that carries no rating (Intercom's ping, a survey offered but not answered) is empty.
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from handlers.config import TEXT_LIMIT
from handlers.cx.emails import MAX_EMAIL
from handlers.cx.ingest import MAX_REF, IncomingRating

MAX_BODY = 64 * 1024  # a rating notification is a few KB; anything larger is not one


class BadPayload(ValueError):
    """A body that cannot be a rating; the message says what was wrong."""


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadPayload("the body is not JSON") from None
    if not isinstance(data, dict):
        raise BadPayload("the body is not a JSON object")
    return data


def _text(data: dict[str, Any], key: str, limit: int = 500) -> str | None:
    value = data.get(key)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float, str)):
        text = str(value).strip()
        return text[:limit] if text else None
    raise BadPayload(f"{key} is not a string or number")


def _object(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _required(data: dict[str, Any], key: str) -> str:
    value = _text(data, key)
    if value is None:
        raise BadPayload(f"{key} is missing")
    return value


def vendor_time(value: object) -> datetime | None:
    """A time as helpdesks write them, webhook bodies and REST pages alike: epoch seconds (a number or its
    digits) or ISO 8601 (without a zone: UTC). None for an empty or unreadable text; BadPayload for a value
    that cannot be a time at all."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.isdigit():
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None  # Zendesk's {{ticket.updated_at_with_timestamp}} reads like "March 25, 2021 05:09"
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        value = int(text)
    if isinstance(value, (int, float)):
        if not 0 < value < 2**33:
            raise BadPayload("the rating time is not a plausible epoch time")
        return datetime.fromtimestamp(value, UTC)
    raise BadPayload("the rating time is not a time")


def _when(value: object, received: datetime) -> datetime:
    """The rating's time; the arrival time when a trigger's placeholder gave none Tandem can read."""
    return vendor_time(value) or received


ZENDESK_ANSWERS = {"good": "good", "bad": "bad"}  # "Good, I'm satisfied" / "Bad, I'm unsatisfied" read too
ZENDESK_NOT_YET = {"offered", "unoffered", ""}


def zendesk(body: bytes, received: datetime) -> list[IncomingRating]:
    """The README's trigger body: ticket_id, score, comment, assignee_email, assignee_id, rated_at."""
    data = parse_json(body)
    ticket = _required(data, "ticket_id")
    score = (_text(data, "score") or "").lower()
    if score in ZENDESK_NOT_YET:
        return []
    answer = next((value for word, value in ZENDESK_ANSWERS.items() if score.startswith(word)), None)
    if answer is None:
        raise BadPayload(f"score {score[:40]!r} is not good or bad")
    # one satisfaction rating per ticket in Zendesk: the ticket id is what webhooks and pulls share
    return [IncomingRating(source="zendesk", external_id=f"ticket-{ticket}",
                           rated_at=_when(data.get("rated_at"), received), value=answer, scale="good_bad",
                           agent_email=_text(data, "assignee_email", MAX_EMAIL),
                           agent_ref=_text(data, "assignee_id", MAX_REF), comment=_text(data, "comment", TEXT_LIMIT),
                           ticket_ref=ticket)]


def intercom(body: bytes, received: datetime) -> tuple[str | None, list[IncomingRating]]:
    """A notification_event; (its id, the rating) for topic conversation.rating.added, else no rating."""
    data = parse_json(body)
    if data.get("type") != "notification_event" or not isinstance(data.get("topic"), str):
        raise BadPayload("not an Intercom notification_event")
    notification = _text(data, "id", MAX_REF)
    if data["topic"] != "conversation.rating.added":
        return notification, []  # ping and any other topic the app is subscribed to
    item = (data.get("data") or {}).get("item") if isinstance(data.get("data"), dict) else None
    if not isinstance(item, dict):
        raise BadPayload("data.item is missing")
    rating = item.get("conversation_rating")
    if not isinstance(rating, dict):
        raise BadPayload("data.item.conversation_rating is missing")
    conversation = _required(item, "id")
    teammate = _object(rating, "teammate")
    agent = _text(teammate, "id", MAX_REF) or _text(item, "admin_assignee_id", MAX_REF)
    value = rating.get("rating")
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadPayload("conversation_rating.rating is not 1-5")
    return notification, [IncomingRating(
        source="intercom", external_id=f"conversation-{conversation}",
        rated_at=_when(rating.get("created_at"), received), value=value, scale="1-5", agent_ref=agent,
        comment=_text(rating, "remark", TEXT_LIMIT), ticket_ref=conversation)]


def freshdesk(body: bytes, received: datetime) -> list[IncomingRating]:
    """The README's automation body: rating_id or ticket_id, rating (103 … -103), agent_email, comment."""
    data = parse_json(body)
    ticket = _text(data, "ticket_id", MAX_REF)
    rating_id = _text(data, "rating_id", MAX_REF)
    if rating_id is None and ticket is None:
        raise BadPayload("rating_id and ticket_id are missing")
    value = _required(data, "rating")
    return [IncomingRating(source="freshdesk", external_id=rating_id or f"ticket-{ticket}",
                           rated_at=_when(data.get("rated_at"), received), value=value, scale="freshdesk",
                           agent_email=_text(data, "agent_email", MAX_EMAIL),
                           agent_ref=_text(data, "agent_id", MAX_REF), comment=_text(data, "comment", TEXT_LIMIT),
                           ticket_ref=ticket)]


HELPSCOUT_EVENT = "satisfaction.ratings"


def helpscout(body: bytes, event: str | None, received: datetime) -> list[IncomingRating]:
    """A Rating object (event satisfaction.ratings); other events carry no rating."""
    if event is not None and event != HELPSCOUT_EVENT:
        return []
    data = parse_json(body)
    rating_id = _required(data, "id")
    user = _object(data, "user")
    return [IncomingRating(source="helpscout", external_id=rating_id, rated_at=_when(data.get("createdAt"), received),
                           value=_required(data, "rating"), scale="great_okay_bad",
                           agent_email=_text(user, "email", MAX_EMAIL), agent_ref=_text(user, "id", MAX_REF),
                           comment=_text(data, "comments", TEXT_LIMIT), ticket_ref=_text(data, "ticketId", MAX_REF))]
