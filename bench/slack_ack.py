"""How fast Tandem acknowledges Slack: p50/p99 time to the HTTP response for signed slash commands and
mood clicks, at 50 and 200 concurrent clients, on SQLite and PostgreSQL — against a bare Bolt AsyncApp
that only acknowledges (the floor), measured the same way in the same run.

    .venv/bin/python bench/slack_ack.py [--requests 2000] [--backends sqlite,postgresql]

The server (Tandem or the floor) runs in its own process on 127.0.0.1, the fake Slack Web API and the
response_url receiver in a third, the load generator here; so each has its own event loop. Target: p99
ratio to the floor ≤ 1.5 at 200 concurrent clients, and p99 far below Slack's 3 s. The floor is measured
right before Tandem at every level (same bodies, same warm-up); "replied s" is how long after the start of
a Tandem run its last response_url reply arrived — the work done after the acks, which acks must not wait for.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
USERS = 200
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


# --- processes ---------------------------------------------------------------------------------------------

def _slack_side(ready: Any, stop: Any) -> None:
    """The fake Web API plus a response_url receiver that answers 200 and counts."""
    from aiohttp import web

    from tests.fakes.slack_api import FakeSlackApi

    async def main() -> None:
        fake = await FakeSlackApi().start()
        received = {"n": 0}

        async def hook(request: web.Request) -> web.Response:
            await request.read()
            received["n"] += 1
            return web.Response(text="ok")

        async def count(_: web.Request) -> web.Response:
            return web.json_response(received)

        app = web.Application()
        app.router.add_post("/hooks/{name}", hook)
        app.router.add_get("/hooks/count", count)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ready.send({"api": fake.base_url, "hooks": f"http://127.0.0.1:{runner.addresses[0][1]}/hooks/"})
        while not stop.is_set():
            await asyncio.sleep(0.1)
            fake.calls.clear()  # keep memory flat over long runs

    asyncio.run(main())


def _server(kind: str, database_url: str, schema: str | None, api_url: str, ready: Any, stop: Any) -> None:
    """Tandem (`build_app`) or the floor (bare Bolt AsyncApp that only acks) on a free port."""
    import logging

    from aiohttp import web

    from bot.http.server import settle_heap

    logging.basicConfig(level=logging.ERROR)
    env = {"TANDEM_CONFIG": str(ROOT / "app.yaml"), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "SLACK_API_URL": api_url}

    async def main() -> None:
        prompts: dict[str, int] = {}
        if kind == "floor":
            app = _floor_app(api_url)
        else:
            from bot.config import load_settings
            from bot.http.server import build_app
            from bot.wiring import build
            from handlers.checkins import today_prompt
            from handlers.identity import Caller, identify
            from storage.db import upgrade

            options = {"connect_args": {"server_settings": {"search_path": schema}}} if schema else {}
            deps = build(load_settings(env), database_url=database_url, engine_options=options)
            await upgrade(deps.engine)
            for n in range(USERS):
                async with deps.context() as ctx:
                    person = await identify(ctx, Caller("slack", "T111", f"U{n:05d}", f"user{n}", timezone="UTC"))
                    prompts[person.platform_user_id] = (await today_prompt(ctx, person)).id
            app = build_app(deps, with_scheduler=False)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        settle_heap()  # as `serve` does; the floor gets it too, so both start from the same kind of heap
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ready.send({"url": f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", "prompts": prompts})
        while not stop.is_set():
            await asyncio.sleep(0.1)
        await runner.cleanup()

    asyncio.run(main())


def _floor_app(api_url: str):  # aiohttp Application
    from aiohttp import web
    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    bolt = AsyncApp(signing_secret=SECRET, client=AsyncWebClient(token=TOKEN, base_url=api_url, retry_handlers=[]))

    @bolt.command(re.compile(".*"))
    async def command(ack) -> None:
        await ack()

    @bolt.action(re.compile(".*"))
    async def action(ack) -> None:
        await ack()

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    app = web.Application()
    app.router.add_post("/slack/events", events)
    return app


# --- load --------------------------------------------------------------------------------------------------

def _bodies(kind: str, n: int, hooks: str, prompts: dict[str, int]) -> list[tuple[str, str]]:
    from tests.fakes.slack_signing import block_actions_payload, interactive_form, slash_command_form

    users = sorted(prompts) or [f"U{i:05d}" for i in range(USERS)]
    bodies = []
    for i in range(n):
        user = users[i % len(users)]
        if kind == "slash":
            bodies.append((kind, slash_command_form("/checkin", user_id=user, response_url=hooks + "cmd")))
        else:
            payload = block_actions_payload(f"mood_{1 + i % 5}", str(prompts.get(user, 1)), user_id=user)
            payload["response_url"] = hooks + "click"
            bodies.append((kind, interactive_form(payload)))
    return bodies


async def _load(url: str, bodies: list[tuple[str, str]], concurrency: int) -> dict[str, list[float]]:
    import aiohttp

    from tests.fakes.slack_signing import signed_headers

    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for item in bodies:
        queue.put_nowait(item)
    times: dict[str, list[float]] = {"slash": [], "click": []}
    errors: list[int] = []
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker() -> None:
            while not queue.empty():
                kind, body = queue.get_nowait()
                headers = signed_headers(body, SECRET)
                started = time.perf_counter()
                async with session.post(url, data=body.encode(), headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        errors.append(response.status)
                times[kind].append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    if errors:
        raise SystemExit(f"{len(errors)} requests failed: {sorted(set(errors))}")
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _run_server(kind: str, database_url: str, schema: str | None, api: str) -> tuple[mp.Process, Any, dict]:
    stop = mp.Event()
    parent, child = mp.Pipe()
    process = mp.Process(target=_server, args=(kind, database_url, schema, api, child, stop), daemon=True)
    process.start()
    if not parent.poll(120):
        raise SystemExit(f"{kind} server did not start")
    return process, stop, parent.recv()


async def _pg_schema(create: bool, schema: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"' if create else f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await connection.close()


async def _replies(hooks: str) -> int:
    import aiohttp

    async with aiohttp.ClientSession() as session, session.get(hooks + "count") as response:
        return int((await response.json())["n"])


def _all_replied(hooks: str, expected: int, started: float, limit: float = 120.0) -> float:
    """Seconds from the start of a run until the last response_url reply of it arrived (the work after acks)."""
    while asyncio.run(_replies(hooks)) < expected and time.perf_counter() - started < limit:
        time.sleep(0.05)
    return time.perf_counter() - started


def _measure(url: str, bodies: list[tuple[str, str]], warm: list[tuple[str, str]],
             level: int) -> dict[str, list[float]]:
    asyncio.run(_load(url, warm, level))  # warm-up: users.info cache, auth.test, connections
    time.sleep(1.0)
    return asyncio.run(_load(url, bodies, level))


def _row(name: str, level: int, kind: str, values: list[float], floor: list[float] | None, extra: str) -> str:
    p99 = _pct(values, .99)
    ratio = f"{p99 / _pct(floor, .99):>7.2f}" if floor else f"{'':>7}"
    floor_p99 = f"{_pct(floor, .99):>11.1f}" if floor else f"{'':>11}"
    return f"{name:<18}{level:>8}{kind:>7}{_pct(values, .5):>9.1f}{p99:>9.1f}{floor_p99}{ratio}{extra:>10}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per kind and level (default 2000)")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--levels", default="50,200")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    mp.set_start_method("spawn")
    slack_stop, (slack_parent, slack_child) = mp.Event(), mp.Pipe()
    slack = mp.Process(target=_slack_side, args=(slack_child, slack_stop), daemon=True)
    slack.start()
    endpoints = slack_parent.recv()
    hooks = endpoints["hooks"]
    # The floor runs right before Tandem at each level, with the same bodies and warm-up, so both see the
    # same machine load (other processes on a shared box change it from minute to minute).
    print(f"{'server':<18}{'clients':>8}{'kind':>7}{'p50 ms':>9}{'p99 ms':>9}{'floor p99':>11}{'ratio':>7}"
          f"{'replied s':>10}")
    floor_proc, floor_stop, floor = _run_server("floor", "", None, endpoints["api"])
    try:
        for backend in [b for b in args.backends.split(",") if b]:
            schema = None
            if backend == "sqlite":
                url = f"sqlite:///{tempfile.mkdtemp(prefix='tandem-bench-')}/bench.db"
            else:
                schema = f"bench_{uuid.uuid4().hex[:10]}"
                asyncio.run(_pg_schema(True, schema))
                url = PG_URL
            try:
                proc, stop, server = _run_server("tandem", url, schema, endpoints["api"])
                for level in levels:
                    bodies = _bodies("slash", args.requests, hooks, server["prompts"]) + \
                        _bodies("click", args.requests, hooks, server["prompts"])
                    warm = bodies[:USERS] + bodies[args.requests:args.requests + 50]
                    floor_times = _measure(floor["url"], bodies, warm, level)
                    before = asyncio.run(_replies(hooks))
                    asyncio.run(_load(server["url"], warm, level))
                    _all_replied(hooks, before + len(warm), time.perf_counter())
                    time.sleep(1.0)
                    before, started = asyncio.run(_replies(hooks)), time.perf_counter()
                    times = asyncio.run(_load(server["url"], bodies, level))
                    replied = _all_replied(hooks, before + len(bodies), started)
                    for kind in ("slash", "click"):
                        print(_row("bolt floor", level, kind, floor_times[kind], None, ""))
                    for kind in ("slash", "click"):
                        print(_row("tandem " + backend, level, kind, times[kind], floor_times[kind],
                                   f"{replied:.1f}" if kind == "click" else ""))
                stop.set()
                proc.join(10)
            finally:
                if schema:
                    asyncio.run(_pg_schema(False, schema))
    finally:
        floor_stop.set()
        floor_proc.join(10)
        slack_stop.set()
        slack.join(5)
    print(json.dumps({"requests_per_kind_and_level": args.requests, "cpus": os.cpu_count()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
