"""A local fake of the Bot Framework Connector REST API (the `serviceUrl` of Teams activities).

botbuilder's CloudAdapter / ConnectorClient talk to it exactly as they talk to
https://smba.trafficmanager.net/..., so tests exercise the real SDK serialisation and error paths.
Routes follow botframework-connector 4.17.1 (`operations_async/_conversations_operations_async.py`
and `teams/operations/teams_operations.py`). Ids such as ``19:abc@thread.tacv2;messageid=1`` arrive
percent-encoded (msrest quotes every path argument with ``safe=''``); the router splits the raw path
itself so that even an encoded ``/`` inside an id survives.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from aiohttp import web

WRITE_KINDS = frozenset({"send", "reply", "update", "delete", "create"})
MIN_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200, 500  # Teams' roster paging (get-teams-context)
READ_KINDS = frozenset(
    {"members", "member", "paged_members", "activity_members", "team", "channels", "conversations"}
)

DEFAULT_ERROR_CODES: dict[int, tuple[str, str]] = {
    400: ("BadArgument", "The request was malformed."),
    401: ("Unauthorized", "Authorization has been denied for this request."),
    403: ("MessageWritesBlocked", "Thread is blocked from message writes."),
    404: ("ConversationNotFound", "Conversation not found."),
    412: ("PreconditionFailed", "Precondition failed, please try again."),
    429: ("TooManyRequests", "Too many requests. Retry after the interval in Retry-After."),
    500: ("InternalServerError", "An internal error occurred."),
    502: ("ServiceError", "Bad gateway."),
    503: ("ServiceUnavailable", "Service unavailable."),
    504: ("GatewayTimeout", "Gateway timeout."),
}


@dataclass(frozen=True)
class Sent:
    """One successful call the bot made. `activity` is the JSON body (ConversationParameters for
    "create", {} for "delete"); `at` is `time.monotonic()` on arrival, for rate assertions."""

    kind: str
    conversation_id: str
    activity_id: str | None
    activity: dict[str, Any]
    headers: dict[str, str]
    at: float


@dataclass(frozen=True)
class Attempt:
    """Every request that reached the fake, including the ones answered with an injected fault."""

    kind: str
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None
    status: int
    body: Any
    headers: dict[str, str]
    at: float


@dataclass
class _Fault:
    status: int
    retry_after: float | None
    remaining: int
    body: dict[str, Any]
    kinds: frozenset[str]
    conversation_id: str | None
    skip: int = 0  # matching calls answered normally before the fault starts (a 429 mid-paging)

    def applies(self, kind: str, conversation_id: str | None) -> bool:
        if kind not in self.kinds:
            return False
        return self.conversation_id is None or self.conversation_id == conversation_id


@dataclass
class _RandomFaults:
    rate: float
    statuses: tuple[int, ...]
    rng: random.Random
    retry_after: float | None
    kinds: frozenset[str]


@dataclass
class _Team:
    id: str
    name: str
    aad_group_id: str
    channels: list[dict[str, Any]] = field(default_factory=list)


def error_body(status: int, code: str | None = None, message: str | None = None) -> dict[str, Any]:
    """The Connector's ErrorResponse shape: {"error": {"code", "message"}}."""
    default_code, default_message = DEFAULT_ERROR_CODES.get(status, ("Error", f"HTTP {status}"))
    return {"error": {"code": code or default_code, "message": message or default_message}}


