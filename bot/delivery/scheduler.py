"""The APScheduler (3.x) jobs of `serve`: the minute tick, the outbox drain, the retention run, the team sync
and, with a helpdesk's API credentials set, the cx-pull of customer ratings.

Schedules live in Tandem's tables and the tick is idempotent, so any replica may run any job.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bot.cx.pulls import clients_from, pull_all
from bot.delivery.dispatcher import Dispatcher
from bot.teamsync.runner import sync_due
from handlers.delivery.retention import DELIVERY_MEMORY, Purged, apply_retention, forget_old_deliveries

log = logging.getLogger("tandem.scheduler")
SYNC_SECONDS = 30  # how soon a new source or a change event is synced


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
        self._scheduler.add_job(self.sync_teams, "interval", seconds=SYNC_SECONDS, id="team-sync", coalesce=True,
                                max_instances=1, next_run_time=datetime.now(UTC) + timedelta(seconds=SYNC_SECONDS))
        env = self.dispatcher.deps.settings.env
        if clients_from(env):  # helpdesks with API credentials: pull their ratings
            self._scheduler.add_job(self.pull_ratings, "interval", minutes=env.cx_pull_minutes, id="cx-pull",
                                    coalesce=True, max_instances=1,
                                    next_run_time=datetime.now(UTC) + timedelta(minutes=1))
        self._scheduler.start()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    async def _safe_tick(self) -> None:
        try:
            await self.dispatcher.tick()
        except Exception:  # the next tick retries; the scheduler must keep running
            log.exception("scheduling tick failed; the next tick will retry")

    async def apply_retention(self) -> Purged:
        """Delete text past app.yaml's retention period (idempotent, so any replica may run it)."""
        try:
            async with self.dispatcher.deps.context() as ctx:
                purged = await apply_retention(ctx)
                forgotten = await forget_old_deliveries(ctx)
        except Exception:  # the next run retries
            log.exception("retention run failed; the next run will retry")
            return Purged(0, 0, 0)
        if any(purged):
            log.info("retention: removed the text of %s note(s), %s customer moment(s) and %s customer "
                     "comment(s); scores kept", *purged)
        if forgotten:
            log.info("retention: forgot %s delivery id(s) older than %s days", forgotten, DELIVERY_MEMORY.days)
        return purged

    async def pull_ratings(self) -> None:
        """Every configured helpdesk's new ratings (one replica per source at a time; see bot/cx/pulls.py)."""
        try:
            for result in await pull_all(self.dispatcher.deps, clients_from(self.dispatcher.deps.settings.env)):
                if result.added or result.error:
                    log.info("cx-pull %s: %s new rating(s), %s page(s)%s", result.source, result.added, result.pages,
                             f", stopped: {result.error}" if result.error else "")
        except Exception:
            log.exception("cx-pull failed; the next run will retry")

    async def sync_teams(self) -> None:
        """Every team source that is due (new, changed on its platform, or not read for a while)."""
        deps = self.dispatcher.deps
        try:
            await sync_due(deps, deps.directories)
        except Exception:
            log.exception("team sync failed; the next run will retry")

    async def _safe_drain(self) -> None:
        try:
            await self.dispatcher.drain()
        except Exception:
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
