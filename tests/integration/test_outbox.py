"""The outbox on real databases: exactly-once enqueueing, claims (SKIP LOCKED, leases, dead claimers),
retries spaced as told or backed off, and a 429 that holds back the whole workspace."""
from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery.dispatcher import Dispatcher
from handlers.delivery import policy
from handlers.ports import DeliveryFailed
from storage import outbox
from storage.models import Outbox, Person, Team

NOW = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
postgres_only = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                        indirect=True)


async def _people(harness, n: int) -> list[Person]:
    await harness.join(*[f"p{i:02d}" for i in range(n)], timezone="Europe/London")
    return sorted(await harness.rows(Person), key=lambda p: p.id)


async def _queue(harness, persons: list[Person], prefix: str = "test") -> None:
    """Queue one drop alert per person (a kind with no prompt to close or answer)."""
    harness.clock.set(NOW)
    assert "Created team" in await harness.say("p00", "tandem team create Ops")
    [team] = await harness.rows(Team)
    async with harness.deps.context() as ctx:
        await outbox.enqueue_many(ctx.session, [
            {"workspace_id": p.workspace_id, "person_id": p.id, "kind": "alert", "dedupe_key": f"{prefix}:{p.id}",
             "payload": {"team_id": team.id, "text": "Team mood dropped sharply this week."}} for p in persons],
            now=NOW)


async def test_enqueue_is_exactly_once_per_key(harness) -> None:
    persons = await _people(harness, 3)
    async with harness.deps.context() as ctx:
        rows: list[dict[str, Any]] = [{"workspace_id": p.workspace_id, "person_id": p.id, "kind": "checkin",
                                       "dedupe_key": f"k:{p.id}", "payload": {}} for p in persons]
        assert await outbox.enqueue_many(ctx.session, rows, now=NOW) == 3
        assert await outbox.enqueue_many(ctx.session, rows, now=NOW) == 0
        assert not await outbox.enqueue(ctx.session, now=NOW, **rows[0])
    assert await harness.count(Outbox) == 3


@postgres_only
async def test_two_transactions_enqueueing_the_same_keys_at_once_queue_each_once(harness) -> None:
    persons = await _people(harness, 40)
    rows = [{"workspace_id": p.workspace_id, "person_id": p.id, "kind": "checkin", "dedupe_key": f"k:{p.id}",
             "payload": {}} for p in persons]

    async def replica(part: list[dict]) -> int:
        async with harness.deps.context() as ctx:
            return await outbox.enqueue_many(ctx.session, part, now=NOW)

    queued = await asyncio.gather(replica(rows[:30]), replica(rows[10:]), replica(list(reversed(rows))))
    assert sum(queued) == 40 and await harness.count(Outbox) == 40


@postgres_only
async def test_skip_locked_claims_are_disjoint_and_do_not_wait(harness) -> None:
    await _queue(harness, await _people(harness, 10))
    sessions = harness.deps.sessions
    async with sessions() as first, sessions() as second, first.begin(), second.begin():
        mine = await outbox.claim_due(first, now=NOW, claimer="h:1:1", lease=timedelta(minutes=5), limit=6)
        theirs = await asyncio.wait_for(  # would block on the first claim's row locks without SKIP LOCKED
            outbox.claim_due(second, now=NOW, claimer="h:2:2", lease=timedelta(minutes=5), limit=10), 5)
    assert len(mine) == 6 and len(theirs) == 4
    assert not {r.id for r in mine} & {r.id for r in theirs}
    claimed = {r.claimed_by for r in await harness.rows(Outbox)}
    assert claimed == {"h:1:1", "h:2:2"}


async def test_an_expired_claim_is_taken_over_and_the_late_finisher_is_told(harness) -> None:
    await _queue(harness, await _people(harness, 1))
    async with harness.deps.context() as ctx:
        [row] = await outbox.claim_due(ctx.session, now=NOW, claimer="a", lease=timedelta(minutes=1), limit=10)
    async with harness.deps.context() as ctx:
        assert await outbox.claim_due(ctx.session, now=NOW + timedelta(seconds=59), claimer="b",
                                      lease=timedelta(minutes=1), limit=10) == []
        [again] = await outbox.claim_due(ctx.session, now=NOW + timedelta(minutes=2), claimer="b",
                                         lease=timedelta(minutes=1), limit=10)
    assert again.id == row.id
    async with harness.deps.context() as ctx:
        assert await outbox.mark_sent_many(ctx.session, [row.id], "a", NOW) == 0
        assert await outbox.mark_sent_many(ctx.session, [row.id], "b", NOW) == 1
    [done] = await harness.rows(Outbox)
    assert (done.status, done.attempts, done.claimed_by) == ("sent", 1, "b")


