"""Each helpdesk's REST API as Tandem reads it: one page of ratings after a cursor or high-water mark, and
an agent id's email. Field names, pagination and rate-limit headers as in ../shared/specs/cx/.

A client only turns HTTP into pages; bot/cx/pulls.py decides when to wait, retry, store and move on.
"""
from __future__ import annotations

import base64
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import aiohttp

from bot.cx.payloads import BadPayload, vendor_time
from handlers.cx.ingest import IncomingRating

PAGE_SIZE = 100
TIMEOUT = aiohttp.ClientTimeout(total=30)


class Throttled(Exception):
    """HTTP 429 (or a 5xx): wait `seconds`, then ask again."""

    def __init__(self, status: int, seconds: float) -> None:
        super().__init__(f"HTTP {status}")
        self.status, self.seconds = status, seconds


class Failed(Exception):
    """An answer that retrying will not mend (401, 403, 404, an unreadable body)."""


@dataclass(frozen=True)
class Page:
    ratings: list[IncomingRating]
    cursor: str | None  # where the next page starts; None: this was the last
    high_water: str | None  # the newest vendor time seen on this page


class Client(Protocol):
    source: str

    async def page(self, http: aiohttp.ClientSession, cursor: str | None, high_water: str | None) -> Page: ...

    async def agent_email(self, http: aiohttp.ClientSession, agent_ref: str) -> tuple[str | None, str]: ...


def _retry_after(headers: Mapping[str, str], default: float) -> float:
    """Retry-After (seconds), else a rate-limit reset (epoch seconds or seconds from now), else `default`."""
    for name in ("Retry-After", "ratelimit-reset", "X-RateLimit-Reset"):
        value = headers.get(name)
        if value and re.fullmatch(r"\d+(\.\d+)?", value.strip()):
            seconds = float(value)
            return max(0.0, seconds - time.time()) if seconds > 1e9 else seconds
    return default


async def _json(response: aiohttp.ClientResponse) -> Any:
    if response.status == 429 or response.status >= 500:
        raise Throttled(response.status, _retry_after(response.headers, 0.0))
    if response.status >= 400:
        raise Failed(f"HTTP {response.status} from {response.url.path}")
    try:
        return await response.json(content_type=None)
    except ValueError:
        raise Failed(f"{response.url.path} did not answer JSON") from None


def _basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def _epoch(value: object) -> int | None:
    moment = vendor_time(value)
    return None if moment is None else int(moment.timestamp())


def _when(value: object) -> datetime:
    moment = vendor_time(value)
    if moment is None:
        raise BadPayload(f"the time {str(value)[:40]!r} is not a time")
    return moment


class Zendesk:
    """GET /api/v2/satisfaction_ratings with cursor pages; start_time is the high-water mark (epoch s)."""

    source = "zendesk"

    def __init__(self, base: str, email: str, token: str) -> None:
        self.base, self.auth = base.rstrip("/"), _basic(f"{email}/token", token)

    async def page(self, http: aiohttp.ClientSession, cursor: str | None, high_water: str | None) -> Page:
        params = {"page[size]": str(PAGE_SIZE), "sort_by": "updated_at"}
        if high_water:
            params["start_time"] = high_water
        if cursor:
            params["page[after]"] = cursor
        async with http.get(f"{self.base}/api/v2/satisfaction_ratings", params=params,
                            headers={"Authorization": self.auth}, timeout=TIMEOUT) as response:
            data = await _json(response)
        ratings, newest = [], _epoch(high_water) if high_water else None
        for row in data.get("satisfaction_ratings") or []:
            if not isinstance(row, dict) or row.get("score") not in {"good", "bad"}:
                continue  # offered / unoffered: no answer yet
            stamp = _epoch(row.get("updated_at"))
            newest = max(filter(None, (newest, stamp)), default=None)
            ratings.append(IncomingRating(
                source=self.source, external_id=f"ticket-{row.get('ticket_id') or row.get('id')}",
                rated_at=_when(row.get("created_at")), value=row["score"], scale="good_bad",
                agent_ref=str(row["assignee_id"]) if row.get("assignee_id") else None,
                comment=row.get("comment") if isinstance(row.get("comment"), str) else None,
                ticket_ref=str(row.get("ticket_id")) if row.get("ticket_id") else None))
        meta = data.get("meta") or {}
        following = meta.get("after_cursor") if meta.get("has_more") else None
        return Page(ratings, following, None if newest is None else str(newest))

    async def agent_email(self, http: aiohttp.ClientSession, agent_ref: str) -> tuple[str | None, str]:
        async with http.get(f"{self.base}/api/v2/users/{agent_ref}", headers={"Authorization": self.auth},
                            timeout=TIMEOUT) as response:
            user = (await _json(response)).get("user") or {}
        return user.get("email"), str(user.get("name") or "")


