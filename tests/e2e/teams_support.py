"""A running Tandem server (real aiohttp, a real database, simulated clock) with a fake Bot Connector, for the
Teams end-to-end tests. Mostly one per test module on SQLite: tests keep apart by using their own tenant ids; a
test that runs on each database (the `database` fixture of tests/conftest.py) gets its own."""
from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.config import load_settings
from bot.delivery.dispatcher import Dispatcher
from bot.http.server import build_app
from bot.wiring import Deps, build
from handlers.ports import SimulatedClock
from handlers.sentiment import TextBlobScorer
from storage.db import upgrade
from storage.models import Person, Workspace
from tests.conftest import ROOT, START
from tests.fakes.bot_connector import FakeBotConnector

ADAPTIVE = "application/vnd.microsoft.card.adaptive"


@dataclass
class TeamsServer:
    deps: Deps
    clock: SimulatedClock
    connector: FakeBotConnector
    url: str
    http: aiohttp.ClientSession
    dispatcher: Dispatcher
    waits: list[float]

    async def post(self, activity: dict[str, Any] | str | bytes, headers: dict[str, str] | None = None,
                   ) -> tuple[int, str]:
        """POST to /api/messages as the Teams service does."""
        if isinstance(activity, dict):
            import json

            data: str | bytes = json.dumps(activity)
        else:
            data = activity
        sent_headers = {"Content-Type": "application/json"} | (headers or {})
        async with self.http.post(f"{self.url}/api/messages", data=data, headers=sent_headers) as response:
            return response.status, await response.text()

    async def scalar(self, statement: Any) -> Any:
        async with self.deps.context() as ctx:
            return await ctx.session.scalar(statement)

    async def rows(self, statement: Any) -> list[Any]:
        async with self.deps.context() as ctx:
            return list((await ctx.session.scalars(statement)).all())

    async def count(self, model: Any, *where: Any) -> int:
        return int(await self.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    async def person(self, tenant: str, user_id: str) -> Person | None:
        return await self.scalar(select(Person).join(Workspace, Person.workspace_id == Workspace.id).where(
            Workspace.platform == "teams", Workspace.external_id == tenant, Person.platform_user_id == user_id))


def new_tenant() -> str:
    return str(uuid.uuid4())


def new_user() -> tuple[str, str]:
    """(Teams user id, AAD object id) of a fresh user."""
    return f"29:{uuid.uuid4().hex}", str(uuid.uuid4())


def personal_conversation() -> str:
    return f"a:{uuid.uuid4().hex}"


def cards(activity: dict[str, Any]) -> list[dict[str, Any]]:
    return [a["content"] for a in activity.get("attachments") or [] if a.get("contentType") == ADAPTIVE]


def card_actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return list(card.get("actions") or [])


def card_inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in card.get("body") or [] if str(e.get("type", "")).startswith("Input.")}


@asynccontextmanager
async def running_server(tmp: Path, environ: dict[str, str] | None = None,
                         database: tuple[str, dict[str, Any]] | None = None) -> AsyncIterator[TeamsServer]:
    """The server on `database` (url, engine options) when given, else on a SQLite file in `tmp`."""
    env = {"TANDEM_CONFIG": str(ROOT / "app.yaml")} | (environ or {})
    settings = load_settings(env)
    clock = SimulatedClock(START)
    url, engine_options = database or (f"sqlite:///{tmp / 'tandem.db'}", {})
    deps = build(settings, clock=clock, database_url=url, scorer=TextBlobScorer(), engine_options=engine_options)
    await upgrade(deps.engine)
    app = build_app(deps, with_scheduler=False)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    waits: list[float] = []

    async def simulated_sleep(seconds: float) -> None:
        """The dispatcher waits out a 429 in simulated time: record it, move the clock, return at once."""
        waits.append(seconds)
        clock.advance(timedelta(seconds=seconds))

    async with FakeBotConnector() as connector, aiohttp.ClientSession() as http:
        try:
            yield TeamsServer(deps=deps, clock=clock, connector=connector, url=f"http://127.0.0.1:{port}",
                              http=http, dispatcher=Dispatcher(deps, seed=1, sleep=simulated_sleep), waits=waits)
        finally:
            await runner.cleanup()
            await deps.close()