@postgres_only
async def test_claims_of_a_dead_dispatcher_are_taken_back_at_once(harness) -> None:
    persons = await _people(harness, 4)
    await _queue(harness, persons)
    async with harness.deps.engine.connect() as alive:  # a live replica holds its liveness lock
        await alive.execution_options(isolation_level="AUTOCOMMIT")
        await outbox.hold_liveness_lock(alive, 515151)
        async with harness.deps.context() as ctx:
            await outbox.claim_due(ctx.session, now=NOW, claimer="gone:1:424242", lease=timedelta(hours=1), limit=2)
            await outbox.claim_due(ctx.session, now=NOW, claimer="alive:2:515151", lease=timedelta(hours=1), limit=2)
        async with harness.deps.context() as ctx:
            assert await outbox.orphaned_claimers(ctx.session) == ["gone:1:424242"]
        drained = await Dispatcher(harness.deps).drain()
        assert drained.sent == 2  # the dead one's rows, long before their one-hour lease ran out
        statuses = {r.claimed_by: r.status for r in await harness.rows(Outbox)}
        assert statuses["alive:2:515151"] == "sending"  # the living replica's claims are left alone
        await outbox.drop_liveness_lock(alive, 515151)


async def test_failures_back_off_exponentially_with_jitter_then_fail_for_good(harness) -> None:
    await _people(harness, 1)
    harness.messenger.failures = [DeliveryFailed("HTTP 500") for _ in range(policy.MAX_ATTEMPTS)]
    dispatcher = Dispatcher(harness.deps, seed=3)
    harness.clock.set(NOW)
    await dispatcher.plan()
    delays = []
    for attempt in range(policy.MAX_ATTEMPTS):
        drained = await dispatcher.drain()
        [row] = await harness.rows(Outbox)
        assert row.attempts == attempt + 1
        if row.status == "failed":
            break
        delay = row.next_attempt_at - harness.clock.now()
        base = min(policy.BACKOFF_CAP, policy.BACKOFF_BASE * 2 ** attempt)
        assert base * 0.5 <= delay <= base * 1.5
        delays.append(delay)
        harness.clock.advance(delay - timedelta(seconds=1))
        assert (await dispatcher.drain()).sent == 0  # not a second early
        harness.clock.advance(timedelta(seconds=1))
    assert row.status == "failed" and drained.failed == 1 and harness.messenger.sent == []
    assert len(delays) == policy.MAX_ATTEMPTS - 1 and delays != sorted(delays, key=lambda d: -d)
    assert "0 sent, 1 failed" in await harness.say("p00", "tandem status")


async def test_a_long_retry_after_holds_back_the_whole_workspace(harness) -> None:
    await _people(harness, 5)
    harness.messenger.failures = [DeliveryFailed("HTTP 429", retry_after=30)]
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(NOW)
    _, drained = await dispatcher.tick()
    assert (drained.sent, drained.rate_limited) == (0, 1)  # one refusal, then nobody else was tried
    rows = await harness.rows(Outbox)
    assert all(r.status == "pending" and r.next_attempt_at >= NOW + timedelta(seconds=30) for r in rows)
    assert sorted(r.attempts for r in rows) == [0, 0, 0, 0, 1]  # waiting is not an attempt
    harness.clock.advance(timedelta(seconds=29))
    assert (await dispatcher.drain()).sent == 0
    harness.clock.advance(timedelta(seconds=1))
    assert (await dispatcher.drain()).sent == 5 and len(harness.messenger.sent) == 5


async def test_a_short_retry_after_is_waited_out_in_place_for_every_row(harness) -> None:
    await _people(harness, 4)
    naps: list[float] = []

    async def nap(seconds: float) -> None:  # the dispatcher's sleep, on the simulated clock
        naps.append(seconds)
        harness.clock.advance(timedelta(seconds=seconds))

    sends: list[datetime] = []
    original = harness.messenger.send

    async def timed_send(recipient, message) -> None:
        sends.append(harness.clock.now())
        await original(recipient, message)

    harness.messenger.send = timed_send
    harness.messenger.failures = [DeliveryFailed("HTTP 429", retry_after=2)]
    dispatcher = Dispatcher(harness.deps, sleep=nap)
    harness.clock.set(NOW)
    _, drained = await dispatcher.tick()
    assert (drained.sent, drained.rate_limited, drained.retried) == (4, 1, 0)
    assert naps == [2.0] and sends[1] - sends[0] >= timedelta(seconds=2)
    assert sorted(r.attempts for r in await harness.rows(Outbox)) == [1, 1, 1, 1]


async def test_release_hands_back_unfinished_claims(harness) -> None:
    await _queue(harness, await _people(harness, 3))
    dispatcher = Dispatcher(harness.deps)
    async with harness.deps.context() as ctx:
        await outbox.claim_due(ctx.session, now=NOW, claimer=dispatcher.claims.name, lease=timedelta(minutes=5),
                               limit=3)
    assert await dispatcher.release() == 3
    async with harness.deps.context() as ctx:
        statuses = (await ctx.session.scalars(select(Outbox.status))).all()
    assert statuses == ["pending"] * 3
