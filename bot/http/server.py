"""`python -m bot serve`: one aiohttp server for Slack and Teams, with the scheduler started and stopped with it."""
from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Callable
from datetime import UTC, datetime

from aiohttp import web

from bot.config import Settings
from bot.cx.routes import install_cx
from bot.delivery.dispatcher import Dispatcher
from bot.delivery.scheduler import TickScheduler
from bot.http.keys import DEPS_KEY, METRICS_KEY, SCHEDULER_KEY
from bot.http.metrics import Metrics
from bot.http.observe import metrics_endpoint, observe_requests
from bot.slack.routes import install_slack
from bot.slack.socket_mode import start_socket_mode, stop_socket_mode
from bot.teams.install import install_teams
from bot.wiring import Deps, build_ready
from storage import outbox

log = logging.getLogger("tandem.server")


async def healthz(request: web.Request) -> web.Response:
    """Database reachable, scheduler running, outbox backlog and age: 200, or 503 with the reason."""
    deps = request.app[DEPS_KEY]
    scheduler = request.app.get(SCHEDULER_KEY)
    problems: list[str] = []
    body: dict[str, object] = {}
    try:
        async with deps.context() as ctx:
            waiting, oldest = await outbox.backlog(ctx.session, ctx.clock.now())
        body["outbox_backlog"] = waiting
        body["outbox_oldest_age_s"] = int((datetime.now(UTC) - oldest).total_seconds()) if oldest else 0
    except Exception as error:  # noqa: BLE001 - report, don't crash
        problems.append(f"database unreachable: {type(error).__name__}")
    if scheduler is not None and not scheduler.running:
        problems.append("scheduler not running")
    body["status"] = "ok" if not problems else "unhealthy"
    if problems:
        body["problems"] = problems
    return web.json_response(body, status=503 if problems else 200)


def build_app(deps: Deps, *, with_scheduler: bool = True) -> web.Application:
    metrics = Metrics()
    app = web.Application(client_max_size=1024 * 1024, middlewares=[observe_requests(metrics)])
    app[DEPS_KEY] = deps
    app[METRICS_KEY] = metrics
    deps.observe = metrics.observe
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", metrics_endpoint)
    # --- channels: each adapter adds its routes and registers its Messenger in deps.messengers ---
    # --- Slack routes ---
    install_slack(app, deps)
    # --- Teams routes ---
    install_teams(app, deps)
    # --- helpdesk webhooks (customer ratings), each only when its secret is set ---
    install_cx(app, deps)
    if with_scheduler:
        dispatcher = Dispatcher(deps)
        app[SCHEDULER_KEY] = TickScheduler(dispatcher)

        async def lifecycle(app: web.Application):  # aiohttp cleanup context
            app[SCHEDULER_KEY].start()
            yield
            await app[SCHEDULER_KEY].stop()

        app.cleanup_ctx.append(lifecycle)
    return app


def _explain_channels(settings: Settings) -> None:
    env = settings.env
    if not (env.slack_bot_token or env.slack_client_id or env.slack_app_token) and not env.microsoft_app_id:
        log.warning("No Slack or Teams credentials are set, so no chat platform can reach this server. "
                    "To try Tandem locally, run `python -m bot console --as NAME` (or `python -m bot demo`). "
                    "To connect Slack or Teams, see README.md.")


def settle_heap() -> None:
    """Once everything is built, before traffic: the tens of thousands of long-lived objects of start-up
    (SQLAlchemy's and the SDKs' metadata, compiled models) leave the garbage collector's generations, so
    its full passes, which would stall every request in flight, only walk what requests create."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings, port: int, *, prepare: Callable[[Deps], None] | None = None) -> int:
    """Run until SIGINT/SIGTERM. `prepare` adjusts the built Deps before the app starts (tests wire fakes)."""
    deps = await build_ready(settings)
    _explain_channels(settings)
    if prepare is not None:
        prepare(deps)
    app = build_app(deps)
    runner = web.AppRunner(app)
    await runner.setup()
    settle_heap()
    site = web.TCPSite(runner, "0.0.0.0", port)
    await site.start()
    log.info("Tandem is listening on port %s", port)
    socket_mode = await start_socket_mode(app, settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down: no new work; releasing claimed outbox rows")
    await stop_socket_mode(socket_mode)
    if SCHEDULER_KEY in app:  # before the HTTP side: finish sends in flight, hand back the rest of the claims
        released = await app[SCHEDULER_KEY].stop()
        log.info("scheduler stopped; %s claimed outbox row(s) handed back", released)
    await runner.cleanup()
    await deps.close()
    return 0
