"""Pulling ratings from each configured helpdesk on the scheduler: for whoever cannot set up webhooks,
and to fill the gaps after downtime.

Each source is pulled by one replica at a time (a lease in cx_sources). Every page is stored in its own
transaction together with the position after it, so an interrupted pull resumes at the next page and a
page fetched twice adds nothing (ratings are unique per source and vendor id). The high-water mark moves
only when a pull reaches the last page; the next pull starts there again, overlapping by design.
429s wait for Retry-After (or the rate-limit reset), 5xx back off exponentially; after MAX_TRIES the
error is recorded for `cx status` and the next run carries on from the saved cursor.
"""
from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import aiohttp

from bot import units
from bot.config import Environment
from bot.cx.clients import Client, Failed, Freshdesk, Intercom, Page, Throttled, Zendesk
from bot.cx.payloads import BadPayload
from bot.wiring import Deps
from handlers.context import Ctx
from handlers.cx.emails import clean_email
from handlers.cx.ingest import ingest
from handlers.cx.scales import BadRating
from storage import ratings as store

log = logging.getLogger("tandem.cx.pull")
MAX_TRIES = 6
BACKOFF_SECONDS = 1.0  # doubled on every retried 5xx
MAX_WAIT_SECONDS = 120.0
LEASE = timedelta(minutes=10)
MAX_PAGES = 500  # per run: a first pull of a large history continues on the next run
AGENTS_PER_RUN = 200

Sleep = Callable[[float], Awaitable[None]]


def clients_from(env: Environment) -> list[Client]:
    """The helpdesks whose API credentials are set (the `…_API_URL` variables point tests at fakes)."""
    found: list[Client] = []
    if env.zendesk_api_token and env.zendesk_email and (env.zendesk_subdomain or env.zendesk_api_url):
        found.append(Zendesk(env.zendesk_api_url or f"https://{env.zendesk_subdomain}.zendesk.com",
                             env.zendesk_email, env.zendesk_api_token))
    if env.intercom_access_token:
        found.append(Intercom(env.intercom_api_url or "https://api.intercom.io", env.intercom_access_token))
    if env.freshdesk_api_key and (env.freshdesk_domain or env.freshdesk_api_url):
        found.append(Freshdesk(env.freshdesk_api_url or f"https://{env.freshdesk_domain}.freshdesk.com",
                               env.freshdesk_api_key))
    return found


@dataclass
class PullResult:
    source: str
    pages: int = 0
    added: int = 0
    duplicates: int = 0
    agents: int = 0
    skipped: bool = False  # another replica holds the lease
    error: str | None = None


async def _fetch(client: Client, http: aiohttp.ClientSession, cursor: str | None, high_water: str | None,
                 sleep: Sleep) -> Page:
    backoff = BACKOFF_SECONDS
    for attempt in range(1, MAX_TRIES + 1):
        try:
            return await client.page(http, cursor, high_water)
        except Throttled as throttled:
            if attempt == MAX_TRIES:
                raise
            if throttled.status == 429 and throttled.seconds:
                wait = throttled.seconds
            else:
                wait, backoff = backoff, min(backoff * 2, MAX_WAIT_SECONDS)
            log.info("%s answered HTTP %s; waiting %.1f s (try %s of %s)", client.source, throttled.status, wait,
                     attempt, MAX_TRIES)
            await sleep(min(wait, MAX_WAIT_SECONDS))
        except (TimeoutError, aiohttp.ClientError) as error:
            if attempt == MAX_TRIES:
                raise Failed(f"{client.source} unreachable: {type(error).__name__}") from None
            await sleep(backoff)
            backoff = min(backoff * 2, MAX_WAIT_SECONDS)
    raise AssertionError("unreachable")


