"""Fake Zendesk, Intercom and Freshdesk REST APIs on one local aiohttp server, built from the published formats
in ../shared/specs/cx/: real field names, cursor / starting_after / page-number pagination, rate-limit
headers, and faults to inject (429 storms with Retry-After or reset headers, 5xx) — plus a log of requests."""
from __future__ import annotations

import asyncio
import base64
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

ZENDESK_AUTH = "Basic " + base64.b64encode(b"admin@example.com/token:zd-token").decode()
INTERCOM_AUTH = "Bearer ic-token"
FRESHDESK_AUTH = "Basic " + base64.b64encode(b"fd-key:X").decode()


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Vendor:
    ratings: list[dict[str, Any]] = field(default_factory=list)
    agents: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)  # answered before real pages
    requests: list[dict[str, Any]] = field(default_factory=list)
    # While `hold` is set to an unset event, requests are logged and then answered only once it is set; `arrived`
    # tells a test that one is waiting (so two replicas can be made to overlap, whatever the machine's load).
    hold: asyncio.Event | None = None
    arrived: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass
class FakeHelpdesks:
    url: str = ""
    zendesk: Vendor = field(default_factory=Vendor)
    intercom: Vendor = field(default_factory=Vendor)
    freshdesk: Vendor = field(default_factory=Vendor)

    # ------------------------------------------------------------------------------------------ data
    def add_zendesk(self, rating_id: int, ticket: int, score: str, assignee: int, at: int, comment: str = "") -> None:
        self.zendesk.ratings.append({"id": rating_id, "ticket_id": ticket, "score": score, "assignee_id": assignee,
                                     "group_id": 44, "requester_id": 7881, "comment": comment,
                                     "created_at": iso(at), "updated_at": iso(at),
                                     "url": f"{self.url}/api/v2/satisfaction_ratings/{rating_id}"})
        self.zendesk.agents.setdefault(str(assignee), {"id": assignee, "email": f"agent{assignee}@example.com",
                                                       "name": f"Agent {assignee}", "role": "agent"})

    def add_intercom(self, conversation: int, rating: int, admin: int, at: int, remark: str = "") -> None:
        self.intercom.ratings.append({"type": "conversation", "id": str(conversation), "created_at": at - 600,
                                      "updated_at": at, "admin_assignee_id": admin,
                                      "conversation_rating": {"rating": rating, "remark": remark, "created_at": at,
                                                              "contact": {"type": "contact", "id": "c1"},
                                                              "teammate": {"type": "admin", "id": str(admin)}}})
        self.intercom.agents.setdefault(str(admin), {"type": "admin", "id": str(admin), "name": f"Admin {admin}",
                                                     "email": f"admin{admin}@example.com"})

    def add_freshdesk(self, rating_id: int, ticket: int, value: int, agent: int, at: int, feedback: str = "") -> None:
        self.freshdesk.ratings.append({"id": rating_id, "survey_id": 1, "user_id": 2, "agent_id": agent,
                                       "feedback": feedback, "group_id": None, "ticket_id": ticket,
                                       "ratings": {"default_question": value}, "created_at": iso(at),
                                       "updated_at": iso(at)})
        self.freshdesk.agents.setdefault(str(agent), {"id": agent, "contact": {"email": f"fd{agent}@example.com",
                                                                               "name": f"Agent {agent}"}})

    # ------------------------------------------------------------------------------------------ server
    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/v2/satisfaction_ratings", self._zendesk_ratings)
        app.router.add_get("/api/v2/users/{id}", self._zendesk_user)
        app.router.add_post("/conversations/search", self._intercom_search)
        app.router.add_get("/admins/{id}", self._intercom_admin)
        app.router.add_get("/api/v2/surveys/satisfaction_ratings", self._freshdesk_ratings)
        app.router.add_get("/api/v2/agents/{id}", self._freshdesk_agent)
        return app

    @staticmethod
    def _fault(vendor: Vendor) -> web.Response | None:
        if not vendor.faults:
            return None
        status, headers = vendor.faults.popleft()
        body = {"type": "error.list", "errors": [{"code": "rate_limit_exceeded"}]} if status == 429 else {
            "error": "server error"}
        return web.json_response(body, status=status, headers=headers)

    async def _log(self, vendor: Vendor, request: web.Request) -> web.Response | None:
        body = await request.json() if request.can_read_body else None
        vendor.requests.append({"path": request.path, "query": dict(request.query), "body": body,
                                "auth": request.headers.get("Authorization")})
        vendor.arrived.set()
        if vendor.hold is not None:
            await vendor.hold.wait()
        return self._fault(vendor)

    async def _zendesk_ratings(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.zendesk, request)) is not None:
            return fault
        if request.headers.get("Authorization") != ZENDESK_AUTH:
            return web.Response(status=401, text="Couldn't authenticate you")
        size = min(int(request.query.get("page[size]", "100")), 100)
        start = int(request.query.get("start_time", "0"))
        rows = sorted((r for r in self.zendesk.ratings if _epoch(r["updated_at"]) >= start),
                      key=lambda r: (r["updated_at"], r["id"]))
        after = int(request.query.get("page[after]", "0") or 0)
        chunk = rows[after:after + size]
        more = after + size < len(rows)
        return web.json_response({"satisfaction_ratings": chunk, "meta": {
            "has_more": more, "after_cursor": str(after + size) if more else None, "before_cursor": str(after)},
            "links": {"next": None, "prev": None}}, headers={"ratelimit-limit": "700", "ratelimit-remaining": "699"})

    async def _zendesk_user(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.zendesk, request)) is not None:
            return fault
        user = self.zendesk.agents.get(request.match_info["id"])
        return web.json_response({"user": user}) if user else web.json_response({"error": "RecordNotFound"}, status=404)

    async def _intercom_search(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.intercom, request)) is not None:
            return fault
        if request.headers.get("Authorization") != INTERCOM_AUTH or request.headers.get("Intercom-Version") != "2.16":
            return web.json_response({"type": "error.list", "errors": [{"code": "unauthorized"}]}, status=401)
        query = self.intercom.requests[-1]["body"] or {}
        since = next((f["value"] for f in query.get("query", {}).get("value", []) if f.get("field") == "updated_at"), 0)
        pagination = query.get("pagination") or {}
        per_page = min(int(pagination.get("per_page", 150)), 150)
        rows = sorted((c for c in self.intercom.ratings if c["updated_at"] > since), key=lambda c: (c["updated_at"],
                                                                                                     c["id"]))
        start = int(pagination.get("starting_after") or 0)
        chunk = rows[start:start + per_page]
        following = {"page": 2, "starting_after": str(start + per_page)} if start + per_page < len(rows) else None
        return web.json_response({"type": "conversation.list", "conversations": chunk, "total_count": len(rows),
                                  "pages": {"type": "pages", "per_page": per_page, "next": following}},
                                 headers={"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "999",
                                          "X-RateLimit-Reset": str(int(time.time()) + 10)})

    async def _intercom_admin(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.intercom, request)) is not None:
            return fault
        admin = self.intercom.agents.get(request.match_info["id"])
        return web.json_response(admin) if admin else web.json_response({"type": "error.list"}, status=404)

    async def _freshdesk_ratings(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.freshdesk, request)) is not None:
            return fault
        if request.headers.get("Authorization") != FRESHDESK_AUTH:
            return web.json_response({"code": "invalid_credentials"}, status=401)
        since = request.query.get("created_since", "")
        rows = sorted((r for r in self.freshdesk.ratings if r["created_at"] >= since), key=lambda r: r["id"])
        page, per_page = int(request.query.get("page", "1")), min(int(request.query.get("per_page", "30")), 100)
        chunk = rows[(page - 1) * per_page: page * per_page]
        headers = {"X-RateLimit-Total": "200", "X-RateLimit-Remaining": "199", "X-RateLimit-Used-CurrentRequest": "1"}
        if page * per_page < len(rows):
            headers["link"] = f'<{self.url}/api/v2/surveys/satisfaction_ratings?page={page + 1}>; rel="next"'
        return web.json_response(chunk, headers=headers)

    async def _freshdesk_agent(self, request: web.Request) -> web.Response:
        if (fault := await self._log(self.freshdesk, request)) is not None:
            return fault
        agent = self.freshdesk.agents.get(request.match_info["id"])
        return web.json_response(agent) if agent else web.json_response({"code": "access_denied"}, status=404)


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


@asynccontextmanager
async def running_helpdesks() -> AsyncIterator[FakeHelpdesks]:
    fake = FakeHelpdesks()
    runner = web.AppRunner(fake.app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield fake
    finally:
        await runner.cleanup()
