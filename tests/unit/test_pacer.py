"""The dispatcher's pacer: learns a workspace's rate limit from 429 episodes, spaces sends, forgets."""
from __future__ import annotations

import asyncio

from bot.delivery.pacer import Pacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_no_pacing_until_two_episodes_measure_a_rate() -> None:
    clock = FakeTime()
    pacer = Pacer(clock)
    for _ in range(300):
        pacer.sent()
    pacer.refused()  # the first episode: the burst before it says nothing about the rate
    assert pacer.rate is None
    clock.now += 1.5
    for _ in range(300):
        pacer.sent()
    pacer.refused()
    assert pacer.rate == 200.0  # 300 got through in the 1.5 s between the episodes


async def test_sends_are_spaced_at_the_learned_rate_and_probe_upwards() -> None:
    clock = FakeTime()
    pacer = Pacer(clock)
    pacer.refused()
    clock.now += 1.0
    for _ in range(100):
        pacer.sent()
    pacer.refused()
    assert pacer.rate == 100.0
    started = asyncio.get_running_loop().time()
    # after a quiet spell a quarter of a second's worth may go at once, then 10 ms apart
    await asyncio.gather(*(pacer.wait_turn() for _ in range(int(100 * Pacer.CATCH_UP_S) + 11)))
    assert asyncio.get_running_loop().time() - started >= 0.095
    clock.now += 2 * Pacer.PROBE_EVERY_S  # two quiet probing periods
    rate = pacer._current_rate(clock.now)
    assert rate is not None and round(rate, 2) == round(100 * Pacer.PROBE_STEP ** 2, 2)


def test_pacing_is_forgotten_after_two_quiet_minutes() -> None:
    clock = FakeTime()
    pacer = Pacer(clock)
    pacer.refused()
    clock.now += 1.0
    pacer.sent()
    pacer.refused()
    clock.now += Pacer.FORGET_AFTER_S + 1
    assert pacer._current_rate(clock.now) is None and pacer.rate is None


def test_a_429_while_pacing_backs_off_from_the_current_pace() -> None:
    clock = FakeTime()
    pacer = Pacer(clock)
    pacer.refused()
    clock.now += 1.0
    for _ in range(100):
        pacer.sent()
    pacer.refused()
    clock.now += 4 * Pacer.PROBE_EVERY_S  # four probes
    pacer.refused()
    assert pacer.rate is not None and round(pacer.rate, 1) == round(100 * Pacer.PROBE_STEP ** 4 * 0.95, 1)
