"""One structured log line per HTTP request: request id, route, status, duration, workspace, event id, outcome.

Adapters tag what they learn while handling (the workspace, a platform event id) on the request; bodies,
tokens and people's words are never logged.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger("tandem.http")
TAGS: dict[str, web.RequestKey[str]] = {name: web.RequestKey(f"tandem.{name}", str) for name in ("workspace", "event_id")}


def tag_request(request: web.Request, **tags: object) -> None:
    for name, value in tags.items():
        if name in TAGS and value:
            request[TAGS[name]] = str(value)[:128]


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return "refused" if status < 500 else "error"


@web.middleware
async def log_requests(request: web.Request,
                       handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    request_id = request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16]
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        response.headers["X-Request-Id"] = request_id
        return response
    except web.HTTPException as http_error:
        status = http_error.status
        raise
    finally:
        from bot.metrics import route_name

        fields = {"request_id": request_id, "route": route_name(request), "status": status,
                  "outcome": _outcome(status), "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
        fields.update({name: request[key] for name, key in TAGS.items() if key in request})
        level = logging.WARNING if status >= 500 else logging.INFO
        log.log(level, "%s %s -> %s", request.method, fields["route"], status, extra=fields)
