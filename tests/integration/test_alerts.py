"""Drop alerts: judged on whole weeks, queued once per episode to each manager, no individual answers."""
from __future__ import annotations

from bot.delivery.dispatcher import Dispatcher
from handlers.delivery.outgoing import prepare
from handlers.insights.alerts import plan_alerts
from handlers.messages import Text
from storage.models import AlertEpisode, Outbox
from tests.integration.digest_seed import after, give_emails, make_team, rate, seed_moods

SIX = ("amy", "ben", "cat", "dan", "eve", "fay")
BASELINE = [f"2026-W{n}" for n in range(39, 47)]  # eight weeks before W47


async def _alerts(harness) -> list[Outbox]:
    return sorted((r for r in await harness.rows(Outbox) if r.kind == "alert"), key=lambda r: r.id)


async def _tick(harness, when) -> None:
    harness.clock.set(when)
    await Dispatcher(harness.deps).plan()  # the scheduling tick's planning; alerts are planned at its end


async def test_a_mood_drop_alerts_each_manager_once_per_episode(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await harness.join("max")
    await harness.say("ada", "tandem team manager Support @max")
    for week in BASELINE:
        await seed_moods(harness, week, dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX, 3))
    await _tick(harness, after("2026-W47", days=1))  # Monday 09:00: Sunday's check-ins are still open
    assert await _alerts(harness) == []
    await _tick(harness, after("2026-W47", days=2))
    first = await _alerts(harness)
    assert sorted(r.person_id for r in first) == sorted({r.person_id for r in first}) and len(first) == 2
    assert {r.payload["kind"] for r in first} == {"low_mood"}
    await _tick(harness, after("2026-W47", days=3))  # the next minute, hour, day: nothing new
    async with harness.deps.context() as ctx:
        assert await plan_alerts(ctx, after("2026-W47", days=3)) == 0
    async with harness.deps.context() as ctx:
        prepared = await prepare(ctx, first[0])
    assert not isinstance(prepared, str), prepared
    assert isinstance(prepared.message, Text)
    assert "averaged 3.00 out of 5, well below its usual 4.00" in prepared.message.body
    assert "amy" not in prepared.message.body.lower()

    await seed_moods(harness, "2026-W48", dict.fromkeys(SIX, 3))  # still low: the same episode
    await _tick(harness, after("2026-W48", days=2))
    assert len(await _alerts(harness)) == 2
    await seed_moods(harness, "2026-W49", dict.fromkeys(SIX, 4))  # recovered: the episode ends
    await _tick(harness, after("2026-W49", days=2))
    await seed_moods(harness, "2026-W50", dict.fromkeys(SIX, 2))  # a new drop: a new episode, a new alert
    await _tick(harness, after("2026-W50", days=2))
    alerts = await _alerts(harness)
    assert len(alerts) == 4 and len({r.payload["episode"] for r in alerts}) == 2
    episodes = await harness.rows(AlertEpisode)
    assert [(e.started_week, e.last_week, e.ended_week) for e in episodes] == [
        ("2026-W47", "2026-W48", "2026-W49"), ("2026-W50", "2026-W50", None)]


async def test_a_downward_streak_alerts(harness) -> None:
    await make_team(harness, "Support", SIX[:5], "mia")
    for week in BASELINE[:5]:
        await seed_moods(harness, week, dict.fromkeys(SIX[:5], 4))
    for week, threes in (("2026-W44", 1), ("2026-W45", 2), ("2026-W46", 3), ("2026-W47", 4)):
        await seed_moods(harness, week, {u: 3 if i < threes else 4 for i, u in enumerate(SIX[:5])})
    await _tick(harness, after("2026-W47", days=2))
    kinds = {r.payload["kind"]: r for r in await _alerts(harness)}
    assert "mood_streak" in kinds
    assert "3.80 → 3.60 → 3.40 → 3.20" in kinds["mood_streak"].payload["text"]


async def test_participation_collapse_alerts_without_revealing_the_few_answers(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    for week in BASELINE:
        await seed_moods(harness, week, dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W47", {"amy": 1, "ben": 1})  # two answers: too few to show their mood
    await _tick(harness, after("2026-W47", days=2))
    [alert] = await _alerts(harness)
    text = alert.payload["text"]
    assert alert.payload["kind"] == "participation" and "only 2 of 6 people answered" in text and "100%" in text
    assert "mood averaged" not in text and "1.0" not in text


async def test_a_steady_team_gets_no_alert(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    for week in [*BASELINE, "2026-W47"]:
        await seed_moods(harness, week, dict.fromkeys(SIX, 4))
    await _tick(harness, after("2026-W47", days=2))
    assert await _alerts(harness) == []


async def test_a_csat_drop_alerts_once_without_naming_an_agent(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await give_emails(harness, *SIX)
    for week in BASELINE:
        await seed_moods(harness, week, dict.fromkeys(SIX, 4))
        await rate(harness, week, {agent: ["good"] * 9 + ["bad"] for agent in SIX})  # 90%
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX, 4))  # mood steady, customers unhappy
    await rate(harness, "2026-W47", {agent: ["good"] * 6 + ["bad"] * 4 for agent in SIX})  # 60%
    await _tick(harness, after("2026-W47", days=2))
    [alert] = await _alerts(harness)
    assert alert.payload["kind"] == "low_csat"
    async with harness.deps.context() as ctx:
        prepared = await prepare(ctx, alert)
    assert not isinstance(prepared, str) and isinstance(prepared.message, Text)
    assert "60% of customers' helpdesk ratings were satisfied, well below the team's usual 90%" in prepared.message.body
    assert "60 ratings of 6 agents" in prepared.message.body and "amy" not in prepared.message.body.lower()
    await _tick(harness, after("2026-W47", days=3))
    assert len(await _alerts(harness)) == 1
