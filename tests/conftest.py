"""Shared fixtures: a real database (SQLite file, and PostgreSQL when reachable), a simulated clock,
and a harness that talks to Tandem through the same grammar every channel uses."""
from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot import units
from bot.config import load_settings
from bot.console.render import render
from bot.wiring import Deps, build
from handlers.identity import Caller, identify
from handlers.messages import Message, Reply
from handlers.ports import Recipient, SimulatedClock
from handlers.sentiment import TextBlobScorer
from storage.db import upgrade

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
START = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)  # a Monday


def _postgres_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_PG)


_pg_state: dict[str, str | None] = {}


def postgres_problem() -> str | None:
    """None if the PostgreSQL server of TEST_DATABASE_URL answers, else why not (checked once)."""
    if "problem" not in _pg_state:
        async def probe() -> None:
            import asyncpg

            url = _postgres_url().replace("postgresql+asyncpg://", "postgresql://")
            connection = await asyncpg.connect(url, timeout=5)
            await connection.close()

        try:
            with ThreadPoolExecutor(max_workers=1) as pool:  # the caller may already run an event loop
                pool.submit(asyncio.run, probe()).result(timeout=15)
            _pg_state["problem"] = None
        except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
            _pg_state["problem"] = f"{type(error).__name__}: {error}"
    return _pg_state["problem"]


def require_postgres() -> str:
    problem = postgres_problem()
    if problem is not None:
        message = f"PostgreSQL at TEST_DATABASE_URL ({_postgres_url()}) is not reachable: {problem}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " — in CI the PostgreSQL tests must run.")
        pytest.skip(message)
    return _postgres_url()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TANDEM_CONFIG", str(ROOT / "app.yaml"))
    return load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml")})


@pytest.fixture
def clock() -> SimulatedClock:
    return SimulatedClock(START)


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[tuple[str, dict]]:
    """A fresh, migrated database: a SQLite file, or a private schema on the PostgreSQL server."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'tandem.db'}", {}
        return
    url = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    import asyncpg

    admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield url, {"connect_args": {"server_settings": {"search_path": schema}}}
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()


class RecordingMessenger:
    """A fake of the Messenger port that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[Recipient, Message]] = []
        self.failures: list[Exception] = []

    async def send(self, recipient: Recipient, message: Message) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append((recipient, message))

    def to(self, user: str) -> list[Message]:
        return [m for r, m in self.sent if r.platform_user_id == user]


class Harness:
    """Tandem's core on a real database, driven like a chat user would drive it."""

    def __init__(self, deps: Deps, clock: SimulatedClock, messenger: RecordingMessenger) -> None:
        self.deps, self.clock, self.messenger = deps, clock, messenger

    def caller(self, user: str, timezone: str | None = None) -> Caller:
        return Caller(platform="console", workspace_id="local", user_id=user, display_name=user.capitalize(),
                      timezone=timezone)

    async def reply(self, user: str, text: str, timezone: str | None = None) -> Reply:
        reply = await units.run(self.deps, self.caller(user, timezone), text)
        assert reply is not None, "a typed line without a replay key is never a replay"
        return reply

    async def say(self, user: str, text: str, timezone: str | None = None) -> str:
        reply = await self.reply(user, text, timezone)
        return "\n".join(render(m) for m in reply.messages)

    async def join(self, *users: str, timezone: str | None = None) -> None:
        for user in users:
            async with self.deps.context() as ctx:
                await identify(ctx, self.caller(user, timezone))

    async def count(self, model) -> int:  # a mapped class
        from sqlalchemy import func, select

        async with self.deps.context() as ctx:
            return int(await ctx.session.scalar(select(func.count()).select_from(model)) or 0)

    async def rows(self, model) -> list:
        from sqlalchemy import select

        async with self.deps.context() as ctx:
            return list((await ctx.session.scalars(select(model))).all())


@pytest.fixture
async def harness(settings, database, clock: SimulatedClock) -> AsyncIterator[Harness]:
    url, engine_options = database
    deps = build(settings, clock=clock, database_url=url, scorer=TextBlobScorer(), engine_options=engine_options)
    await upgrade(deps.engine)
    messenger = RecordingMessenger()
    deps.messengers["console"] = messenger
    try:
        yield Harness(deps, clock, messenger)
    finally:
        await deps.close()
