"""Fan-out benchmark: 10,000 people due at the same minute, delivered through the fake Slack Web API.

    .venv/bin/python bench/fanout.py [--people 10000] [--concurrency 50] [--rate 400] [--database-url URL]

(1) No rate limit: the time from the tick to the last delivered chat.postMessage, against the floor — the
    bare slack_sdk AsyncWebClient posting the same messages with the same concurrency to the same fake,
    in this same process. Prints both and the ratio (target ≤ 1.3).
(2) The fake enforces a token bucket on chat.postMessage (`--rate` per second, burst = one second's
    worth): everything must be delivered, nothing twice, in a total time within 10% of the minimum the
    limit allows, (people − burst) / rate.
Then the peak memory (RSS) of the process. Runs on PostgreSQL (a private schema, dropped at the end);
the fake Slack API runs in a thread of this process, as Slack would be a separate party.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from slack_sdk.web.async_client import AsyncWebClient  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.delivery.dispatcher import Dispatcher  # noqa: E402
from bot.slack import render  # noqa: E402
from bot.slack.messenger import SlackMessenger  # noqa: E402
from bot.wiring import build  # noqa: E402
from handlers.checkins import QUESTION  # noqa: E402
from handlers.messages import MoodPrompt  # noqa: E402
from handlers.sentiment import TextBlobScorer  # noqa: E402
from storage import outbox  # noqa: E402
from storage.db import upgrade  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402
from tests.support.population import seed_workspace  # noqa: E402

SLOT = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
TOKEN = "xoxb-bench"


class FlowingClock:
    """Real time, moved to start at the check-in slot (so 10,000 people are due at the first tick)."""

    def __init__(self, start: datetime) -> None:
        self._start, self._t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


@dataclass
class Run:
    seconds: float
    delivered: int
    duplicates: int
    refused: int
    plan_seconds: float


def _user(i: int) -> str:
    return f"U{i:06d}"


async def floor(fake: FakeSlackApi, people: int, concurrency: int) -> float:
    """The bare client: the same check-in messages, posted with the same concurrency."""
    client = AsyncWebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])
    todo = iter(range(people))

    async def worker() -> None:
        for i in todo:
            payload = render.message_payload(MoodPrompt(prompt_id=i + 1, question=QUESTION))
            await client.chat_postMessage(channel=f"D{_user(i)}", **payload)

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.monotonic() - started


async def tandem(fake: FakeSlackApi, url: str, people: int, concurrency: int) -> Run:
    """Tandem's own path: tick (plan in PostgreSQL), claim, prepare, send through SlackMessenger, mark sent."""
    import asyncpg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        settings = load_settings({"TANDEM_CONFIG": str(REPO / "app.yaml")})
        deps = build(settings, clock=FlowingClock(SLOT), database_url=url, scorer=TextBlobScorer(),
                     engine_options={"connect_args": {"server_settings": {"search_path": schema}}})
        try:
            await upgrade(deps.engine)
            await seed_workspace(deps.engine, people=people, checkin_time="09:30", platform="slack",
                                 external_id=fake.team_id, dm_channels=True, now=SLOT - timedelta(days=1))

            async def tokens(_workspace: str) -> str:
                return TOKEN

            deps.messengers["slack"] = SlackMessenger(deps, fake.base_url, tokens)
            dispatcher = Dispatcher(deps, concurrency=concurrency)
            started = time.monotonic()
            planned, _ = await dispatcher.tick()
            assert planned.checkins == people, planned
            while True:  # rows a 429 sent back to the queue come due again within seconds
                async with deps.context() as ctx:
                    waiting, _ = await outbox.backlog(ctx.session, ctx.clock.now())
                if not waiting:
                    break
                await asyncio.sleep(0.2)
                await dispatcher.drain()
            planning = time.monotonic()
            await dispatcher.plan()  # what planning alone costs: an idempotent re-plan of the same minute
            plan_seconds = time.monotonic() - planning
        finally:
            await deps.close()
    finally:
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()
    posts = fake.delivered("chat.postMessage")
    per_channel = Counter(str(call.args.get("channel")) for call in posts)
    last = max(call.at for call in posts)
    return Run(seconds=last - started, delivered=len(per_channel), duplicates=sum(n - 1 for n in per_channel.values()),
               refused=fake.refused["chat.postMessage"], plan_seconds=plan_seconds)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="chat.postMessage per second in part (2)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL",
                                                                 "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    n, c = args.people, args.concurrency
    with FakeSlackApi() as fake:
        await floor(fake, min(n, 500), c)  # warm up both sides (connections, spec cache)
        fake.reset()
        cpu = time.process_time()
        before = await floor(fake, n, c)  # the floor is measured before and after, against a busy machine's drift
        fake.reset()
        bare_cpu = time.process_time() - cpu
        cpu = time.process_time()
        ours = await tandem(fake, args.database_url, n, c)
        ours_cpu = time.process_time() - cpu
        fake.reset()
        after = await floor(fake, n, c)
        bare = (before + after) / 2
        print(f"(1) {n} people, concurrency {c}, no rate limit")
        print(f"    bare AsyncWebClient : {bare:7.2f} s  ({n / bare:6.0f} msg/s; runs before/after: {before:.2f} s, "
              f"{after:.2f} s)")
        print(f"    Tandem tick → last  : {ours.seconds:7.2f} s  ({n / ours.seconds:6.0f} msg/s)  delivered "
              f"{ours.delivered}, duplicates {ours.duplicates}; "
              f"re-planning the minute alone: {ours.plan_seconds:.2f} s")
        print(f"    ratio               : {ours.seconds / bare:7.2f}  (target ≤ 1.30)")
        print(f"    CPU of this process (fake Slack included): bare {bare_cpu:.1f} s, Tandem {ours_cpu:.1f} s "
              f"(Tandem's includes seeding {n} people and the idempotent re-plan; PostgreSQL's own CPU is not counted)")
        fake.reset()
        burst = args.rate
        fake.rate_limit("chat.postMessage", per_second=args.rate, burst=burst)
        limited = await tandem(fake, args.database_url, n, c)
        minimum = max(n - burst, 0) / args.rate
        print(f"(2) {n} people, fake limit {args.rate:.0f}/s (burst {burst:.0f}): minimum {minimum:.2f} s")
        print(f"    Tandem tick → last  : {limited.seconds:7.2f} s  ({limited.seconds / minimum - 1:+.1%} over the "
              f"minimum; target ≤ +10%)")
        print(f"    delivered {limited.delivered}/{n}, duplicates {limited.duplicates}, 429 answers "
              f"{limited.refused}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB (the whole process: the fake Slack API in its thread keeps every message "
          "it was sent)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
