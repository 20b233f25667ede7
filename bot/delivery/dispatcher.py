"""The outbox drain: a small pipeline so that the database never sits between two sends.

    claim + prepare a batch (one transaction)  →  queue  →  N senders  →  mark sent in batches

A send that fails goes back to the queue as the retry policy (handlers/delivery/policy.py) says; nothing is
dropped. When a platform answers 429, every send to that workspace waits out its Retry-After (not just the
row that was refused), so a rate limit is obeyed instead of hammered.
"""
from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.claims import Claims
from bot.delivery.pacer import Pacer
from bot.wiring import Deps
from handlers.delivery import outgoing as delivery
from handlers.delivery import policy
from handlers.delivery.planning import PlanCursor, TickReport, plan_part
from handlers.ports import DeliveryFailed
from storage import outbox

log = logging.getLogger("tandem.delivery")

#: A Retry-After up to this long is waited out in memory; a longer one sends the rows back to the queue.
SHORT_WAIT_S = 15.0
#: Sends in flight at once on PostgreSQL; as many sent rows may wait for their record, so a crash repeats fewer
#: than twice this many messages.
SEND_CONCURRENCY = 50
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


class Dispatcher:
    """Plans due work and delivers the outbox for one process."""

    def __init__(self, deps: Deps, *, batch: int = 200, concurrency: int = SEND_CONCURRENCY,
                 lease: timedelta = timedelta(minutes=5), seed: int | None = None, flush_every: float = 0.05,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.deps = deps
        self.batch = batch
        # SQLite has one writer: parallel sends would only queue on its lock.
        self.concurrency = 1 if deps.engine.dialect.name == "sqlite" else concurrency
        self.lease = lease
        self.flush_every = flush_every
        self.claims = Claims(deps)
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
            self.claims.renew()
            async with self.claims.alive():
                await self.claims.recover_orphans()
                await self._pipeline(report, max_batches)
        finally:
            self._draining = False
        return report

    async def _pipeline(self, report: DrainReport, max_batches: int) -> None:
        queue: asyncio.Queue[_Item | None] = asyncio.Queue(maxsize=self.batch)
        sent: list[_Item] = []
        finished, something_sent = asyncio.Event(), asyncio.Event()
        # sends go on only while fewer than `concurrency` sent rows wait to be recorded: a slow flush (a loaded
        # machine) must not let unrecorded sends, each a duplicate if the process dies, pile up without bound
        room = asyncio.Event()
        room.set()

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
                await room.wait()
                try:
                    if not self._stopping and await self._send(item, report):
                        sent.append(item)
                        something_sent.set()
                        if len(sent) >= self.concurrency:
                            room.clear()
                except Exception:  # recording an outcome failed; the claim's lease brings it back
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
                except Exception:  # kept in `sent`; the next flush tries again
                    log.exception("could not mark sent outbox rows; will try again")
                    something_sent.set()
                if len(sent) < self.concurrency:
                    room.set()
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
            rows = await outbox.claim_due(ctx.session, now=ctx.clock.now(), claimer=self.claims.name, lease=self.lease,
                                          limit=self.batch, exclude_workspaces=waiting)
            if not rows:
                return None
            prepared = await delivery.prepare_many(ctx, rows)
            items = []
            for row in rows:
                outcome = prepared[row.id]
                if isinstance(outcome, str):
                    await outbox.mark_final(ctx.session, row.id, self.claims.name, status="skipped", error=outcome,
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
                                              [i.outgoing.prompt_id for i in batch if i.outgoing.prompt_id],
                                              self.claims.name)
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
            except Exception as error:  # any adapter error must not lose the row
                log.exception("send of outbox row %s raised", item.row_id)
                await self._failed(item, DeliveryFailed(f"{type(error).__name__}: {error}"), report)
                return False
        return False

    async def _defer(self, item: _Item, seconds: float, report: DrainReport) -> None:
        async with self.deps.context() as ctx:
            await outbox.mark_retry(ctx.session, item.row_id, self.claims.name, count_attempt=False,
                                    next_attempt_at=ctx.clock.now() + timedelta(seconds=seconds),
                                    error="workspace rate-limited by the platform")
        report.deferred += 1

    async def _failed(self, item: _Item, failure: DeliveryFailed, report: DrainReport) -> None:
        async with self.deps.context() as ctx:
            now = ctx.clock.now()
            again = policy.retry_at(failure, item.attempts, now, self._rng)
            if again is None:
                await outbox.mark_final(ctx.session, item.row_id, self.claims.name, status="failed",
                                        error=failure.reason, now=now)
                log.warning("outbox row %s failed for good after %s attempt(s): %s", item.row_id, item.attempts + 1,
                            failure.reason)
                report.failed += 1
            else:
                await outbox.mark_retry(ctx.session, item.row_id, self.claims.name, error=failure.reason,
                                        next_attempt_at=again)
                report.retried += 1

    async def release(self) -> int:
        """Stop claiming, let sends in flight finish (10 s at most), hand back the rest of our claims."""
        self._stopping = True
        deadline = time.monotonic() + 10
        while self._draining and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return await self.claims.release()
