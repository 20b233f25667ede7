"""The scheduling tick and the outbox dispatcher, run by APScheduler inside `serve` (and by the demo).

One idempotent tick a minute plans what is due (handlers/scheduling.py) and drains the outbox. The
drain is a small pipeline so that the database never sits between two sends:

    claim + prepare a batch (one transaction)  →  queue  →  N senders  →  mark sent in batches

A send that fails goes back to the queue with backoff; nothing is dropped. When a platform answers 429,
every send to that workspace waits out its Retry-After (not just the row that was refused), so a rate
limit is obeyed instead of hammered. On PostgreSQL each drain holds an advisory lock while it runs; a
replica that finds rows claimed by a drain whose lock is gone (its process was killed) hands them back
at once, and the claim lease covers everything else (SQLite, a claim held far too long).
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.wiring import Deps
from handlers import delivery
from handlers.ports import DeliveryFailed
from handlers.retention import DELIVERY_MEMORY, apply_retention, forget_old_deliveries
from handlers.scheduling import PlanCursor, TickReport, plan_part
from storage import outbox

log = logging.getLogger("tandem.scheduler")

#: A Retry-After up to this long is waited out in memory; a longer one sends the rows back to the queue.
SHORT_WAIT_S = 15.0
#: 429s answered to one row within one claim before the row goes back to the queue as a failed attempt.
RATE_LIMITED_TRIES_IN_PLACE = 4


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    rate_limited: int = 0  # 429 answers (each waited out as told)
    deferred: int = 0  # rows handed back unsent because their workspace must wait long
    lost_claims: int = 0  # sent, but the claim had expired and was taken over: possible duplicates


@dataclass(frozen=True)
class _Item:
    row_id: int
    attempts: int
    workspace_id: int
    outgoing: delivery.Outgoing


async def _first_of(*waits: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


class Pacer:
    """Learns a workspace's send rate from its 429s, so a long fan-out flows at the limit instead of
    bursting into it and sleeping out Retry-After again and again.

    The rate is first measured as what got through between two rate-limit episodes divided by the time
    between them (waits included); sends are then spaced at that rate, probing 5% higher every 2 s
    without a 429 and backing off 5% on one; the pacing is forgotten after two minutes without a 429.
    Real time: it is about the platform.
    """

    PROBE_EVERY_S = 2.0
    PROBE_STEP = 1.05
    CATCH_UP_S = 0.25
    FORGET_AFTER_S = 120.0

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._successes = 0
        self._episode: tuple[float, int] | None = None  # when the last episode began, successes then
        self.rate: float | None = None
        self._next_slot = 0.0

    def sent(self) -> None:
        self._successes += 1

    def refused(self) -> None:
        """A new rate-limit episode: measure the rate (first time), or back off 5% from the pace that hit it."""
        now = self._monotonic()
        current = self._current_rate(now)
        if current is not None:
            self.rate = current * 0.95
        elif self._episode is not None:
            began, successes = self._episode
            if now > began and self._successes > successes:
                self.rate = (self._successes - successes) / (now - began)
        self._episode = (now, self._successes)
        if self.rate is not None:
            log.info("rate-limited: pacing sends to this workspace at %.1f/s", self.rate)

    def _current_rate(self, now: float) -> float | None:
        if self.rate is None or self._episode is None:
            return None
        quiet = now - self._episode[0]
        if quiet > self.FORGET_AFTER_S:
            self.rate, self._episode = None, None
            return None
        return self.rate * self.PROBE_STEP ** (quiet // self.PROBE_EVERY_S)

    async def wait_turn(self) -> None:
        now = self._monotonic()
        rate = self._current_rate(now)
        if rate is None:
            return
        slot = max(now - self.CATCH_UP_S, self._next_slot)  # a stalled event loop may catch up a little
        self._next_slot = slot + 1 / rate
        if slot > now:
            await asyncio.sleep(slot - now)


class Dispatcher:
    """Plans due work and delivers the outbox for one process."""

    def __init__(self, deps: Deps, *, batch: int = 200, concurrency: int = 50, lease: timedelta = timedelta(minutes=5),
                 seed: int | None = None, flush_every: float = 0.05,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.deps = deps
        self.batch = batch
        # SQLite has one writer: parallel sends would only queue on its lock.
        self.concurrency = 1 if deps.engine.dialect.name == "sqlite" else concurrency
        self.lease = lease
        self.flush_every = flush_every
        self._host = f"{socket.gethostname()[:30]}:{os.getpid()}"
        self._token = 0
        self.claimer = self._new_claimer()
        self._rng = random.Random(seed)
        self._sleep = sleep
        self._paused_until: dict[int, datetime] = {}  # workspace id → when its sends may resume (Clock time)
        self._pacers: dict[int, Pacer] = {}
        self._draining = False
        self._more = False  # planned or asked for while a drain ran: look again before stopping
        self._planning = False
        self._stopping = False

    # ------------------------------------------------------------------ tick

    async def plan(self) -> TickReport:
        """Plan what is due, committing part by part (PLAN_PART people each) so a drain can start sending."""
        report, cursor = TickReport(), PlanCursor()
        while not cursor.done:
            async with self.deps.context() as ctx:
                cursor = await plan_part(ctx, cursor, report)
            self._more = True
        return report

    async def tick(self) -> tuple[TickReport, DrainReport]:
        """Plan and deliver. On PostgreSQL sending starts as soon as the first part of the plan is committed."""
        if self.deps.engine.dialect.name == "sqlite":  # one writer: planning and claiming would only take turns
            planned = await self.plan()
            drained = await self.drain()
        else:
            self._planning = True
            drainer = asyncio.create_task(self.drain())
            try:
                planned = await self.plan()
            finally:
                self._planning = False
                drained = await drainer
        if planned.checkins or planned.reminders or planned.digests or planned.skipped_late or drained.sent \
                or drained.failed:
            log.info("tick: queued %s check-ins, %s reminders, %s digests, %s missed slots skipped; sent %s, "
                     "retried %s, failed %s, skipped %s, rate-limited %s", planned.checkins, planned.reminders,
                     planned.digests, planned.skipped_late, drained.sent, drained.retried, drained.failed,
                     drained.skipped, drained.rate_limited)
        return planned, drained

    # ------------------------------------------------------------------ drain

    async def drain(self, max_batches: int = 10_000) -> DrainReport:
        """Deliver everything due now; returns at once if this process is already draining (it will see it)."""
        report = DrainReport()
        if self._draining or self._stopping:
            self._more = True
            return report
        self._draining = True
        try:
            self.claimer = self._new_claimer()
            async with self._alive():
                await self._recover_orphans()
                await self._pipeline(report, max_batches)
        finally:
            self._draining = False
        return report

    async def _pipeline(self, report: DrainReport, max_batches: int) -> None:
        queue: asyncio.Queue[_Item | None] = asyncio.Queue(maxsize=self.batch)
        sent: list[_Item] = []
        finished, something_sent = asyncio.Event(), asyncio.Event()

        async def produce() -> None:
            try:
                for _ in range(max_batches):
                    if self._stopping:
                        break
                    items = await self._claim_batch(report)
                    if items is None:
                        if self._more:
                            self._more = False
                            continue
                        if self._planning:
                            await asyncio.sleep(0.02)
                            continue
                        break
                    for item in items:
                        await queue.put(item)
            finally:
                for _ in range(self.concurrency):
                    await queue.put(None)

        async def send_all() -> None:
            while (item := await queue.get()) is not None:
                try:
                    if not self._stopping and await self._send(item, report):
                        sent.append(item)
                        something_sent.set()
                except Exception:  # noqa: BLE001 - recording an outcome failed; the claim's lease brings it back
                    log.exception("outbox row %s: could not record the outcome", item.row_id)

        async def flush_when_sent() -> None:
            """Record sends soon after they happen (a crash in between means a duplicate), in batches."""
            while not finished.is_set():
                await _first_of(something_sent.wait(), finished.wait())
                if finished.is_set():
                    break
                await asyncio.sleep(0.005)  # sends that finish together are recorded together
                something_sent.clear()
                try:
                    await self._flush(sent, report)
                except Exception:  # noqa: BLE001 - kept in `sent`; the next flush tries again
                    log.exception("could not mark sent outbox rows; will try again")
                    something_sent.set()
                try:  # at most one flush per `flush_every` while sends stream in
                    await asyncio.wait_for(finished.wait(), self.flush_every)
                except TimeoutError:
                    pass

        flusher = asyncio.create_task(flush_when_sent())
        try:
            outcomes = await asyncio.gather(produce(), *(send_all() for _ in range(self.concurrency)),
                                            return_exceptions=True)
        finally:
            finished.set()
            await flusher
            await self._flush(sent, report)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _claim_batch(self, report: DrainReport) -> list[_Item] | None:
        """Claim and prepare one batch in one transaction; None when nothing is due."""
        waiting = [ws for ws in list(self._paused_until) if self._pause_left(ws) > SHORT_WAIT_S]
        async with self.deps.context() as ctx:
            rows = await outbox.claim_due(ctx.session, now=ctx.clock.now(), claimer=self.claimer, lease=self.lease,
                                          limit=self.batch, exclude_workspaces=waiting)
            if not rows:
                return None
            prepared = await delivery.prepare_many(ctx, rows)
            items = []
            for row in rows:
                outcome = prepared[row.id]
                if isinstance(outcome, str):
                    await outbox.mark_final(ctx.session, row.id, self.claimer, status="skipped", error=outcome,
                                            now=ctx.clock.now())
                    report.skipped += 1
                else:
                    items.append(_Item(row.id, row.attempts, row.workspace_id, outcome))
        return items

    async def _flush(self, sent: list[_Item], report: DrainReport) -> None:
        """Mark what was sent since the last flush, in one transaction."""
        if not sent:
            return
        batch = sent[:]
        async with self.deps.context() as ctx:
            done = await delivery.record_sent(ctx, [i.row_id for i in batch],
                                              [i.outgoing.prompt_id for i in batch if i.outgoing.prompt_id], self.claimer)
        del sent[:len(batch)]
        report.sent += len(batch)
        if done < len(batch):
            report.lost_claims += len(batch) - done
            log.warning("%s outbox row(s) were sent after their claim had expired and been taken over; "
                        "they may have gone out twice", len(batch) - done)

    # ------------------------------------------------------------------ one send

    def _pause_left(self, workspace_id: int) -> float:
        until = self._paused_until.get(workspace_id)
        if until is None:
            return 0.0
        left = (until - self.deps.clock.now()).total_seconds()
        if left <= 0:
            self._paused_until.pop(workspace_id, None)
            return 0.0
        return left

    def _pause(self, workspace_id: int, seconds: float) -> None:
        until = self.deps.clock.now() + timedelta(seconds=max(seconds, 0.0))
        if workspace_id not in self._paused_until or until > self._paused_until[workspace_id]:
            self._paused_until[workspace_id] = until

    async def _wait_out(self, workspace_id: int, seconds: float) -> None:
        """Sleep through a workspace's pause; whoever wakes first lifts it (a simulated clock stands still)."""
        until = self._paused_until.get(workspace_id)
        await self._sleep(seconds)
        if until is not None and self._paused_until.get(workspace_id) == until:
            del self._paused_until[workspace_id]

    async def _send(self, item: _Item, report: DrainReport) -> bool:
        """Send one item, waiting out its workspace's rate limit; True if it went out."""
        recipient = item.outgoing.recipient
        messenger = self.deps.messengers.get(recipient.platform)
        for try_in_place in range(RATE_LIMITED_TRIES_IN_PLACE + 1):
            left = self._pause_left(item.workspace_id)
            if left > SHORT_WAIT_S:
                await self._defer(item, left, report)
                return False
            if left > 0:
                await self._wait_out(item.workspace_id, left)
            pacer = self._pacers.setdefault(item.workspace_id, Pacer())
            await pacer.wait_turn()
            try:
                if messenger is None:
                    raise DeliveryFailed(f"no messenger for platform {recipient.platform!r}")
                await messenger.send(recipient, item.outgoing.message)
                pacer.sent()
                return True
            except DeliveryFailed as failure:
                if failure.retry_after is not None and not failure.permanent:
                    report.rate_limited += 1
                    if self._pause_left(item.workspace_id) <= 0:
                        pacer.refused()  # a new rate-limit episode, not one more answer to sends already in flight
                    self._pause(item.workspace_id, failure.retry_after)
                    if try_in_place < RATE_LIMITED_TRIES_IN_PLACE and failure.retry_after <= SHORT_WAIT_S:
                        continue
                await self._failed(item, failure, report)
                return False
            except Exception as error:  # noqa: BLE001 - any adapter error must not lose the row
                log.exception("send of outbox row %s raised", item.row_id)
                await self._failed(item, DeliveryFailed(f"{type(error).__name__}: {error}"), report)
                return False
        return False

    async def _defer(self, item: _Item, seconds: float, report: DrainReport) -> None:
        async with self.deps.context() as ctx:
            await outbox.mark_retry(ctx.session, item.row_id, self.claimer, count_attempt=False,
                                    next_attempt_at=ctx.clock.now() + timedelta(seconds=seconds),
                                    error="workspace rate-limited by the platform")
        report.deferred += 1

    async def _failed(self, item: _Item, failure: DeliveryFailed, report: DrainReport) -> None:
        async with self.deps.context() as ctx:
            now = ctx.clock.now()
            if failure.permanent or item.attempts + 1 >= delivery.MAX_ATTEMPTS:
                await outbox.mark_final(ctx.session, item.row_id, self.claimer, status="failed",
                                        error=failure.reason, now=now)
                log.warning("outbox row %s failed for good after %s attempt(s): %s", item.row_id, item.attempts + 1,
                            failure.reason)
                report.failed += 1
            else:
                await outbox.mark_retry(ctx.session, item.row_id, self.claimer, error=failure.reason,
                                        next_attempt_at=delivery.next_attempt(now, item.attempts, failure.retry_after,
                                                                              self._rng))
                report.retried += 1

    # ------------------------------------------------------------------ claims of the living and the dead

    def _new_claimer(self) -> str:
        """A fresh claimer name per drain: `host:pid:token`, the token being its liveness lock."""
        self._token = random.SystemRandom().randint(1, 2**31 - 1)
        return f"{self._host}:{self._token}"

    @asynccontextmanager
    async def _alive(self) -> AsyncIterator[None]:
        """PostgreSQL: hold the advisory lock that tells other replicas this drain's claims are alive.

        The lock lives on its own connection for the length of the drain; if the process is killed the
        connection closes, the lock is gone, and the next replica to drain takes the claims back.
        """
        if self.deps.engine.dialect.name != "postgresql":
            yield
            return
        async with self.deps.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await outbox.hold_liveness_lock(connection, self._token)
            try:
                yield
            finally:
                try:
                    await outbox.drop_liveness_lock(connection, self._token)
                except Exception:  # noqa: BLE001 - never hand a locked connection back to the pool
                    await connection.invalidate()

    async def _recover_orphans(self) -> None:
        async with self.deps.context() as ctx:
            for claimer in await outbox.orphaned_claimers(ctx.session):
                released = await outbox.release_claims(ctx.session, claimer)
                if released:
                    log.warning("took back %s outbox row(s) claimed by %s, whose process is gone", released, claimer)

    async def release(self) -> int:
        """Stop claiming, let sends in flight finish (10 s at most), hand back the rest of our claims."""
        self._stopping = True
        deadline = time.monotonic() + 10
        while self._draining and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        async with self.deps.context() as ctx:
            return await outbox.release_claims(ctx.session, self.claimer)


