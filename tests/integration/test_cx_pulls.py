"""Pulling ratings from fake Zendesk, Intercom and Freshdesk APIs on SQLite and PostgreSQL: every page, the
agents' emails, 429 storms and 5xx honoured, an interrupted pull resumed with nothing lost or doubled,
incremental pulls from the high-water mark, and two replicas pulling at once."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.config import load_settings
from bot.cx.clients import Freshdesk, Intercom, Zendesk
from bot.cx.pulls import MAX_TRIES, clients_from, pull
from storage.models import CustomerRating, RatingSource
from tests.conftest import ROOT
from tests.fakes.helpdesks import FakeHelpdesks, running_helpdesks

T0 = int(datetime(2026, 11, 10, 9, 0, tzinfo=UTC).timestamp())


@pytest.fixture
async def fake() -> AsyncIterator[FakeHelpdesks]:
    async with running_helpdesks() as helpdesks:
        yield helpdesks


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Waits:
    """The pull's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def clients(fake: FakeHelpdesks) -> dict[str, Zendesk | Intercom | Freshdesk]:
    return {"zendesk": Zendesk(fake.url, "admin@example.com", "zd-token"), "intercom": Intercom(fake.url, "ic-token"),
            "freshdesk": Freshdesk(fake.url, "fd-key")}