class FakeBotConnector:
    """`async with FakeBotConnector() as fake:` then use `fake.service_url` as the activity serviceUrl."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, in_thread: bool = True) -> None:
        """`in_thread=True` (default) serves from a private event loop in a daemon thread, so
        botbuilder's *synchronous* Teams calls (TeamsInfo.get_team_details / get_team_channels /
        meeting calls use a blocking TeamsConnectorClient) cannot deadlock the test's loop.
        `in_thread=False` serves on the caller's loop (async clients only)."""
        self._host = host
        self._port = port
        self._in_thread = in_thread
        self._runner: web.AppRunner | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.service_url: str = ""
        self.sent: list[Sent] = []
        self.attempts: list[Attempt] = []
        self.members: dict[str, list[dict[str, Any]]] = {}
        self.teams: dict[str, _Team] = {}
        self.gone: dict[str, int] = {}  # team / conversation id -> the status its reads answer
        self._faults: list[_Fault] = []
        self._random: _RandomFaults | None = None
        self._rate_limit: int | None = None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeBotConnector:
        if not self._in_thread:
            await self._serve()
            return self
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._thread_main, args=(ready, failure), name="fake-bot-connector", daemon=True
        )
        self._thread.start()
        await asyncio.get_running_loop().run_in_executor(None, ready.wait, 10)
        if failure:
            raise failure[0]
        if not self.service_url:
            raise RuntimeError("fake Bot Connector did not start within 10 s")
        return self

    async def close(self) -> None:
        if not self._in_thread:
            if self._runner is not None:
                await self._runner.cleanup()
                self._runner = None
            return
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        if self._runner is not None:
            done = asyncio.run_coroutine_threadsafe(self._runner.cleanup(), loop)
            await asyncio.wrap_future(done)
            self._runner = None
        loop.call_soon_threadsafe(loop.stop)
        await asyncio.get_running_loop().run_in_executor(None, thread.join, 10)
        self._loop = self._thread = None

    async def __aenter__(self) -> FakeBotConnector:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _thread_main(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve())
        except BaseException as error:  # noqa: BLE001 - any failure of the server thread is reported to start()
            failure.append(error)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        port = self._runner.addresses[0][1]
        self.service_url = f"http://{self._host}:{port}/"

    # ------------------------------------------------------------------ fault injection
    def fail_next(
        self,
        status: int = 429,
        retry_after: float | None = None,
        times: int = 1,
        *,
        code: str | None = None,
        message: str | None = None,
        kinds: Iterable[str] = WRITE_KINDS,
        conversation_id: str | None = None,
        skip: int = 0,
    ) -> None:
        """Answer the next `times` matching calls with `status`, after letting `skip` of them through
        (e.g. `kinds={"paged_members"}, skip=2`: a 429 on the third page). 429 gets `Retry-After: 1`
        unless told otherwise; 403 defaults to Teams' `MessageWritesBlocked` (user blocked the bot)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.append(
                _Fault(
                    status=status,
                    retry_after=retry_after,
                    remaining=times,
                    body=error_body(status, code, message),
                    kinds=frozenset(kinds),
                    conversation_id=conversation_id,
                    skip=skip,
                )
            )

    def fail_randomly(
        self,
        rate: float,
        statuses: Iterable[int] = (429, 500, 502, 504),
        seed: int | None = 0,
        *,
        retry_after: float | None = 1,
        kinds: Iterable[str] = WRITE_KINDS,
    ) -> None:
        """Fail a `rate` share of matching calls with a status drawn from `statuses` (seeded)."""
        self._random = _RandomFaults(
            rate=rate,
            statuses=tuple(statuses),
            rng=random.Random(seed),
            retry_after=retry_after,
            kinds=frozenset(kinds),
        )

    def limit_rate(self, per_second: int | None = 7) -> None:
        """Emulate Teams' per-conversation throttle: more than `per_second` writes to one
        conversation inside one second get 429 with Retry-After: 1. None switches it off."""
        self._rate_limit = per_second

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
        self._random = None
        self._rate_limit = None

    # ------------------------------------------------------------------ directory data
    def add_member(
        self,
        conversation_id: str,
        member_id: str,
        *,
        name: str | None = None,
        aad_object_id: str | None = None,
        email: str | None = None,
        tenant_id: str | None = None,
        given_name: str | None = None,
        surname: str | None = None,
        user_role: str = "user",
    ) -> dict[str, Any]:
        member = _member_json(
            member_id,
            name=name,
            aad_object_id=aad_object_id,
            email=email,
            tenant_id=tenant_id,
            given_name=given_name,
            surname=surname,
            user_role=user_role,
        )
        self.members.setdefault(conversation_id, []).append(member)
        return member

    def add_team(
        self, team_id: str, name: str = "Test Team", channels: Iterable[tuple[str, str | None]] = ()
    ) -> None:
        """Register a team for GET /v3/teams/{id}; the General channel (id == team id) is implied."""
        channel_list = [{"id": team_id, "name": None}] + [
            {"id": cid, "name": cname} for cid, cname in channels
        ]
        self.teams[team_id] = _Team(
            id=team_id,
            name=name,
            aad_group_id=str(uuid.uuid5(uuid.NAMESPACE_URL, team_id)),
            channels=channel_list,
        )

    def add_team_members(
        self, team_id: str, count: int, *, owners: int = 0, guests: int = 0, tenant_id: str | None = None,
        prefix: str = "member",
    ) -> list[dict[str, Any]]:
        """`count` members of a team (served by GET .../pagedmembers of the team id): the first
        `owners` have userRole "owner", the next `guests` "guest", the rest "user". Ids are stable per
        (team, prefix, index), so calling it again with another prefix adds different people."""
        added = []
        for index in range(count):
            role = "owner" if index < owners else "guest" if index < owners + guests else "user"
            digest = hashlib.sha1(f"{team_id}|{prefix}|{index}".encode()).hexdigest()
            added.append(self.add_member(
                team_id, f"29:{digest}", name=f"{prefix.title()} {index:05d}",
                aad_object_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"{team_id}|{prefix}|{index}")),
                email=f"{prefix}.{index:05d}@contoso.example", tenant_id=tenant_id, user_role=role,
            ))
        return added

    def remove_member(self, conversation_id: str, member_id: str) -> None:
        """Someone left the team (matched by Teams id or AAD object id)."""
        self.members[conversation_id] = [
            m for m in self.members.get(conversation_id, [])
            if member_id not in (m["id"], m.get("aadObjectId"))
        ]

    def remove_team(self, team_id: str, *, bot_removed: bool = False) -> None:
        """The team is deleted (404 ConversationNotFound on its roster and details) or, with
        `bot_removed`, Tandem was removed from it (403 BotNotInConversationRoster)."""
        self.gone[team_id] = 403 if bot_removed else 404

    # ------------------------------------------------------------------ inspection
    def activities_in(self, conversation_id: str) -> list[dict[str, Any]]:
        """Activities posted to a conversation (send, reply, and the first activity of a create),
        in arrival order, as the JSON the bot sent."""
        out: list[dict[str, Any]] = []
        for record in self.sent:
            if record.conversation_id != conversation_id:
                continue
            if record.kind in ("send", "reply"):
                out.append(record.activity)
            elif record.kind == "create" and record.activity.get("activity"):
                out.append(record.activity["activity"])
        return out

    def visible_in(self, conversation_id: str) -> dict[str, dict[str, Any]]:
        """What a user would see now: activity id -> latest version (updates applied, deletes removed)."""
        current: dict[str, dict[str, Any]] = {}
        for record in self.sent:
            if record.conversation_id != conversation_id or record.activity_id is None:
                continue
            if record.kind in ("send", "reply", "update"):
                current[record.activity_id] = record.activity
            elif record.kind == "delete":
                current.pop(record.activity_id, None)
        return current

    def of_kind(self, kind: str) -> list[Sent]:
        return [record for record in self.sent if record.kind == kind]

    async def wait_for(
        self,
        count: int = 1,
        *,
        kind: str | None = None,
        conversation_id: str | None = None,
        timeout: float = 5.0,
    ) -> list[Sent]:
        """Wait until at least `count` matching successful calls were recorded; return them."""

        def matching() -> list[Sent]:
            return [
                r
                for r in self.sent
                if (kind is None or r.kind == kind)
                and (conversation_id is None or r.conversation_id == conversation_id)
            ]

        deadline = time.monotonic() + timeout
        while len(found := matching()) < count:
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"expected {count} call(s) (kind={kind}, conversation={conversation_id}), "
                    f"got {len(found)}: {[(r.kind, r.conversation_id) for r in self.sent]}"
                )
            await asyncio.sleep(0.01)
        return found

    def reset(self) -> None:
        self.sent.clear()
        self.attempts.clear()
        self.clear_faults()

    # ------------------------------------------------------------------ HTTP
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        raw = request.raw_path.split("?", 1)[0]
        parts = [unquote(p) for p in raw.strip("/").split("/")] if raw.strip("/") else []
        body = await _read_json(request)
        route = _route(request.method, parts)
        if route is not None and route[0] == "paged_members":
            route = (*route[:3], dict(request.query))
        if route is None:
            return self._answer(
                request, "unknown", None, None, body, 404,
                error_body(404, "NotFound", f"No route {request.method} {raw}")
            )
        kind, conversation_id, activity_id, extra = route

        with self._lock:
            fault = self._take_fault(kind, conversation_id)
        if fault is not None:
            status, retry_after, fault_body = fault
            headers = {"Retry-After": _fmt_seconds(retry_after)} if retry_after is not None else {}
            return self._answer(
                request, kind, conversation_id, activity_id, body, status, fault_body, headers
            )

        handler = getattr(self, f"_on_{kind}")
        status, payload, recorded = handler(conversation_id, activity_id, extra, body if isinstance(body, dict) else {})
        response = self._answer(request, kind, conversation_id, activity_id, body, status, payload)
        if recorded is not None:
            self.sent.append(replace(recorded, headers=dict(request.headers)))
        return response

    def _answer(
        self,
        request: web.Request,
        kind: str,
        conversation_id: str | None,
        activity_id: str | None,
        body: Any,
        status: int,
        payload: Any,
        headers: dict[str, str] | None = None,
    ) -> web.Response:
        self.attempts.append(
            Attempt(
                kind=kind,
                method=request.method,
                path=request.raw_path,
                conversation_id=conversation_id,
                activity_id=activity_id,
                status=status,
                body=body,
                headers=dict(request.headers),
                at=time.monotonic(),
            )
        )
        if payload is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(payload, status=status, headers=headers)

    def _take_fault(
        self, kind: str, conversation_id: str | None
    ) -> tuple[int, float | None, dict[str, Any]] | None:
        for fault in self._faults:
            if fault.remaining > 0 and fault.applies(kind, conversation_id):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault.status, fault.retry_after, fault.body
        if kind in WRITE_KINDS and self._rate_limit is not None and conversation_id is not None:
            now = time.monotonic()
            recent = [
                r for r in self.sent if r.conversation_id == conversation_id and now - r.at < 1.0
            ]
            if len(recent) >= self._rate_limit:
                return 429, 1, error_body(429)
        chaos = self._random
        if chaos is not None and kind in chaos.kinds and chaos.rng.random() < chaos.rate:
            status = chaos.rng.choice(chaos.statuses)
            retry_after = chaos.retry_after if status == 429 else None
            return status, retry_after, error_body(status)
        return None

    def _record(
        self, kind: str, conversation_id: str, activity_id: str | None, activity: dict[str, Any]
    ) -> Sent:
        return Sent(
            kind=kind,
            conversation_id=conversation_id,
            activity_id=activity_id,
            activity=activity,
            headers={},
            at=time.monotonic(),
        )

    def _new_activity_id(self) -> str:
        return f"{int(time.time() * 1000)}{next(self._ids):04d}"

    # route handlers return (status, json payload or None, Sent or None)
    def _on_send(self, conversation_id, activity_id, extra, body):
        new_id = self._new_activity_id()
        return 201, {"id": new_id}, self._record("send", conversation_id, new_id, body)

    def _on_reply(self, conversation_id, activity_id, extra, body):
        new_id = self._new_activity_id()
        record = self._record("reply", conversation_id, new_id, body)
        return 201, {"id": new_id}, _with(record, reply_to=activity_id)

    def _on_update(self, conversation_id, activity_id, extra, body):
        return 200, {"id": activity_id}, self._record("update", conversation_id, activity_id, body)

    def _on_delete(self, conversation_id, activity_id, extra, body):
        return 200, None, self._record("delete", conversation_id, activity_id, {})

    def _on_create(self, conversation_id, activity_id, extra, body):
        new_conversation = _conversation_id_for(body)
        first_activity = self._new_activity_id() if body.get("activity") else None
        payload: dict[str, Any] = {"id": new_conversation}
        if first_activity:
            payload["activityId"] = first_activity
        return 201, payload, self._record("create", new_conversation, first_activity, body)

    def _on_conversations(self, conversation_id, activity_id, extra, body):
        ids = sorted({r.conversation_id for r in self.sent})
        return 200, {"conversations": [{"id": cid, "members": []} for cid in ids]}, None

    def _on_members(self, conversation_id, activity_id, extra, body):
        return 200, self.members.get(conversation_id, []), None

    def _on_activity_members(self, conversation_id, activity_id, extra, body):
        return 200, self.members.get(conversation_id, []), None

    def _on_paged_members(self, conversation_id, activity_id, extra, body):
        """Teams pages rosters: pageSize below 50 counts as 50, above 500 as 500 (default 200, as
        the service does when none is given); `continuationToken` is opaque and tied to the roster."""
        if conversation_id in self.gone:
            return self._gone(conversation_id)
        query = extra or {}
        try:
            size = min(max(int(query.get("pageSize") or DEFAULT_PAGE_SIZE), MIN_PAGE_SIZE), MAX_PAGE_SIZE)
        except ValueError:
            return 400, error_body(400, "BadArgument", "pageSize must be an integer."), None
        token = query.get("continuationToken")
        start = _offset_of(token, conversation_id) if token else 0
        if start is None:
            return 400, error_body(400, "BadArgument", "Invalid continuation token."), None
        members = self.members.get(conversation_id, [])
        page: dict[str, Any] = {"members": members[start:start + size]}
        if start + size < len(members):
            page["continuationToken"] = _token_for(conversation_id, start + size)
        return 200, page, None

    def _gone(self, conversation_id: str) -> tuple[int, dict[str, Any], None]:
        if self.gone[conversation_id] == 403:
            return 403, error_body(403, "BotNotInConversationRoster",
                                   "The bot is not part of the conversation roster."), None
        return 404, error_body(404, "ConversationNotFound", "Conversation not found."), None

    def _on_member(self, conversation_id, activity_id, extra, body):
        member_id = extra
        known = self.members.get(conversation_id)
        if known:
            for member in known:
                if member["id"] == member_id or member.get("aadObjectId") == member_id:
                    return 200, member, None
            return 404, error_body(404, "MemberNotFoundInConversation", "The member was not found."), None
        return 200, _member_json(member_id), None

    def _on_team(self, conversation_id, activity_id, extra, body):
        if extra in self.gone:
            return self._gone(extra)
        team = self.teams.get(extra) or _Team(
            id=extra, name="Test Team", aad_group_id=str(uuid.uuid5(uuid.NAMESPACE_URL, extra))
        )
        return (
            200,
            {
                "id": team.id,
                "name": team.name,
                "aadGroupId": team.aad_group_id,
                "channelCount": max(1, len(team.channels)),
                "memberCount": len(self.members.get(team.id, [])),
                "type": "standard",
            },
            None,
        )

    def _on_channels(self, conversation_id, activity_id, extra, body):
        team = self.teams.get(extra)
        channels = team.channels if team else [{"id": extra, "name": None}]
        return 200, {"conversations": channels}, None


def _with(record: Sent, *, reply_to: str | None) -> Sent:
    # A reply is recorded under its new id; the id it answers is kept in the activity's replyToId
    # (botbuilder sets it) and, if absent, filled from the URL so tests can rely on it.
    if reply_to and "replyToId" not in record.activity:
        return replace(record, activity=dict(record.activity, replyToId=reply_to))
    return record


def _route(method: str, parts: list[str]) -> tuple[str, str | None, str | None, Any] | None:
    """(kind, conversation id, activity id, extra) for a Connector path, or None."""
    if len(parts) < 2 or parts[0] not in ("v3", "v1"):
        return None
    if parts[:2] == ["v3", "conversations"]:
        rest = parts[2:]
        if not rest:
            return {"POST": ("create", None, None, None), "GET": ("conversations", None, None, None)}.get(method)
        conversation_id = rest[0]
        tail = rest[1:]
        if tail == ["activities"] and method == "POST":
            return "send", conversation_id, None, None
        if len(tail) == 2 and tail[0] == "activities":
            kind = {"POST": "reply", "PUT": "update", "DELETE": "delete"}.get(method)
            return (kind, conversation_id, tail[1], None) if kind else None
        if len(tail) == 3 and tail[0] == "activities" and tail[2] == "members" and method == "GET":
            return "activity_members", conversation_id, tail[1], None
        if tail == ["members"] and method == "GET":
            return "members", conversation_id, None, None
        if tail == ["pagedmembers"] and method == "GET":
            return "paged_members", conversation_id, None, None
        if len(tail) == 2 and tail[0] == "members" and method == "GET":
            return "member", conversation_id, None, tail[1]
        return None
    if parts[:2] == ["v3", "teams"] and len(parts) >= 3 and method == "GET":
        if len(parts) == 3:
            return "team", None, None, parts[2]
        if parts[3:] == ["conversations"]:
            return "channels", None, None, parts[2]
    return None


def _token_for(conversation_id: str, offset: int) -> str:
    digest = hashlib.sha1(conversation_id.encode()).hexdigest()[:12]
    return base64.urlsafe_b64encode(f"{digest}:{offset}".encode()).decode()


def _offset_of(token: str, conversation_id: str) -> int | None:
    try:
        digest, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition(":")
        value = int(offset)
    except (ValueError, UnicodeError):
        return None
    ok = digest == hashlib.sha1(conversation_id.encode()).hexdigest()[:12] and value >= 0
    return value if ok else None


def _conversation_id_for(params: dict[str, Any]) -> str:
    """Teams answers the same 1:1 conversation id for the same bot + user, so this is stable."""
    members = params.get("members") or []
    tenant = params.get("tenantId") or (params.get("channelData") or {}).get("tenant", {}).get("id", "")
    if params.get("isGroup") or len(members) != 1:
        seed = json.dumps(params.get("channelData") or {}, sort_keys=True) + str(uuid.uuid4())
        return "19:" + hashlib.sha1(seed.encode()).hexdigest()[:32] + "@thread.tacv2"
    member = members[0].get("id", "")
    bot = (params.get("bot") or {}).get("id", "")
    digest = hashlib.sha1(f"{tenant}|{bot}|{member}".encode()).hexdigest()
    return "a:1" + digest


def _member_json(
    member_id: str,
    *,
    name: str | None = None,
    aad_object_id: str | None = None,
    email: str | None = None,
    tenant_id: str | None = None,
    given_name: str | None = None,
    surname: str | None = None,
    user_role: str = "user",
) -> dict[str, Any]:
    """A TeamsChannelAccount as GET .../members/{id} returns it."""
    digest = hashlib.sha1(member_id.encode()).hexdigest()
    name = name or f"User {digest[:6]}"
    given, _, family = name.partition(" ")
    return {
        "id": member_id,
        "name": name,
        "aadObjectId": aad_object_id or str(uuid.uuid5(uuid.NAMESPACE_URL, member_id)),
        "email": email or f"user.{digest[:6]}@contoso.example",
        "userPrincipalName": email or f"user.{digest[:6]}@contoso.example",
        "givenName": given_name or given,
        "surname": surname or family or None,
        "tenantId": tenant_id or "b28fdbfd-2b78-4f93-b0f8-8881793f0f8f",
        "userRole": user_role,
    }


async def _read_json(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    raw = await request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