async def pull(deps: Deps, client: Client, http: aiohttp.ClientSession, *, owner: str | None = None,
               sleep: Sleep = asyncio.sleep) -> PullResult:
    """One run for one source: pages until the last (or MAX_PAGES), then the agents without an email."""
    owner = owner or uuid.uuid4().hex
    result = PullResult(client.source)

    async def lease(ctx: Ctx) -> bool:
        now = ctx.clock.now()
        return await store.take_lease(ctx.session, client.source, owner, now, now + LEASE)

    if not await units.run_plain(deps, lease):
        result.skipped = True
        return result
    try:
        await _pages(deps, client, http, sleep, result)
        await _agents(deps, client, http, sleep, result)
    except (Throttled, Failed, BadPayload, BadRating) as error:
        result.error = f"{type(error).__name__}: {error}"[:300]
        log.warning("pulling %s stopped: %s (the next run resumes where it stopped)", client.source, result.error)

        async def note(ctx: Ctx) -> None:
            await store.note_error(ctx.session, client.source, result.error or "", ctx.clock.now())
        await units.run_plain(deps, note)
    finally:
        async def release(ctx: Ctx) -> None:
            await store.release_lease(ctx.session, client.source, owner)
        await units.run_plain(deps, release)
    return result


async def _pages(deps: Deps, client: Client, http: aiohttp.ClientSession, sleep: Sleep, result: PullResult) -> None:
    async def position(ctx: Ctx) -> tuple[str | None, str | None]:
        state = await store.source_state(ctx.session, client.source)
        return state.cursor, state.high_water

    cursor, high_water = await units.run_plain(deps, position)
    newest = high_water
    while result.pages < MAX_PAGES:
        page = await _fetch(client, http, cursor, high_water, sleep)
        result.pages += 1
        if page.high_water and (newest is None or _later(page.high_water, newest)):
            newest = page.high_water
        finished = page.cursor is None

        async def save(ctx: Ctx, page: Page = page, finished: bool = finished, newest: str | None = newest) -> None:
            stored = await ingest(ctx.session, page.ratings, "pull", ctx.scorer, ctx.clock.now())
            result.added += stored.added
            result.duplicates += stored.duplicates
            state = await store.source_state(ctx.session, client.source)
            state.cursor = None if finished else page.cursor
            if finished:
                state.high_water, state.last_pulled_at, state.last_error = newest, ctx.clock.now(), None
        await units.run_plain(deps, save)
        log.info("%s: page %s, %s new rating(s), %s already stored", client.source, result.pages, result.added,
                 result.duplicates)
        if finished:
            return
        cursor = page.cursor


def _later(a: str, b: str) -> bool:
    """Vendor high-water marks: epoch seconds (Zendesk, Intercom) or ISO 8601 (Freshdesk)."""
    if a.isdigit() and b.isdigit():
        return int(a) > int(b)
    return a > b


async def _agents(deps: Deps, client: Client, http: aiohttp.ClientSession, sleep: Sleep, result: PullResult) -> None:
    """Vendor agent ids → emails through the vendor's agent API, once each (webhook ratings included)."""
    async def todo(ctx: Ctx) -> list[str]:
        return await store.agents_without_email(ctx.session, client.source, AGENTS_PER_RUN)

    for agent_ref in await units.run_plain(deps, todo):
        email, name = await _agent(client, http, agent_ref, sleep)

        async def remember(ctx: Ctx, agent_ref: str = agent_ref, email: str | None = email, name: str = name) -> None:
            await store.remember_agent(ctx.session, client.source, agent_ref, clean_email(email), name,
                                       ctx.clock.now())
        await units.run_plain(deps, remember)
        result.agents += 1


async def _agent(client: Client, http: aiohttp.ClientSession, agent_ref: str, sleep: Sleep) -> tuple[str | None, str]:
    for attempt in range(1, MAX_TRIES + 1):
        try:
            return await client.agent_email(http, agent_ref)
        except Throttled as throttled:
            if attempt == MAX_TRIES:
                raise
            await sleep(min(throttled.seconds or BACKOFF_SECONDS * 2 ** attempt, MAX_WAIT_SECONDS))
        except Failed:
            return None, ""  # a deleted agent: remembered without an email, listed by `cx unlinked`
    raise AssertionError("unreachable")


async def pull_all(deps: Deps, clients: list[Client], sleep: Sleep = asyncio.sleep) -> list[PullResult]:
    """The scheduler's cx-pull job: every configured source, one after another."""
    results = []
    async with aiohttp.ClientSession() as http:
        for client in clients:
            results.append(await pull(deps, client, http, sleep=sleep))
    return results