class Intercom:
    """POST /conversations/search for rated conversations updated after the high-water mark."""

    source = "intercom"

    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.headers = {"Authorization": f"Bearer {token}", "Intercom-Version": "2.16", "Accept": "application/json"}

    async def page(self, http: aiohttp.ClientSession, cursor: str | None, high_water: str | None) -> Page:
        query: dict[str, Any] = {"query": {"operator": "AND", "value": [
            {"field": "conversation_rating.score", "operator": ">", "value": 0},
            {"field": "updated_at", "operator": ">", "value": int(high_water or 0)}]},
            "pagination": {"per_page": 150, **({"starting_after": cursor} if cursor else {})},
            "sort": {"field": "updated_at", "order": "ascending"}}
        async with http.post(f"{self.base}/conversations/search", json=query, headers=self.headers,
                             timeout=TIMEOUT) as response:
            data = await _json(response)
        ratings, newest = [], int(high_water) if high_water else None
        for item in data.get("conversations") or []:
            if not isinstance(item, dict) or not isinstance(item.get("conversation_rating"), dict):
                continue
            rating: dict[str, Any] = item["conversation_rating"]
            if not isinstance(rating.get("rating"), int):
                continue
            stamp = _epoch(item.get("updated_at"))
            newest = max(filter(None, (newest, stamp)), default=None)
            teammate: dict[str, Any] = rating["teammate"] if isinstance(rating.get("teammate"), dict) else {}
            agent = teammate.get("id") or item.get("admin_assignee_id")
            ratings.append(IncomingRating(
                source=self.source, external_id=f"conversation-{item.get('id')}",
                rated_at=_when(rating.get("created_at")), value=rating["rating"], scale="1-5",
                agent_ref=str(agent) if agent else None,
                comment=rating.get("remark") if isinstance(rating.get("remark"), str) else None,
                ticket_ref=str(item.get("id"))))
        following = ((data.get("pages") or {}).get("next") or {}).get("starting_after")
        return Page(ratings, following, None if newest is None else str(newest))

    async def agent_email(self, http: aiohttp.ClientSession, agent_ref: str) -> tuple[str | None, str]:
        async with http.get(f"{self.base}/admins/{agent_ref}", headers=self.headers, timeout=TIMEOUT) as response:
            admin = await _json(response)
        return admin.get("email"), str(admin.get("name") or "")


class Freshdesk:
    """GET /api/v2/surveys/satisfaction_ratings?created_since=…&page=N (a bare array per page)."""

    source = "freshdesk"

    def __init__(self, base: str, api_key: str) -> None:
        self.base, self.auth = base.rstrip("/"), _basic(api_key, "X")

    async def page(self, http: aiohttp.ClientSession, cursor: str | None, high_water: str | None) -> Page:
        params = {"per_page": str(PAGE_SIZE), "page": cursor or "1",
                  "created_since": high_water or "2000-01-01T00:00:00Z"}
        async with http.get(f"{self.base}/api/v2/surveys/satisfaction_ratings", params=params,
                            headers={"Authorization": self.auth}, timeout=TIMEOUT) as response:
            data = await _json(response)
            more = 'rel="next"' in response.headers.get("link", "")
        if not isinstance(data, list):
            raise Failed("the ratings list is not a JSON array")
        ratings, newest = [], high_water
        for row in data:
            value = ((row.get("ratings") or {}) if isinstance(row, dict) else {}).get("default_question")
            if value is None:
                continue
            created = str(row.get("created_at") or "")
            newest = max(filter(None, (newest, created)), default=None)
            ratings.append(IncomingRating(
                source=self.source, external_id=str(row.get("id")), rated_at=_when(created), value=value,
                scale="freshdesk", agent_ref=str(row["agent_id"]) if row.get("agent_id") else None,
                comment=row.get("feedback") if isinstance(row.get("feedback"), str) else None,
                ticket_ref=str(row.get("ticket_id")) if row.get("ticket_id") else None))
        return Page(ratings, str(int(cursor or "1") + 1) if more else None, newest)

    async def agent_email(self, http: aiohttp.ClientSession, agent_ref: str) -> tuple[str | None, str]:
        async with http.get(f"{self.base}/api/v2/agents/{agent_ref}", headers={"Authorization": self.auth},
                            timeout=TIMEOUT) as response:
            contact = (await _json(response)).get("contact") or {}
        return contact.get("email"), str(contact.get("name") or "")
