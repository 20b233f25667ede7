"""TierPacer on a virtual clock: Slack's tiers are per workspace and method, a late wake-up does not bunch
the calls after it, and a Retry-After holds every later call back."""
from __future__ import annotations

import asyncio
import itertools

from bot.slack.directory import METHOD_TIERS, TierPacer


class VirtualTime:
    """A monotonic clock that only moves when someone sleeps (plus `lag`, a busy loop's late wake-up)."""

    def __init__(self) -> None:
        self.now, self.lag = 100.0, 0.0
        self.calls: list[tuple[str, str, float]] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.lag

    async def call(self, pacer: TierPacer, workspace: str, method: str) -> None:
        await pacer.wait_turn(workspace, method)
        self.calls.append((workspace, method, self.now))


def _times(clock: VirtualTime, workspace: str, method: str) -> list[float]:
    return [at for w, m, at in clock.calls if (w, m) == (workspace, method)]


def test_calls_of_one_method_are_spaced_at_its_tier_and_methods_do_not_wait_for_each_other() -> None:
    clock = VirtualTime()
    pacer = TierPacer(monotonic=clock.monotonic, sleep=clock.sleep)

    async def run() -> None:
        for _ in range(4):
            await clock.call(pacer, "T1", "usergroups.list")
        await clock.call(pacer, "T2", "usergroups.list")

    asyncio.run(run())
    times = _times(clock, "T1", "usergroups.list")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps == [60 / METHOD_TIERS["usergroups.list"]] * 3  # Tier 2: 20 a minute, 3 s apart
    assert _times(clock, "T2", "usergroups.list") == [times[-1]]  # another workspace has its own budget


def test_a_late_wake_up_does_not_bunch_the_next_call() -> None:
    clock = VirtualTime()
    pacer = TierPacer(scale=2.0, monotonic=clock.monotonic, sleep=clock.sleep)
    clock.lag = 0.5  # every sleep overshoots by half a second

    async def run() -> None:
        for _ in range(4):
            await clock.call(pacer, "T1", "conversations.members")

    asyncio.run(run())
    times = _times(clock, "T1", "conversations.members")
    interval = 60 / (METHOD_TIERS["conversations.members"] * 2.0)
    assert all(b - a >= interval for a, b in itertools.pairwise(times))


def test_retry_after_holds_back_every_later_call_of_that_method() -> None:
    clock = VirtualTime()
    pacer = TierPacer(monotonic=clock.monotonic, sleep=clock.sleep)

    async def run() -> None:
        await clock.call(pacer, "T1", "users.list")
        pacer.push_back("T1", "users.list", 30)
        await clock.call(pacer, "T1", "users.list")
        await clock.call(pacer, "T1", "users.info")  # another method is not held back

    asyncio.run(run())
    first, second = _times(clock, "T1", "users.list")
    assert second - first >= 30
    assert _times(clock, "T1", "users.info") == [second]
