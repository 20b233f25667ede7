"""Per-workspace send pacing learnt from the platform's 429s (real time: it is about the platform)."""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

log = logging.getLogger("tandem.delivery")


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
