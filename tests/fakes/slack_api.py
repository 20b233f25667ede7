"""A local fake of the Slack Web API, checked against Slack's published OpenAPI spec.

Why: tests must exercise the bot's real ``slack_sdk`` client over real HTTP, yet never reach Slack.
The fake answers like Slack, refuses calls the spec says are malformed (recording them as
``violations`` so a test can assert there were none), and can answer 429 with ``Retry-After`` so the
outbox's retry path is tested against the wire format instead of a mock.

Usage::

    async with FakeSlackApi() as fake:            # same event loop as the test
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        ...
        assert fake.violations == []

    with FakeSlackApi() as fake:                  # own thread: for sync clients or blocking tests
        ...
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
import mimetypes
import os
import random
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aiohttp import web

JsonDict = dict[str, Any]

#: Methods slack_sdk's files_upload_v2 uses that the published spec predates; required args per Slack docs.
SUPPLEMENTARY_METHODS: dict[str, frozenset[str]] = {
    "files.getUploadURLExternal": frozenset({"filename", "length"}),
    "files.completeUploadExternal": frozenset({"files"}),
    "apps.connections.open": frozenset(),  # Socket Mode: takes the app-level token (xapp-) only
}

#: In the spec but switched off by Slack (files.upload was sunset in 2025): calling them is a bug.
RETIRED_METHODS: frozenset[str] = frozenset({"files.upload"})

#: Arguments Slack expects as JSON; form bodies carry them as JSON strings.
JSON_ARGUMENTS: frozenset[str] = frozenset({"blocks", "attachments", "view", "files", "metadata"})

_PLACEHOLDER_KEYS = ("error", "needed", "provided", "warning", "response_metadata")


def shared_dir() -> Path:
    """The project's ``../shared`` reference folder (``TANDEM_SHARED_DIR`` overrides it, e.g. in CI)."""
    override = os.environ.get("TANDEM_SHARED_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared"


def slack_specs_dir() -> Path:
    return shared_dir() / "specs" / "slack"


@dataclass(frozen=True)
class Call:
    """One request the bot made, as the fake saw it.

    ``args`` merges query string, form and JSON body; ``at`` is the fake's clock (``time.monotonic`` unless
    injected), so tests can check the gap a client left after a ``Retry-After``.
    """

    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    status: int = 200
    http_verb: str = "POST"

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth[len("Bearer ") :]
        token = self.args.get("token")
        return str(token) if token is not None else None

    def json_arg(self, name: str) -> Any:
        """An argument that Slack takes as JSON (blocks, view, ...), decoded whether sent as form or JSON."""
        value = self.args.get(name)
        return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class Violation:
    """A call real Slack would reject: tests assert ``fake.violations == []``."""

    method: str
    reason: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Upload:
    """A file going through the v2 upload flow: URL issued, bytes received, upload completed."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None = None
    snippet_type: str | None = None
    data: bytes | None = None
    title: str | None = None
    channel_id: str | None = None
    initial_comment: str | None = None
    thread_ts: str | None = None
    completed: bool = False


@dataclass
class FakeUser:
    """What users.info tells about a person; tests set tz/locale to drive per-person scheduling."""

    id: str
    name: str
    real_name: str
    tz: str
    locale: str
    team_id: str
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False


@dataclass
class FakeUserGroup:
    """A user group (subteam) as usergroups.list tells it; ``date_delete`` > 0 means disabled."""

    id: str
    handle: str
    name: str
    users: list[str]
    created_by: str
    date_delete: int = 0


@dataclass
class FakeChannel:
    """A channel; a private one is visible to the bot only when ``bot_member``."""

    id: str
    name: str
    members: list[str]
    is_private: bool = False
    is_archived: bool = False
    bot_member: bool = True


#: Slack's published tiers, calls a minute per workspace and method, for ``FakeSlackApi.slack_tiers``.
METHOD_TIERS: dict[str, int] = {"usergroups.list": 20, "usergroups.users.list": 20, "conversations.list": 20,
                                "conversations.members": 100, "users.list": 20, "users.info": 100}
PAGE_LIMIT_MAX = 1000  # "must be an integer under 1000" (conversations.*), users.list pages likewise


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    error: str | None
    remaining: int


@dataclass
class _RandomFault:
    rate: float
    statuses: tuple[int, ...]
    retry_after: int
    rng: random.Random


@dataclass
class _TokenBucket:
    """Slack-like rate limit: ``per_second`` refill, ``burst`` capacity."""

    per_second: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float) -> float | None:
        """Consume one token; return None if allowed, else the seconds until a token is available."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return None
        return (1 - self.tokens) / self.per_second


@dataclass
class _RateLimit:
    per_second: float
    burst: float
    per_arg: str | None
    buckets: dict[str, _TokenBucket] = field(default_factory=dict)


@dataclass(frozen=True)
class SlackMethodSpec:
    """What the fake checks for one Web API method."""

    name: str
    required: frozenset[str]
    token_required: bool


@lru_cache(maxsize=4)
def load_method_specs(spec_path: Path) -> dict[str, SlackMethodSpec]:
    """Required arguments per method from the OpenAPI 2 spec (token is checked separately: it rides in a header)."""
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    methods: dict[str, SlackMethodSpec] = {}
    for path, operations in spec["paths"].items():
        name = path.lstrip("/")
        required: set[str] = set()
        token_required = False
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if not param.get("required"):
                    continue
                if param.get("name") == "token":
                    token_required = True
                elif param.get("in") in ("formData", "query"):
                    required.add(param["name"])
        methods[name] = SlackMethodSpec(name, frozenset(required), token_required)
    for name, required_args in SUPPLEMENTARY_METHODS.items():
        methods.setdefault(name, SlackMethodSpec(name, required_args, True))
    return methods


@lru_cache(maxsize=16)
def _response_template(name: str) -> str:
    return (slack_specs_dir() / "responses" / f"{name}.json").read_text(encoding="utf-8")


def success_shape(name: str) -> JsonDict:
    """A fresh copy of a recorded response shape, turned into a success (placeholder error keys removed)."""
    body: JsonDict = json.loads(_response_template(name))
    for key in _PLACEHOLDER_KEYS:
        body.pop(key, None)
    body["ok"] = True
    return body


PAGED_METHODS = frozenset({"users.list", "conversations.list", "conversations.members"})


def _offset(cursor: Any) -> int | None:
    """Where a cursor handed out by ``_page`` starts (None: not one of ours)."""
    try:
        kind, _, start = base64.b64decode(str(cursor), validate=True).decode().partition(":")
        return int(start) if kind == "next" else None
    except ValueError:
        return None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


class FakeSlackApi:
    """In-process fake Slack Web API server on 127.0.0.1 (ephemeral port)."""

    def __init__(
        self,
        *,
        spec_path: Path | None = None,
        team_id: str = "T111",
        team_name: str = "Tandem Test",
        team_domain: str = "tandem-test",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B111",
        app_id: str = "A111",
        default_tz: str = "UTC",
        default_locale: str = "en-US",
        require_token: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spec_path = spec_path or slack_specs_dir() / "slack_web_openapi_v2.json"
        self.methods = load_method_specs(self.spec_path)
        self.team_id, self.team_name, self.team_domain = team_id, team_name, team_domain
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self.default_tz, self.default_locale = default_tz, default_locale
        self.require_token = require_token
        self.clock = clock

        self.calls: list[Call] = []
        self.violations: list[Violation] = []
        self.uploads: dict[str, Upload] = {}
        self.users: dict[str, FakeUser] = {}
        self.views: dict[str, JsonDict] = {}
        self.home_views: dict[str, JsonDict] = {}
        self.messages: dict[tuple[str, str], JsonDict] = {}
        self.usergroups: dict[str, FakeUserGroup] = {}
        self.channels: dict[str, FakeChannel] = {}
        self.latency = 0.0  # seconds each Web API answer takes (the bench's per-call latency)
        self.refused: Counter[str] = Counter()
        self.oauth_scopes = "commands,chat:write,im:write,im:history,users:read,files:write"

        self._faults: dict[str, deque[_Fault]] = {}
        self._random_faults: dict[str, _RandomFault] = {}
        self._rate_limits: dict[str, _RateLimit] = {}
        self._open_dms: set[str] = set()
        self._counter = 0
        self._lock = threading.RLock()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._socket: web.WebSocketResponse | None = None
        self._socket_acks: dict[str, asyncio.Future[JsonDict]] = {}

    # ----------------------------------------------------------------- lifecycle

    @property
    def origin(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeSlackApi is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def base_url(self) -> str:
        """What ``AsyncWebClient(base_url=...)`` / ``SLACK_API_URL`` takes (slack_sdk needs the trailing slash)."""
        return f"{self.origin}/api/"

    async def start(self) -> FakeSlackApi:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_route("POST", "/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket-mode", self._handle_socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlackApi:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    def __enter__(self) -> FakeSlackApi:
        """Serve from a background thread, so sync clients and blocking test code cannot stall the fake."""
        loop = asyncio.new_event_loop()
        self._thread_loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-slack-api", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.start(), loop).result(timeout=10)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        loop, thread = self._thread_loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._thread_loop, self._thread = None, None

    # ----------------------------------------------------------------- test controls

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def delivered(self, method: str) -> list[Call]:
        """Calls to ``method`` that were answered 200 and valid (what Slack actually acted on)."""
        return [call for call in self.calls_to(method) if call.ok]

    def set_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str | None = None,
        locale: str | None = None,
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> FakeUser:
        user = FakeUser(
            id=user_id,
            name=name or user_id.lower(),
            real_name=real_name or name or user_id,
            tz=tz or self.default_tz,
            locale=locale or self.default_locale,
            team_id=self.team_id,
            email=email,
            is_bot=is_bot,
            deleted=deleted,
        )
        with self._lock:
            self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls to ``method`` (``"*"``: any method) with an error.

        429 carries ``Retry-After`` (default 1 s) and ``ratelimited``; 5xx ``internal_error``; a status
        of 200 with ``error`` (e.g. ``channel_not_found``) is Slack's usual application-level failure.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._faults.setdefault(method, deque()).append(_Fault(status, retry_after, error, times))

    def fail_randomly(
        self,
        method: str,
        *,
        rate: float = 0.2,
        statuses: Iterable[int] = (429, 500),
        retry_after: int = 1,
        seed: int | None = None,
    ) -> None:
        """Fail a seeded-random share of calls, for soak tests of the outbox; ``rate=0`` turns it off."""
        with self._lock:
            if rate <= 0:
                self._random_faults.pop(method, None)
            else:
                self._random_faults[method] = _RandomFault(rate, tuple(statuses), retry_after, random.Random(seed))

    def rate_limit(
        self, method: str, *, per_second: float, burst: float | None = None, per_arg: str | None = None
    ) -> None:
        """Token-bucket limit like Slack's tiers; ``per_arg="channel"`` limits per channel (chat.postMessage ~1/s).

        Refused calls get 429 with a ``Retry-After`` (whole seconds, rounded up) after which a retry succeeds,
        and are counted in ``fake.refused[method]``.
        """
        with self._lock:
            self._rate_limits[method] = _RateLimit(per_second, burst if burst is not None else max(1.0, per_second),
                                                   per_arg)

    def slack_tiers(self, scale: float = 1.0, burst: float = 1.5) -> None:
        """Rate-limit the directory methods at Slack's tiers, ``scale`` times faster (tests, the bench)."""
        for method, per_minute in METHOD_TIERS.items():
            self.rate_limit(method, per_second=per_minute * scale / 60, burst=burst)

    def set_usergroup(self, group_id: str, handle: str, users: Iterable[str], *, created_by: str = "U0ADMIN",
                      name: str | None = None) -> FakeUserGroup:
        """Create or update a user group (its members replaced)."""
        with self._lock:
            group = self.usergroups.get(group_id)
            if group is None:
                group = self.usergroups[group_id] = FakeUserGroup(group_id, handle, name or handle, [], created_by)
            group.handle, group.users = handle, list(users)
            return group

    def disable_usergroup(self, group_id: str) -> None:
        with self._lock:
            self.usergroups[group_id].date_delete = int(time.time())

    def delete_usergroup(self, group_id: str) -> None:
        with self._lock:
            self.usergroups.pop(group_id, None)

    def set_channel(self, channel_id: str, name: str, members: Iterable[str], *, is_private: bool = False,
                    bot_member: bool = True) -> FakeChannel:
        with self._lock:
            channel = self.channels[channel_id] = FakeChannel(channel_id, name, list(members), is_private,
                                                              bot_member=bot_member)
            return channel

    def archive_channel(self, channel_id: str) -> None:
        with self._lock:
            self.channels[channel_id].is_archived = True

    def dm_channel_for(self, user_id: str) -> str:
        """The DM channel id conversations.open returns for a user."""
        return f"D{user_id}"

    @property
    def last_upload(self) -> Upload | None:
        return next(reversed(self.uploads.values()), None)

    def reset(self) -> None:
        """Forget calls, violations and faults (keeps users), e.g. between phases of one test."""
        with self._lock:
            self.calls.clear()
            self.violations.clear()
            self.refused.clear()
            self._faults.clear()
            self._random_faults.clear()
            self._rate_limits.clear()

    # ----------------------------------------------------------------- HTTP

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            args = await self._read_args(request)
        except ValueError as exc:
            with self._lock:
                self._violate(method, f"unreadable body: {exc}", {})
                call = Call(method, {}, dict(request.headers), self.clock(), 200, request.method)
                self.calls.append(call)
            return web.json_response({"ok": False, "error": "invalid_form_data"}, status=200)
        headers = dict(request.headers)
        with self._lock:
            status, body, extra_headers = self._answer(method, args, headers)
            self.calls.append(Call(method, args, headers, self.clock(), status, request.method))
        if self.latency:  # limits count a call when it arrives, as Slack's do
            await asyncio.sleep(self.latency)
        return web.json_response(body, status=status, headers=extra_headers)

    async def _read_args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if not request.can_read_body:
            return args
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise ValueError(str(exc)) from exc
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            args.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                args[key] = value.file.read() if isinstance(value, web.FileField) else value
        else:
            raw = await request.text()
            args.update(parse_qsl(raw, keep_blank_values=True))
        return args

    async def _handle_upload(self, request: web.Request) -> web.Response:
        """Step 2 of files_upload_v2: slack_sdk POSTs the raw bytes to the issued upload_url."""
        file_id = request.match_info["file_id"]
        if request.content_type == "multipart/form-data":
            form = await request.post()
            parts = [v for v in form.values() if isinstance(v, web.FileField)]
            data = parts[0].file.read() if parts else b""
        else:
            data = await request.read()
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is None:
                self._violate("upload", f"upload to unknown file id {file_id}", {})
                return web.Response(status=404, text="file not found")
            if len(data) != upload.length:
                self._violate("upload", f"{file_id}: sent {len(data)} bytes, declared length {upload.length}", {})
            upload.data = data
        return web.Response(text=f"OK - {len(data)}")

    # ----------------------------------------------------------------- Socket Mode (same event loop only)

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        """The websocket apps.connections.open hands out: a hello, then envelopes and the client's acks."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._socket = socket
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "debug_info": {"host": "fake", "approximate_connection_time": 18060},
                                "connection_info": {"app_id": self.app_id}})
        async for message in socket:
            ack = json.loads(message.data) if message.type == web.WSMsgType.TEXT else {}
            waiting = self._socket_acks.get(str(ack.get("envelope_id")))
            if waiting is None:
                self._violate("socket_mode", f"ack for an unknown envelope: {ack}", {})
            elif not waiting.done():
                waiting.set_result(ack.get("payload") or {})
        self._socket = None
        return socket

    async def send_envelope(self, kind: str, payload: JsonDict, timeout: float = 5.0) -> str:
        """Push one Socket Mode envelope (slash_commands, interactive, events_api); returns its id."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self._socket is None:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError("no Socket Mode client connected")
            await asyncio.sleep(0.01)
        envelope_id = self._next_id("env-")
        self._socket_acks[envelope_id] = asyncio.get_running_loop().create_future()
        await self._socket.send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                      "accepts_response_payload": kind != "events_api", "retry_attempt": 0,
                                      "retry_reason": ""})
        return envelope_id

    async def envelope_ack(self, envelope_id: str, timeout: float = 5.0) -> JsonDict:
        """The payload the client acknowledged the envelope with ({} for a bare ack)."""
        return await asyncio.wait_for(self._socket_acks[envelope_id], timeout)

    # ----------------------------------------------------------------- validation and faults

    def _violate(self, method: str, reason: str, args: Mapping[str, Any]) -> None:
        self.violations.append(Violation(method, reason, dict(args)))

    def _answer(self, method: str, args: dict[str, Any],
                headers: Mapping[str, str]) -> tuple[int, JsonDict, dict[str, str]]:
        spec = self.methods.get(method)
        if spec is None:
            self._violate(method, "unknown method (not in Slack's Web API spec)", args)
            return 404, {"ok": False, "error": "unknown_method"}, {}
        if method in RETIRED_METHODS:
            self._violate(method, "method retired by Slack", args)
            return 200, {"ok": False, "error": "method_deprecated"}, {}
        error = self._validate(spec, args, headers)
        if error is not None:
            return 200, {"ok": False, "error": error}, {}
        fault = self._fault_for(method, args)
        if fault is not None:
            return fault
        handler = getattr(self, "_on_" + method.replace(".", "_"), None)
        body: JsonDict = handler(args) if handler is not None else {"ok": True}
        return 200, body, {}

    def _validate(self, spec: SlackMethodSpec, args: dict[str, Any], headers: Mapping[str, str]) -> str | None:
        method = spec.name
        missing = sorted(name for name in spec.required if _blank(args.get(name)))
        if missing:
            self._violate(method, f"missing required argument(s): {', '.join(missing)}", args)
            return "invalid_arguments"
        if self.require_token and spec.token_required:
            auth = headers.get("Authorization", "")
            if not auth.startswith("Bearer ") and _blank(args.get("token")):
                self._violate(method, "no token (Authorization: Bearer header or token argument)", args)
                return "not_authed"
        for name in JSON_ARGUMENTS & args.keys():
            value = args[name]
            if isinstance(value, str):
                try:
                    json.loads(value)
                except json.JSONDecodeError:
                    self._violate(method, f"argument {name} is not valid JSON", args)
                    return "invalid_arguments"
        if method in ("chat.postMessage", "chat.postEphemeral") and all(
            _blank(args.get(name)) for name in ("text", "blocks", "attachments")
        ):
            self._violate(method, "none of text, blocks, attachments given", args)
            return "no_text"
        if method == "views.update" and _blank(args.get("view_id")) and _blank(args.get("external_id")):
            self._violate(method, "views.update needs view_id or external_id", args)
            return "invalid_arguments"
        if method == "users.info" and _blank(args.get("user")):
            self._violate(method, "users.info needs user", args)
            return "user_not_found"
        if method == "conversations.members" and _blank(args.get("channel")):
            self._violate(method, "conversations.members needs channel", args)
            return "channel_not_found"
        if method in PAGED_METHODS:
            try:
                limit = int(args.get("limit") or 0)
            except ValueError:
                limit = -1
            if not 0 <= limit <= PAGE_LIMIT_MAX:
                self._violate(method, f"limit must be an integer from 0 to {PAGE_LIMIT_MAX}", args)
                return "invalid_limit"
            if not _blank(args.get("cursor")) and _offset(args.get("cursor")) is None:
                self._violate(method, "a cursor Slack did not hand out", args)
                return "invalid_cursor"
        if method == "conversations.open" and _blank(args.get("users")) and _blank(args.get("channel")):
            self._violate(method, "conversations.open needs users or channel", args)
            return "invalid_arguments"
        if (method == "oauth.v2.access" and not headers.get("Authorization", "").startswith("Basic ")
                and (_blank(args.get("client_id")) or _blank(args.get("client_secret")))):
            self._violate(method, "no client credentials (Basic auth or client_id/client_secret)", args)
            return "invalid_client_id"
        return None

    def _fault_for(self, method: str, args: Mapping[str, Any]) -> tuple[int, JsonDict, dict[str, str]] | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return self._error_answer(fault.status, fault.retry_after, fault.error)
        limit = self._rate_limits.get(method)
        if limit is not None:
            bucket_key = str(args.get(limit.per_arg, "")) if limit.per_arg else ""
            now = self.clock()
            bucket = limit.buckets.get(bucket_key)
            if bucket is None:
                bucket = limit.buckets[bucket_key] = _TokenBucket(limit.per_second, limit.burst, limit.burst, now)
            wait = bucket.take(now)
            if wait is not None:
                self.refused[method] += 1
                return self._error_answer(429, max(1, math.ceil(wait - 1e-9)), None)
        for key in (method, "*"):
            chaos = self._random_faults.get(key)
            if chaos is not None and chaos.rng.random() < chaos.rate:
                return self._error_answer(chaos.rng.choice(chaos.statuses), chaos.retry_after, None)
        return None

    @staticmethod
    def _error_answer(status: int, retry_after: int | None, error: str | None) -> tuple[int, JsonDict, dict[str, str]]:
        if status == 429:
            return 429, {"ok": False, "error": error or "ratelimited"}, {"Retry-After": str(retry_after or 1)}
        if status >= 500:
            return status, {"ok": False, "error": error or "internal_error"}, {}
        return status, {"ok": False, "error": error or "fatal_error"}, {}

    # ----------------------------------------------------------------- method answers

    def _next_ts(self) -> str:
        self._counter += 1
        return f"{int(time.time())}.{self._counter:06d}"

    def _next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:08d}"

    def _channel_for(self, channel: str) -> str:
        """Slack posts to a user id in the app's DM with that user and answers with the D channel."""
        return self.dm_channel_for(channel) if channel[:1] in ("U", "W") else channel

    def _message(self, args: Mapping[str, Any], ts: str) -> JsonDict:
        message: JsonDict = {
            "type": "message",
            "text": args.get("text") or "",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": ts,
        }
        for name in ("blocks", "attachments", "metadata"):
            if not _blank(args.get(name)):
                value = args[name]
                message[name] = json.loads(value) if isinstance(value, str) else value
        if not _blank(args.get("thread_ts")):
            message["thread_ts"] = args["thread_ts"]
        return message

    def _on_apps_connections_open(self, args: dict[str, Any]) -> JsonDict:
        return {"ok": True, "url": self.origin.replace("http://", "ws://") + "/socket-mode"}

    def _on_chat_postMessage(self, args: dict[str, Any]) -> JsonDict:
        channel, ts = self._channel_for(str(args["channel"])), self._next_ts()
        message = self._message(args, ts)
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _on_chat_update(self, args: dict[str, Any]) -> JsonDict:
        channel, ts = str(args["channel"]), str(args["ts"])
        message = self._message(args, ts)
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _on_chat_postEphemeral(self, args: dict[str, Any]) -> JsonDict:
        return {"ok": True, "message_ts": self._next_ts()}

    def _on_chat_getPermalink(self, args: dict[str, Any]) -> JsonDict:
        channel, ts = str(args["channel"]), str(args["message_ts"])
        permalink = f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"
        return {"ok": True, "channel": channel, "permalink": permalink}

    def _on_conversations_open(self, args: dict[str, Any]) -> JsonDict:
        if not _blank(args.get("channel")):
            return {"ok": True, "channel": {"id": args["channel"]}}
        users_arg = args["users"]
        users = users_arg if isinstance(users_arg, list) else str(users_arg).split(",")
        users = [u.strip() for u in users if u.strip()]
        if len(users) == 1:
            channel_id = self.dm_channel_for(users[0])
            channel: JsonDict = {"id": channel_id}
            if _truthy(args.get("return_im")):
                channel.update({"is_im": True, "user": users[0], "created": int(time.time()), "is_open": True})
        else:
            channel_id = "G" + "".join(sorted(users))
            channel = {"id": channel_id}
        body: JsonDict = {"ok": True, "channel": channel}
        if channel_id in self._open_dms:
            body.update({"no_op": True, "already_open": True})
        self._open_dms.add(channel_id)
        return body

    def _on_users_info(self, args: dict[str, Any]) -> JsonDict:
        user_id = str(args["user"])
        user = self.users.get(user_id) or self.set_user(user_id)
        body = success_shape("users.info")
        body["user"] = self._user_object(user, _truthy(args.get("include_locale")))
        return body

    def _user_object(self, user: FakeUser, include_locale: bool) -> JsonDict:
        data: JsonDict = success_shape("users.info")["user"]
        for key in ("enterprise_user", "enterprise_id", "enterprise_name"):
            data.pop(key, None)
        try:
            now = datetime.now(ZoneInfo(user.tz))
            offset = now.utcoffset()
            tz_offset, tz_label = int(offset.total_seconds()) if offset else 0, now.tzname() or user.tz
        except ZoneInfoNotFoundError:
            tz_offset, tz_label = 0, user.tz
        first, _, last = user.real_name.partition(" ")
        data.update(
            id=user.id,
            team_id=user.team_id,
            name=user.name,
            real_name=user.real_name,
            deleted=user.deleted,
            is_bot=user.is_bot,
            tz=user.tz,
            tz_label=tz_label,
            tz_offset=tz_offset,
            teams=[user.team_id],
            updated=int(time.time()),
        )
        data["profile"].update(
            real_name=user.real_name,
            real_name_normalized=user.real_name,
            display_name=user.name,
            display_name_normalized=user.name,
            first_name=first,
            last_name=last,
            team=user.team_id,
            email=user.email or "",
        )
        data.pop("locale", None)
        if include_locale:
            data["locale"] = user.locale  # like Slack: locale only when include_locale=true
        return data

    def _page(self, args: Mapping[str, Any], items: list[Any], key: str, default_limit: int) -> JsonDict:
        """One page as Slack pages: ``response_metadata.next_cursor`` opaque, "" after the last page."""
        start = _offset(args.get("cursor")) or 0
        limit = int(args.get("limit") or 0) or default_limit
        chunk, rest = items[start:start + limit], start + limit < len(items)
        cursor = base64.b64encode(f"next:{start + limit}".encode()).decode() if rest else ""
        return {"ok": True, key: chunk, "response_metadata": {"next_cursor": cursor}}

    def _on_users_list(self, args: dict[str, Any]) -> JsonDict:
        include_locale = _truthy(args.get("include_locale"))
        users = [self._user_object(user, include_locale) for user in self.users.values()]
        page = self._page(args, users, "members", PAGE_LIMIT_MAX)
        page["cache_ts"] = int(time.time())
        return page

    def _group_object(self, group: FakeUserGroup, include_users: bool) -> JsonDict:
        data: JsonDict = {
            "id": group.id, "team_id": self.team_id, "is_usergroup": True, "is_subteam": True, "name": group.name,
            "description": "", "handle": group.handle, "is_external": False, "date_create": 1_600_000_000,
            "date_update": 1_600_000_000, "date_delete": group.date_delete, "auto_type": None,
            "created_by": group.created_by, "updated_by": group.created_by, "deleted_by": None,
            "prefs": {"channels": [], "groups": []}, "user_count": len(group.users)}
        if include_users:
            data["users"] = list(group.users)
        return data

    def _on_usergroups_list(self, args: dict[str, Any]) -> JsonDict:
        groups = [g for g in self.usergroups.values() if _truthy(args.get("include_disabled")) or not g.date_delete]
        return {"ok": True, "usergroups": [self._group_object(g, _truthy(args.get("include_users")))
                                           for g in groups]}

    def _on_usergroups_users_list(self, args: dict[str, Any]) -> JsonDict:
        group = self.usergroups.get(str(args["usergroup"]))
        if group is None or (group.date_delete and not _truthy(args.get("include_disabled"))):
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(group.users)}

    def _visible(self, channel: FakeChannel | None) -> bool:
        return channel is not None and (not channel.is_private or channel.bot_member)

    def _on_conversations_list(self, args: dict[str, Any]) -> JsonDict:
        types = set(str(args.get("types") or "public_channel").split(","))
        chosen = [c for c in self.channels.values() if self._visible(c)
                  and ("private_channel" if c.is_private else "public_channel") in types
                  and not (c.is_archived and _truthy(args.get("exclude_archived")))]
        objects = [{"id": c.id, "name": c.name, "name_normalized": c.name, "is_channel": not c.is_private,
                    "is_group": c.is_private, "is_im": False, "is_mpim": False, "is_private": c.is_private,
                    "is_archived": c.is_archived, "is_general": False, "is_member": c.bot_member,
                    "created": 1_600_000_000, "creator": "U0ADMIN", "num_members": len(c.members),
                    "topic": {"value": "", "creator": "", "last_set": 0},
                    "purpose": {"value": "", "creator": "", "last_set": 0}} for c in chosen]
        return self._page(args, objects, "channels", 100)

    def _on_conversations_members(self, args: dict[str, Any]) -> JsonDict:
        channel = self.channels.get(str(args["channel"]))
        if channel is None or not self._visible(channel):
            return {"ok": False, "error": "channel_not_found"}
        return self._page(args, list(channel.members), "members", 100)

    def _view_answer(self, args: dict[str, Any], view_id: str | None = None) -> JsonDict:
        body = success_shape("views.open")
        requested = args.get("view")
        sent: JsonDict = json.loads(requested) if isinstance(requested, str) else dict(requested or {})
        view_id = view_id or self._next_id("V")
        view: JsonDict = body["view"]
        view.update(
            id=view_id,
            team_id=self.team_id,
            type=sent.get("type", "modal"),
            blocks=sent.get("blocks", []),
            private_metadata=sent.get("private_metadata", ""),
            callback_id=sent.get("callback_id", ""),
            external_id=sent.get("external_id", args.get("external_id") or ""),
            state={"values": {}},
            hash=f"{int(time.time())}.{self._next_id('h')}",
            clear_on_close=sent.get("clear_on_close", False),
            notify_on_close=sent.get("notify_on_close", False),
            submit_disabled=sent.get("submit_disabled", False),
            root_view_id=view_id,
            previous_view_id=None,
            app_id=self.app_id,
            app_installed_team_id=self.team_id,
            bot_id=self.bot_id,
        )
        for key in ("title", "submit", "close"):
            if key in sent:
                view[key] = sent[key]
            else:
                view.pop(key, None)
        for key in ("entity_url", "external_ref", "app_unfurl_url", "message_ts", "thread_ts", "channel"):
            view.pop(key, None)
        self.views[view_id] = view
        return body

    def _on_views_open(self, args: dict[str, Any]) -> JsonDict:
        return self._view_answer(args)

    def _on_views_push(self, args: dict[str, Any]) -> JsonDict:
        return self._view_answer(args)

    def _on_views_update(self, args: dict[str, Any]) -> JsonDict:
        view_id = args.get("view_id") or next(
            (vid for vid, v in self.views.items() if v.get("external_id") == args.get("external_id")), None
        )
        return self._view_answer(args, view_id=view_id)

    def _on_views_publish(self, args: dict[str, Any]) -> JsonDict:
        user_id = str(args["user_id"])
        previous = self.home_views.get(user_id)
        body = self._view_answer(args, view_id=previous["id"] if previous else None)
        self.home_views[user_id] = body["view"]
        return body

    def _on_auth_test(self, args: dict[str, Any]) -> JsonDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": "tandem",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _on_oauth_v2_access(self, args: dict[str, Any]) -> JsonDict:
        return {
            "ok": True,
            "app_id": self.app_id,
            "authed_user": {"id": "U0INSTALLER"},
            "scope": self.oauth_scopes,
            "token_type": "bot",
            "access_token": f"xoxb-fake-{self.team_id}-{base64.b32encode(os.urandom(5)).decode().lower()}",
            "bot_user_id": self.bot_user_id,
            "team": {"id": self.team_id, "name": self.team_name},
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _on_files_getUploadURLExternal(self, args: dict[str, Any]) -> JsonDict:
        try:
            length = int(args["length"])
        except (TypeError, ValueError):
            self._violate("files.getUploadURLExternal", "length is not an integer", args)
            return {"ok": False, "error": "invalid_arguments"}
        file_id = self._next_id("F")
        self.uploads[file_id] = Upload(
            file_id=file_id,
            filename=str(args["filename"]),
            length=length,
            alt_txt=args.get("alt_txt"),
            snippet_type=args.get("snippet_type"),
        )
        body = success_shape("files.getUploadURLExternal")
        body.update(upload_url=f"{self.origin}/upload/{file_id}", file_id=file_id)
        return body

    def _on_files_completeUploadExternal(self, args: dict[str, Any]) -> JsonDict:
        raw = args["files"]
        entries = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(entries, list) or not entries:
            self._violate("files.completeUploadExternal", "files must be a non-empty JSON list", args)
            return {"ok": False, "error": "invalid_arguments"}
        channel_id = args.get("channel_id") or None
        files: list[JsonDict] = []
        for entry in entries:
            upload = self.uploads.get(str(entry.get("id")))
            if upload is None or upload.data is None:
                self._violate("files.completeUploadExternal", f"file {entry.get('id')} was never uploaded", args)
                return {"ok": False, "error": "file_not_found"}
            upload.title = entry.get("title") or upload.filename
            upload.channel_id, upload.completed = channel_id, True
            upload.initial_comment, upload.thread_ts = args.get("initial_comment"), args.get("thread_ts")
            files.append(self._file_object(upload))
        body = success_shape("files.completeUploadExternal")
        body["files"] = files
        return body

    def _file_object(self, upload: Upload) -> JsonDict:
        template: JsonDict = success_shape("files.completeUploadExternal")["files"][0]
        ext = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
        now = int(time.time())
        url = f"{self.origin}/upload/{upload.file_id}"
        channel = upload.channel_id
        file: JsonDict = {key: value for key, value in template.items() if not key.startswith("thumb_")}
        file.update(
            id=upload.file_id,
            name=upload.filename,
            title=upload.title or upload.filename,
            created=now,
            timestamp=now,
            mimetype=mimetypes.guess_type(upload.filename)[0] or "application/octet-stream",
            filetype=ext,
            pretty_type=ext.upper(),
            user=self.bot_user_id,
            user_team=self.team_id,
            size=len(upload.data or b""),
            mode="hosted",
            url_private=url,
            url_private_download=url,
            permalink=f"https://{self.team_domain}.slack.com/files/{self.bot_user_id}/{upload.file_id}/{upload.filename}",
            shares={},
            channels=[channel] if channel and channel[:1] == "C" else [],
            groups=[channel] if channel and channel[:1] == "G" else [],
            ims=[channel] if channel and channel[:1] == "D" else [],
        )
        if upload.alt_txt:
            file["alt_txt"] = upload.alt_txt
        return file
