"""A running Tandem server with every helpdesk route mounted (real aiohttp, a real database of the test's
backend, simulated clock), and a client that posts signed or forged webhooks to it."""
from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

from bot.config import load_settings
from bot.http.server import build_app
from bot.wiring import Deps, build
from handlers.ports import SimulatedClock
from handlers.sentiment import TextBlobScorer
from storage.db import upgrade
from tests.conftest import ROOT, START
from tests.fakes.helpdesk_signing import ENVIRONMENT, signed_headers


@dataclass
class CxServer:
    deps: Deps
    clock: SimulatedClock
    url: str
    http: aiohttp.ClientSession

    async def post(self, vendor: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """POST a body with the given headers (signed as the vendor signs when None)."""
        sent = signed_headers(vendor, body, self.clock.now()) if headers is None else headers
        async with self.http.post(f"{self.url}/cx/{vendor}", data=body, headers=sent) as response:
            text = await response.text()
            try:
                return response.status, await response.json(content_type=None)
            except ValueError:
                return response.status, text

    async def count(self, model: Any) -> int:
        async with self.deps.context() as ctx:
            return int(await ctx.session.scalar(select(func.count()).select_from(model)) or 0)

    async def rows(self, model: Any) -> list[Any]:
        async with self.deps.context() as ctx:
            return list((await ctx.session.scalars(select(model))).all())


@asynccontextmanager
async def cx_server(url: str, engine_options: dict[str, Any] | None = None,
                    environ: dict[str, str] | None = None) -> AsyncIterator[CxServer]:
    env = {"TANDEM_CONFIG": str(ROOT / "app.yaml")} | (ENVIRONMENT if environ is None else environ)
    clock = SimulatedClock(START)
    deps = build(load_settings(env), clock=clock, database_url=url, scorer=TextBlobScorer(),
                 engine_options=engine_options or {})
    await upgrade(deps.engine)
    runner = web.AppRunner(build_app(deps, with_scheduler=False), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as http:
        try:
            yield CxServer(deps, clock, f"http://127.0.0.1:{port}", http)
        finally:
            await runner.cleanup()
            await deps.close()
