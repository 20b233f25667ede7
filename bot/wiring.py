"""The one wiring point: builds engine, sessions, scorer, clock and messengers from Settings.

Nothing here runs at import time; `build()` is called by the CLI, the server and tests.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from handlers.config import TandemConfig
from handlers.context import Ctx, ignore_observation
from handlers.ports import Clock, Messenger, SystemClock
from handlers.sentiment import Scorer, default_scorer
from handlers.teamsync.sources import Directory
from storage.db import create_engine, session_factory, unit_of_work, upgrade

PG_CONCURRENT_UNITS = 4


@dataclass
class Deps:
    settings: Settings
    config: TandemConfig
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    scorer: Scorer
    clock: Clock
    gate: asyncio.Semaphore  # how many inputs may be inside a unit of work at once (see gate_size)
    messengers: dict[str, Messenger] = field(default_factory=dict)
    directories: dict[str, Directory] = field(default_factory=dict)  # set by each platform's install: team sync
    observe: Callable[[str, float], None] = field(default=ignore_observation)  # set by the server: metrics

    @asynccontextmanager
    async def context(self) -> AsyncIterator[Ctx]:
        """One unit of work: a Ctx whose session commits when the block finishes."""
        async with unit_of_work(self.sessions) as session:
            yield Ctx(session=session, clock=self.clock, scorer=self.scorer, config=self.config, observe=self.observe)

    async def close(self) -> None:
        await self.engine.dispose()


def build(settings: Settings, *, clock: Clock | None = None, database_url: str | None = None,
          scorer: Scorer | None = None, engine_options: dict[str, Any] | None = None) -> Deps:
    engine = create_engine(database_url if database_url is not None else settings.env.database_url,
                           **(engine_options or {}))
    return Deps(settings=settings, config=settings.domain, engine=engine, sessions=session_factory(engine),
                scorer=scorer or default_scorer(), clock=clock or SystemClock(),
                gate=asyncio.Semaphore(gate_size(engine.dialect.name)))


def gate_size(dialect: str) -> int:
    """How many inputs may run their unit of work at once on this engine.

    SQLite: one — it has one writer, and two transactions that read and then write fail with "database is
    locked" instead of waiting. PostgreSQL: a few, fewer than the pool holds. Work after a Slack ack shares
    the event loop with new requests; with one transaction per click in flight (hundreds under a burst)
    their steps crowd the loop so acks wait behind them, and they exhaust the pool until checkouts time out
    and replies are lost. Waiting here costs nothing and keeps the loop free for acknowledgements.
    """
    return 1 if dialect == "sqlite" else PG_CONCURRENT_UNITS


async def build_ready(settings: Settings, **kwargs: Any) -> Deps:
    """Build and bring the database schema up to date (serve, console and demo do this on start)."""
    deps = build(settings, **kwargs)
    await upgrade(deps.engine)
    return deps
