"""One unit-of-work runner for every input: typed, clicked, submitted, webhooked; Slack, Teams and the console.

Each input is one transaction: admitted through the engine's gate, its replay refused, its sender
identified once, the way to reach them remembered, its command run by the one dispatcher, committed.
- Replays: the same signed request or activity id arriving twice (a replay attack, a platform retry) takes
  effect once, on every replica, because what was seen is remembered in the database for the window.
- Races: two inputs of one person can race (a double click, a platform delivering twice); the loser hits
  a unique constraint, and running it again in a fresh unit of work sees the winner's row.
- A database that can't be reached becomes a clear "try again" reply; nothing was saved.
"""
from __future__ import annotations

import itertools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bot.wiring import Deps
from handlers.context import Ctx
from handlers.delivery import reachability
from handlers.dispatch import run_input
from handlers.errors import DATABASE_UNAVAILABLE, TemporarilyUnavailable
from handlers.identity import Caller, identify
from handlers.messages import Reply, Text
from handlers.workspaces import first_deliveries, first_delivery
from storage.db import is_unavailable
from storage.models import Person

T = TypeVar("T")
log = logging.getLogger("tandem.units")
RACES = (IntegrityError, StaleDataError)


@dataclass(frozen=True)
class Replay:
    """What identifies one delivery of an input on its platform (a request signature, an activity id)."""

    platform: str
    workspace: str
    key: str


@dataclass(frozen=True)
class Channel:
    """Where the sender just wrote from, remembered so scheduled messages reach them there."""

    platform: str
    channel_id: str


class Replayed(Exception):
    """This input was already handled; it takes no effect again."""


@asynccontextmanager
async def unit_of_work(deps: Deps) -> AsyncIterator[Ctx]:
    """deps.context(), admitted through the engine's gate (see wiring.Deps.gate)."""
    async with deps.gate, deps.context() as ctx:
        yield ctx


async def run(deps: Deps, caller: Caller, command: Any, *, replay: Replay | None = None,
              channel: Channel | None = None, raise_refusals: bool = False) -> Reply | None:
    """Run a typed command (or a typed line, as text) for the caller; None when it is a replay.

    `raise_refusals`: a refusal is raised (modal forms show it beside the field) and nothing is stored.
    """
    job = partial(run_input, given=command, raise_refusals=raise_refusals)
    try:
        return await run_job(deps, caller, job, replay=replay, channel=channel, raise_refusals=raise_refusals)
    except Replayed:
        return None


async def run_job(deps: Deps, caller: Caller, job: Callable[[Ctx, Person], Awaitable[T]], *,
                  replay: Replay | None = None, channel: Channel | None = None,
                  raise_refusals: bool = False) -> T | Reply:
    """The unit of work around any use case of a known caller (raises Replayed for a replay)."""
    try:
        for attempt in (1, 2):
            try:
                async with unit_of_work(deps) as ctx:
                    if replay is not None and not await first_delivery(ctx, replay.platform, replay.workspace,
                                                                       replay.key):
                        log.info("%s input %s was already handled; ignoring the repeat", replay.platform,
                                 replay.key[:24])
                        raise Replayed()
                    person = await identify(ctx, caller)
                    if channel is not None:
                        await reachability.remember(ctx, person.id, channel.platform, channel_id=channel.channel_id)
                    return await job(ctx, person)
            except RACES:
                if attempt == 2:
                    raise
                log.info("an input of %s raced another; running it again", caller.platform)
    except Exception as error:
        if not is_unavailable(error):
            raise
        log.warning("database unreachable during a %s input: %s", caller.platform, type(error).__name__)
        if raise_refusals:
            raise TemporarilyUnavailable() from None
    return Reply.of(Text(DATABASE_UNAVAILABLE))


async def run_deliveries(deps: Deps, replays: Sequence[Replay],
                         job: Callable[[Ctx, list[bool]], Awaitable[T]]) -> T:
    """Signed deliveries with no sender (helpdesk webhooks), many in one transaction: a group commit.

    The replay records of all of them are written with the job's writes; the job is told which deliveries
    arrive for the first time (a replay takes no effect). An unreachable database raises
    TemporarilyUnavailable: nothing was stored, and the vendors retry.
    """
    try:
        async with unit_of_work(deps) as ctx:
            firsts: list[bool] = []
            for (platform, workspace), group in itertools.groupby(replays, key=lambda r: (r.platform, r.workspace)):
                keys = [replay.key for replay in group]
                firsts += await first_deliveries(ctx, platform, workspace, keys)
            return await job(ctx, firsts)
    except Exception as error:
        if is_unavailable(error):
            log.warning("database unreachable during %s signed deliveries: %s", len(replays), type(error).__name__)
            raise TemporarilyUnavailable() from None
        raise


async def run_plain(deps: Deps, job: Callable[[Ctx], Awaitable[T]]) -> T:
    """A use case with no sender (platform lifecycle events, delivery bookkeeping)."""
    async with unit_of_work(deps) as ctx:
        return await job(ctx)
