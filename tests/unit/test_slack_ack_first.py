"""Work after an ack waits while other Slack requests wait for theirs, but never past its limit."""
from __future__ import annotations

import asyncio
import gc
import time

import pytest

from bot.slack.ack_first import AckFirst
from handlers.dispatch import opens_form


async def test_work_starts_at_once_when_no_request_is_waiting() -> None:
    pacing = AckFirst(longest=5.0)
    started = time.perf_counter()
    await pacing.quiet()
    assert time.perf_counter() - started < 0.05


async def test_work_waits_until_the_last_waiting_request_is_answered() -> None:
    pacing = AckFirst(longest=5.0)
    order: list[str] = []

    async def work() -> None:
        await pacing.quiet()
        order.append("work")

    with pacing.request():
        with pacing.request():
            task = asyncio.create_task(work())
            await asyncio.sleep(0.05)
            order.append("first ack")
        await asyncio.sleep(0.05)
        order.append("second ack")
    await asyncio.wait_for(task, 1.0)
    assert order == ["first ack", "second ack", "work"]
    assert pacing.waiting == 0


async def test_a_steady_stream_of_requests_cannot_starve_the_work() -> None:
    pacing = AckFirst(longest=0.2)
    with pacing.request():
        started = time.perf_counter()
        await pacing.quiet()
        waited = time.perf_counter() - started
    assert 0.15 < waited < 1.0


async def test_a_request_that_fails_still_stops_counting() -> None:
    pacing = AckFirst(longest=5.0)
    with pytest.raises(RuntimeError), pacing.request():
        raise RuntimeError("dispatch failed")
    assert pacing.waiting == 0
    await asyncio.wait_for(pacing.quiet(), 0.1)


@pytest.mark.parametrize(("line", "opens"), [
    ("/moment", True),
    ("/moment   ", True),
    ("/moment the renewal call went well", False),
    ("/checkin", False),
    ("/tandem help", False),
    ("/tandem nonsense", False),
])
def test_only_lines_that_open_a_form_skip_the_wait(line: str, opens: bool) -> None:
    """A form needs Slack's trigger_id, which expires 3 seconds after the click: it can't wait for quiet."""
    assert opens_form(line) is opens


async def test_automatic_collection_is_held_off_only_while_requests_wait() -> None:
    """A full collection during a burst stalls every ack in flight; it runs again once the burst is over."""
    assert gc.isenabled()
    pacing = AckFirst(longest=5.0, lull=0.02)
    with pacing.request():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the lull has not passed yet
    await pacing.quiet()
    assert gc.isenabled()


async def test_the_collector_comes_back_even_if_requests_never_stop() -> None:
    pacing = AckFirst(longest=0.1)
    with pacing.request():
        assert not gc.isenabled()
        await asyncio.sleep(0.2)
        assert gc.isenabled()
    pacing.stop()
    assert gc.isenabled()


async def test_two_holders_share_the_one_collector() -> None:
    first, second = AckFirst(longest=5.0, lull=0.02), AckFirst(longest=5.0, lull=0.02)
    with first.request(), second.request():
        pass
    first.stop()
    assert not gc.isenabled()  # the second still holds it
    second.stop()
    assert gc.isenabled()
