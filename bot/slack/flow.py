"""Run one use case for one Slack caller in one unit of work; domain refusals become replies.

Why a savepoint: a refused request (closed prompt, bad input) must leave no data behind, while the
person record identify() creates or refreshes is still kept. Modal submissions need the refusal itself
(to show it next to the field), so they ask for it with `raise_refusals` and nothing at all is stored.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from bot.wiring import Deps
from handlers.delivery import reachability
from handlers.context import Ctx
from handlers.dispatch import handle_text
from handlers.errors import DATABASE_UNAVAILABLE, TandemError, TemporarilyUnavailable
from handlers.identity import Caller, identify
from handlers.messages import Reply, Text
from storage.db import is_unavailable
from storage.models import Person

T = TypeVar("T")
log = logging.getLogger("tandem.slack")
PG_CONCURRENT_UNITS = 4
_GATES: "weakref.WeakKeyDictionary[object, asyncio.Semaphore]" = weakref.WeakKeyDictionary()


def _gate(deps: Deps) -> asyncio.Semaphore:
    """How many Slack units of work may run at once on this engine.

    SQLite: one — it has one writer, and two transactions that read and then write fail with "database is
    locked" instead of waiting. PostgreSQL: a few, fewer than the pool holds. Work after the ack shares the
    event loop with new requests; with one transaction per click in flight (hundreds under a burst) their
    steps crowd the loop so acks wait behind them, and they exhaust the pool until checkouts time out and
    replies are lost. Waiting here costs nothing and keeps the loop free for acknowledgements.
    """
    gate = _GATES.get(deps.engine.sync_engine)
    if gate is None:
        size = 1 if deps.engine.dialect.name == "sqlite" else PG_CONCURRENT_UNITS
        gate = _GATES[deps.engine.sync_engine] = asyncio.Semaphore(size)
    return gate


@asynccontextmanager
async def unit_of_work(deps: Deps) -> AsyncIterator[Ctx]:
    """deps.context(), admitted through the engine's gate (see _gate)."""
    async with _gate(deps), deps.context() as ctx:
        yield ctx


@asynccontextmanager
async def _database_reachable(raise_refusals: bool) -> AsyncIterator[None]:
    """A database that can't be reached becomes a clear 'try again' reply (the caller falls through to it);
    modal submissions get it as a refusal to show in the form. Nothing was saved either way."""
    try:
        yield
    except Exception as error:
        if not is_unavailable(error):
            raise
        log.warning("database unreachable during a Slack request: %s", type(error).__name__)
        if raise_refusals:
            raise TemporarilyUnavailable() from None


async def run_use_case(deps: Deps, caller: Caller, use_case: Callable[[Ctx, Person], Awaitable[T]], *,
                       dm_channel: str | None = None, raise_refusals: bool = False) -> T | Reply:
    """identify → use case; a TandemError rolls the use case back and becomes its friendly text.

    Two clicks of one person can race (a double click, Slack delivering twice): the loser hits a unique
    constraint, and running it again in a fresh unit of work sees the winner's row and updates it.
    """
    async with _database_reachable(raise_refusals):
        try:
            return await _use_case_once(deps, caller, use_case, dm_channel, raise_refusals)
        except IntegrityError:
            return await _use_case_once(deps, caller, use_case, dm_channel, raise_refusals)
    return Reply.of(Text(DATABASE_UNAVAILABLE))


async def _use_case_once(deps: Deps, caller: Caller, use_case: Callable[[Ctx, Person], Awaitable[T]],
                         dm_channel: str | None, raise_refusals: bool) -> T | Reply:
    async with unit_of_work(deps) as ctx:
        person = await identify(ctx, caller)
        if dm_channel:
            await reachability.remember(ctx, person.id, "slack", channel_id=dm_channel)
        if raise_refusals:
            return await use_case(ctx, person)
        try:
            async with ctx.session.begin_nested():
                return await use_case(ctx, person)
        except TandemError as error:
            return Reply.of(Text(error.text()))


async def run_text(deps: Deps, caller: Caller, text: str, *, dm_channel: str | None = None) -> Reply:
    """A typed command line (slash command or DM), through the one grammar every channel shares."""
    async with _database_reachable(raise_refusals=False):
        try:
            return await _text_once(deps, caller, text, dm_channel)
        except IntegrityError:  # a concurrent first contact or answer won the race; see run_use_case
            return await _text_once(deps, caller, text, dm_channel)
    return Reply.of(Text(DATABASE_UNAVAILABLE))


async def _text_once(deps: Deps, caller: Caller, text: str, dm_channel: str | None) -> Reply:
    async with unit_of_work(deps) as ctx:
        if dm_channel:
            person = await identify(ctx, caller)
            await reachability.remember(ctx, person.id, "slack", channel_id=dm_channel)
        return await handle_text(ctx, caller, text)


async def run_plain(deps: Deps, job: Callable[[Ctx], Awaitable[T]]) -> T:
    """A use case with no caller (platform lifecycle events)."""
    async with unit_of_work(deps) as ctx:
        return await job(ctx)
