"""The outbox through the real SlackMessenger against the fake Slack Web API answering 429 and 500 at random:
everything is delivered, nothing twice, and a 429's Retry-After is honoured before the next try."""
from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.delivery.dispatcher import Dispatcher
from bot.slack.messenger import SlackMessenger
from storage.models import Outbox
from tests.fakes.slack_fixtures import fake_slack  # noqa: F401 - fixture
from tests.support.population import seed_workspace

PEOPLE = 16


async def test_random_429_and_500_everything_delivered_once_and_retries_spaced_as_told(harness, fake_slack) -> None:
    monday = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    await seed_workspace(harness.deps.engine, people=PEOPLE, checkin_time="09:30", platform="slack",
                         external_id=fake_slack.team_id, timezone="Europe/London", days="0,1,2,3,4",
                         dm_channels=True, now=monday - timedelta(days=7))

    async def tokens(_team: str) -> str:
        return "xoxb-test"

    harness.deps.messengers["slack"] = SlackMessenger(harness.deps, fake_slack.base_url, tokens)
    fake_slack.fail_randomly("chat.postMessage", rate=0.3, statuses=(429, 500), retry_after=1, seed=11)
    dispatcher = Dispatcher(harness.deps, concurrency=8, seed=11)
    harness.clock.set(monday)
    await dispatcher.plan()
    for _ in range(30):  # drain; when only backed-off rows are left, move the clock to the next one
        await dispatcher.drain()
        async with harness.deps.context() as ctx:
            waiting, soonest = (await ctx.session.execute(select(func.count(Outbox.id), func.min(
                Outbox.next_attempt_at)).where(Outbox.status.in_(("pending", "sending"))))).one()
        if not waiting:
            break
        harness.clock.set(max(harness.clock.now(), soonest.replace(tzinfo=UTC)))

    calls = fake_slack.calls_to("chat.postMessage")
    by_channel: dict[str, list] = defaultdict(list)
    for call in calls:
        by_channel[str(call.args["channel"])].append(call)
    assert fake_slack.violations == []
    assert {c.status for c in calls} == {200, 429, 500}  # the faults really happened
    delivered = [channel for channel, tries in by_channel.items() for call in tries if call.ok]
    assert sorted(delivered) == sorted(f"DU{i:06d}" for i in range(PEOPLE))  # everyone, once
    for tries in by_channel.values():
        for refused, retry in itertools.pairwise(tries):
            if refused.status == 429:
                assert retry.at - refused.at >= 1.0  # Retry-After: 1
    statuses = {row.status for row in await harness.rows(Outbox)}
    assert statuses == {"sent"}
    rows = await harness.rows(Outbox)
    assert max(row.attempts for row in rows) > 1  # some rows needed more than one attempt