class TickScheduler:
    """APScheduler 3 running the dispatcher's tick once a minute (coalesced, never overlapping)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.dispatcher = dispatcher
        self._scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        self._scheduler.add_job(self._safe_tick, "interval", minutes=1, id="tick", coalesce=True, max_instances=1,
                                next_run_time=datetime.now(UTC), misfire_grace_time=30)
        self._scheduler.add_job(self._safe_drain, "interval", seconds=10, id="drain", coalesce=True,
                                max_instances=1, misfire_grace_time=10)
        self._scheduler.add_job(self.apply_retention, "interval", hours=6, id="retention", coalesce=True,
                                max_instances=1, next_run_time=datetime.now(UTC) + timedelta(minutes=2))
        self._scheduler.start()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    async def _safe_tick(self) -> None:
        try:
            await self.dispatcher.tick()
        except Exception:  # noqa: BLE001 - the next tick retries; the scheduler must keep running
            log.exception("scheduling tick failed; the next tick will retry")

    async def apply_retention(self) -> tuple[int, int]:
        """Delete note and moment text past app.yaml's retention period (idempotent, so any replica may run it)."""
        try:
            async with self.dispatcher.deps.context() as ctx:
                notes, moments = await apply_retention(ctx)
                forgotten = await forget_old_deliveries(ctx)
        except Exception:  # noqa: BLE001 - the next run retries
            log.exception("retention run failed; the next run will retry")
            return 0, 0
        if notes or moments:
            log.info("retention: removed the text of %s note(s) and %s customer moment(s); scores kept",
                     notes, moments)
        if forgotten:
            log.info("retention: forgot %s delivery id(s) older than %s days", forgotten, DELIVERY_MEMORY.days)
        return notes, moments

    async def _safe_drain(self) -> None:
        try:
            await self.dispatcher.drain()
        except Exception:  # noqa: BLE001
            log.exception("outbox drain failed; the next run will retry")

    async def stop(self) -> int:
        """Stop ticking, let sends in flight finish, hand back unfinished claims; safe to call twice.

        APScheduler's asyncio executor cancels running jobs on shutdown, which would cut sends off mid-way:
        so new runs are paused first, the dispatcher finishes what is in flight, and only then is it shut down.
        """
        if self._scheduler.running:
            self._scheduler.pause()
        released = await self.dispatcher.release()
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        return released
