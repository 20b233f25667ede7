"""What the Slack end-to-end tests share: Tandem's real aiohttp server wired to the fake Slack Web API,
a receiver for response_url posts, and requests signed exactly as Slack signs them."""
from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.config import load_settings
from bot.http.server import build_app
from bot.wiring import Deps, build
from handlers.ports import SimulatedClock
from handlers.sentiment import TextBlobScorer
from storage.db import upgrade
from tests.conftest import ROOT
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.slack_signing import FORM_CONTENT_TYPE, JSON_CONTENT_TYPE, interactive_form, signed_headers

SECRET = "test-signing-secret"
TOKEN = "xoxb-test"


@dataclass
class ResponseSink:
    """Stands in for Slack's response_url endpoint: records what Tandem posts there."""

    posts: list[dict[str, Any]] = field(default_factory=list)
    runner: web.AppRunner | None = None
    origin: str = ""

    async def start(self) -> ResponseSink:
        app = web.Application()
        app.router.add_post("/hooks/{name}", self._receive)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.origin = f"http://127.0.0.1:{self.runner.addresses[0][1]}"
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def url(self, name: str = "r") -> str:
        return f"{self.origin}/hooks/{name}"

    async def _receive(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["_hook"] = request.match_info["name"]
        self.posts.append(body)
        return web.Response(text="ok")

    def to(self, name: str) -> list[dict[str, Any]]:
        return [p for p in self.posts if p["_hook"] == name]


async def eventually(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Wait until `check()` is truthy (work after the ack runs in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def eventually_async(check: Callable[[], Any], timeout: float = 15.0) -> Any:
    """Like `eventually` for a check that needs the database (an async function)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await check()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def settle(rig: SlackRig) -> None:
    """Wait until every listener Bolt started after its ack has finished (replies posted, rows committed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = [t for t in asyncio.all_tasks() if not t.done()
                and getattr(t.get_coro(), "__name__", "") == "run_ack_function_asynchronously"]
        if not busy:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("listeners still running after 30 s")


def all_text(blocks: list[dict[str, Any]]) -> str:
    """Every text string inside Block Kit blocks, for assertions."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)


def mrkdwn_text(blocks: list[dict[str, Any]]) -> str:
    """The text of every mrkdwn object (the only kind Slack parses for mentions and links)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)


class SlackRig:
    """Tandem's HTTP server with Slack configured, the fake Web API and the response_url sink."""

    def __init__(self, client: TestClient, deps: Deps, fake: FakeSlackApi, sink: ResponseSink,
                 clock: SimulatedClock) -> None:
        self.client, self.deps, self.fake, self.sink, self.clock = client, deps, fake, sink, clock
        assert isinstance(client.server, TestServer)
        self.app: web.Application = client.server.app  # Tandem's aiohttp application

    async def post(self, body: str, content_type: str = FORM_CONTENT_TYPE, *, secret: str = SECRET,
                   timestamp: int | None = None, headers: dict[str, str] | None = None):
        signed = signed_headers(body, secret, content_type=content_type, timestamp=timestamp)
        return await self.client.post("/slack/events", data=body.encode("utf-8"),
                                      headers={**signed, **(headers or {})})

    async def interact(self, payload: dict[str, Any]):
        return await self.post(interactive_form(payload))

    async def event(self, body: dict[str, Any], headers: dict[str, str] | None = None):
        return await self.post(json.dumps(body), JSON_CONTENT_TYPE, headers=headers)

    async def count(self, model) -> int:  # a mapped class
        async with self.deps.context() as ctx:
            return int(await ctx.session.scalar(select(func.count()).select_from(model)) or 0)

    async def rows(self, model) -> list:
        async with self.deps.context() as ctx:
            return list((await ctx.session.scalars(select(model).order_by(model.id))).all())


def slack_settings(fake: FakeSlackApi, **extra: str):  # Settings
    return load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml"), "SLACK_BOT_TOKEN": TOKEN,
                          "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake.base_url, **extra})


@asynccontextmanager
async def slack_rig(database: tuple[str, dict], clock: SimulatedClock, **env: str) -> AsyncIterator[SlackRig]:
    url, engine_options = database
    sink = await ResponseSink().start()
    async with FakeSlackApi() as fake:
        deps = build(slack_settings(fake, **env), clock=clock, database_url=url, scorer=TextBlobScorer(),
                     engine_options=engine_options)
        await upgrade(deps.engine)
        client = TestClient(TestServer(build_app(deps, with_scheduler=False)))
        await client.start_server()
        try:
            yield SlackRig(client, deps, fake, sink, clock)
        finally:
            await client.close()
            await deps.close()
            await sink.stop()


# Fixtures (a test module imports them, `from tests.e2e.slack_support import backend, rig`, with a noqa for F401).
import pytest  # noqa: E402


@pytest.fixture
def backend() -> str:
    """SQLite unless a test parametrizes `backend` itself."""
    return "sqlite"


@pytest.fixture
async def rig(database, clock) -> AsyncIterator[SlackRig]:
    async with slack_rig(database, clock) as running:
        yield running
