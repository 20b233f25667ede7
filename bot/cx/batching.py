"""Group commit for helpdesk webhooks: deliveries that arrive while one transaction is being written wait
and go together into the next (units.run_deliveries: their replay records and ratings, a few statements
for the whole batch).

Why: a durable commit costs far more than verifying a signature, so one commit per delivery caps a
burst of webhooks at the database's commit rate. A delivery that arrives when nothing is being written
is written at once, so a quiet server answers as fast as before. Ratings are judged (scale, time,
comment tone) before they queue, so a bad one is refused on its own and never fails a batch.
"""
from __future__ import annotations

import asyncio
from functools import partial

from bot import units
from bot.wiring import Deps
from handlers.context import Ctx
from handlers.cx.ingest import IngestResult, store_deliveries

MAX_BATCH = 200  # deliveries per transaction
Rows = list[dict[str, object]]


async def _store(groups: list[Rows], ctx: Ctx, firsts: list[bool]) -> list[IngestResult | None]:
    fresh = [rows for rows, first in zip(groups, firsts, strict=True) if first]
    stored = iter(await store_deliveries(ctx.session, fresh, ctx.clock.now()))
    return [next(stored) if first else None for first in firsts]


class Batcher:
    def __init__(self, deps: Deps, max_batch: int = MAX_BATCH) -> None:
        self.deps, self.max_batch = deps, max_batch
        self._pending: list[tuple[units.Replay, Rows, asyncio.Future[IngestResult | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def submit(self, replay: units.Replay, rows: Rows) -> IngestResult | None:
        """What the delivery added (None: a replay); TemporarilyUnavailable when the database is out of reach."""
        future: asyncio.Future[IngestResult | None] = asyncio.get_running_loop().create_future()
        self._pending.append((replay, rows, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())
        return await future

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            try:
                outcomes = await units.run_deliveries(self.deps, [replay for replay, _, _ in batch],
                                                      partial(_store, [rows for _, rows, _ in batch]))
            except Exception as error:  # noqa: BLE001 - every delivery of the batch gets the same answer
                for _, _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, _, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)
