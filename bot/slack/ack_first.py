"""Acknowledgements first: work done after an ack waits while other Slack requests still wait for theirs.

Slack gives every request 3 seconds to be acknowledged, while the work behind it (a transaction, a
response_url reply, a users.info lookup) costs several times the CPU of the ack itself. On one event loop
and a couple of cores, a burst of clicks would otherwise make every new ack queue behind the work of the
earlier ones. So listeners call `quiet()` after their ack: their work starts only when no request is
waiting for its ack, or after LONGEST_DEFERRAL at the latest, so a steady stream of requests can't starve
it. Under normal traffic the wait is one loop turn; under a burst, replies arrive once it is acknowledged.

Work that opens a modal does not wait: Slack's trigger_id expires 3 seconds after the click.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

from bot.slack import collector

LONGEST_DEFERRAL = 10.0  # seconds; Slack's response_url stays valid for 30 minutes
LULL = 0.05  # seconds with no request waiting that count as quiet: a burst's requests come closer together


class AckFirst:
    """Tracks Slack requests waiting for their ack; `quiet()` returns once none has waited for LULL seconds.

    While it is not quiet, automatic garbage collection is held off (bot/slack/collector.py), for at most
    LONGEST_DEFERRAL at a time.
    """

    def __init__(self, longest: float = LONGEST_DEFERRAL, lull: float = LULL) -> None:
        self.longest, self.lull = longest, lull
        self.waiting = 0
        self._quiet = asyncio.Event()
        self._quiet.set()
        self._lull_timer: asyncio.TimerHandle | None = None
        self._hold_timer: asyncio.TimerHandle | None = None

    @contextmanager
    def request(self) -> Iterator[None]:
        """Around one request, from its arrival until its HTTP response (the ack) is ready."""
        if self._quiet.is_set():
            self._quiet.clear()
            self._hold_collector()
        self.waiting += 1
        try:
            yield
        finally:
            self.waiting -= 1
            if self.waiting == 0:
                self._restart_lull_timer()

    async def quiet(self) -> None:
        if self._quiet.is_set():
            return
        try:
            await asyncio.wait_for(self._quiet.wait(), self.longest)
        except TimeoutError:
            pass

    def stop(self) -> None:
        """On shutdown: wake held work and give the collector back."""
        if self._lull_timer is not None:
            self._lull_timer.cancel()
            self._lull_timer = None
        self._quiet.set()
        self._release_collector()

    def _restart_lull_timer(self) -> None:
        """One timer for all held work (not one poll per task): a burst must not pay for its backlog."""
        if self._lull_timer is not None:
            self._lull_timer.cancel()
        self._lull_timer = asyncio.get_running_loop().call_later(self.lull, self._lulled)

    def _lulled(self) -> None:
        self._lull_timer = None
        if self.waiting == 0:
            self._quiet.set()
            self._release_collector()

    def _hold_collector(self) -> None:
        if self._hold_timer is None:
            collector.hold()
            self._hold_timer = asyncio.get_running_loop().call_later(self.longest, self._release_collector)

    def _release_collector(self) -> None:
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
            collector.let_go()