def seed(fake: FakeHelpdesks, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        fake.add_zendesk(1000 + n, 5000 + n, "good" if n % 3 else "bad", 10 + n % 7, T0 + 60 * n, "thanks")
        fake.add_intercom(9000 + n, 1 + n % 5, 20 + n % 6, T0 + 60 * n, "ok")
        fake.add_freshdesk(700 + n, 300 + n, (103, 101, 100, -103)[n % 4], 30 + n % 5, T0 + 60 * n)


async def by_source(harness) -> dict[str, list[CustomerRating]]:
    found: dict[str, list[CustomerRating]] = {}
    for row in await harness.rows(CustomerRating):
        found.setdefault(row.source, []).append(row)
    return found


async def test_every_page_and_every_agent_email_is_pulled_once(harness, fake, http) -> None:
    seed(fake, 260)
    for client in clients(fake).values():
        result = await pull(harness.deps, client, http, sleep=Waits())
        assert (result.added, result.duplicates, result.error) == (260, 0, None), (client.source, result)
        assert result.pages == {"zendesk": 3, "intercom": 2, "freshdesk": 3}[client.source]
    rows = await by_source(harness)
    assert {source: len(found) for source, found in rows.items()} == {"zendesk": 260, "intercom": 260,
                                                                       "freshdesk": 260}
    assert all(r.agent_email for found in rows.values() for r in found)  # resolved through the agent APIs
    assert {r.agent_email for r in rows["intercom"]} == {f"admin{20 + n}@example.com" for n in range(6)}
    zendesk = {r.external_id: r for r in rows["zendesk"]}
    assert (zendesk["ticket-5000"].score, zendesk["ticket-5001"].score) == (0.0, 100.0)
    assert sorted({r.raw_value for r in rows["freshdesk"]}) == ["-103", "100", "101", "103"]
    again = await pull(harness.deps, clients(fake)["zendesk"], http, sleep=Waits())
    assert again.added == 0  # the high-water mark overlaps by design; nothing is stored twice


async def test_429_storms_and_5xx_are_waited_out(harness, fake, http) -> None:
    seed(fake, 120)
    fake.zendesk.faults.extend([(429, {"Retry-After": "7"}), (429, {"Retry-After": "7"}), (503, {})])
    reset = str(int(datetime.now(UTC).timestamp()) + 40)
    fake.intercom.faults.extend([(429, {"X-RateLimit-Reset": reset})] * 3)  # Intercom: no Retry-After
    fake.freshdesk.faults.extend([(500, {}), (502, {}), (429, {"Retry-After": "30"})])
    for client in clients(fake).values():
        waits = Waits()
        result = await pull(harness.deps, client, http, sleep=waits)
        assert result.error is None and result.added == 120, (client.source, result)
        if client.source == "zendesk":
            assert waits.seconds == [7.0, 7.0, 1.0]  # Retry-After twice, then the first 5xx backoff
        elif client.source == "intercom":
            assert len(waits.seconds) == 3 and all(30 <= s <= 40 for s in waits.seconds)  # until the reset
        else:
            assert waits.seconds == [1.0, 2.0, 30.0]


async def test_an_interrupted_pull_resumes_without_losing_or_doubling(harness, fake, http) -> None:
    seed(fake, 250)
    zendesk = clients(fake)["zendesk"]
    original = zendesk.page
    calls = {"n": 0}

    async def failing_second_page(http, cursor, high_water):
        calls["n"] += 1
        if calls["n"] >= 2:
            fake.zendesk.faults.extend([(500, {})] * MAX_TRIES)
            zendesk.page = original  # type: ignore[method-assign]
        return await original(http, cursor, high_water)

    zendesk.page = failing_second_page  # type: ignore[method-assign]
    stopped = await pull(harness.deps, zendesk, http, sleep=Waits())
    assert stopped.error is not None and "HTTP 500" in stopped.error and stopped.added == 100
    [state] = await harness.rows(RatingSource)
    assert state.cursor == "100" and state.high_water is None and "HTTP 500" in (state.last_error or "")
    before = len(fake.zendesk.requests)
    resumed = await pull(harness.deps, zendesk, http, sleep=Waits())
    assert (resumed.added, resumed.duplicates, resumed.error) == (150, 0, None)
    pages = [r["query"] for r in fake.zendesk.requests[before:] if r["path"] == "/api/v2/satisfaction_ratings"]
    assert [q.get("page[after]") for q in pages] == ["100", "200"]  # from the saved cursor, not from the start
    [state] = await harness.rows(RatingSource)
    assert state.cursor is None and state.last_error is None and state.high_water == str(T0 + 60 * 249)
    seed(fake, 30, start=250)  # later ratings: the next pull starts from the high-water mark
    later = await pull(harness.deps, zendesk, http, sleep=Waits())
    assert later.added == 30 and fake.zendesk.requests[-1]["query"]["start_time"] == str(T0 + 60 * 249)
    assert len((await by_source(harness))["zendesk"]) == 280


async def test_two_replicas_pulling_at_once_store_everything_once(harness, fake, http) -> None:
    """Replica b pulls while a is mid-pull (a's first page is held until b is done): b stands by, a stores all."""
    seed(fake, 300)
    client = clients(fake)["freshdesk"]
    fake.freshdesk.hold = asyncio.Event()
    first = asyncio.create_task(pull(harness.deps, client, http, owner="a", sleep=Waits()))
    await asyncio.wait_for(fake.freshdesk.arrived.wait(), 30)  # a holds the lease and waits for its first page
    second = await asyncio.wait_for(pull(harness.deps, client, http, owner="b", sleep=Waits()), 30)
    fake.freshdesk.hold.set()
    done = await first
    assert (done.skipped, second.skipped, second.added) == (False, True, 0)  # one holds the lease, the other stands by
    assert done.added == 300 and len((await by_source(harness))["freshdesk"]) == 300


def test_only_configured_helpdesks_are_pulled() -> None:
    env = {"TANDEM_CONFIG": str(ROOT / "app.yaml"), "ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": "a@acme.example",
           "ZENDESK_API_TOKEN": "t", "FRESHDESK_DOMAIN": "acme"}  # no Freshdesk key, no Intercom token
    [zendesk] = clients_from(load_settings(env).env)
    assert isinstance(zendesk, Zendesk) and zendesk.base == "https://acme.zendesk.com"


async def test_the_scheduler_job_pulls_every_configured_helpdesk(harness, fake) -> None:
    from bot.delivery.dispatcher import Dispatcher
    from bot.delivery.scheduler import TickScheduler

    seed(fake, 5)
    env = harness.deps.settings.env.model_copy(update={
        "intercom_access_token": "ic-token", "intercom_api_url": fake.url, "freshdesk_api_key": "fd-key",
        "freshdesk_api_url": fake.url})
    harness.deps.settings = harness.deps.settings.model_copy(update={"env": env})
    await TickScheduler(Dispatcher(harness.deps)).pull_ratings()
    assert {source: len(rows) for source, rows in (await by_source(harness)).items()} == {"intercom": 5,
                                                                                          "freshdesk": 5}
