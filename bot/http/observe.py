"""What operators see of the HTTP side: one middleware that times every request and captures its status
once, for the Prometheus figures and for one structured log line; and the /metrics endpoint.

Adapters tag what they learn while handling (the workspace, a platform event id) on the request; bodies,
tokens and people's words are never logged.
"""
from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import CONTENT_TYPE_LATEST

from bot.http.keys import DEPS_KEY, METRICS_KEY
from bot.http.metrics import Metrics

log = logging.getLogger("tandem.http")
TAGS: dict[str, web.RequestKey[str]] = {name: web.RequestKey(f"tandem.{name}", str)
                                        for name in ("workspace", "event_id")}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def tag_request(request: web.Request, **tags: object) -> None:
    for name, value in tags.items():
        if name in TAGS and value:
            request[TAGS[name]] = str(value)[:128]


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return "refused" if status < 500 else "error"


def route_name(request: web.Request) -> str:
    """The route's pattern, not the raw path, so labels stay few."""
    route = getattr(request.match_info, "route", None)
    resource = getattr(route, "resource", None)
    return resource.canonical if resource is not None else "unmatched"


def observe_requests(metrics: Metrics) -> Middleware:
    """Count, time and log every request; the response carries its request id (X-Request-Id)."""
    @web.middleware
    async def observe(request: web.Request, handler: Handler) -> web.StreamResponse:
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
            elapsed = time.perf_counter() - started
            route = route_name(request)
            metrics.requests.labels(route=route, status=str(status)).inc()
            metrics.ack_seconds.labels(route=route).observe(elapsed)
            fields = {"request_id": request_id, "route": route, "status": status, "outcome": _outcome(status),
                      "duration_ms": round(elapsed * 1000, 1)}
            fields.update({name: request[key] for name, key in TAGS.items() if key in request})
            level = logging.WARNING if status >= 500 else logging.INFO
            log.log(level, "%s %s -> %s", request.method, route, status, extra=fields)
    return observe


async def metrics_endpoint(request: web.Request) -> web.Response:
    metrics = request.app[METRICS_KEY]
    try:
        async with request.app[DEPS_KEY].context() as ctx:
            await metrics.refresh_from_database(ctx.session)
    except Exception:  # noqa: BLE001 - HTTP figures are still worth serving when the database is down
        pass
    return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})
