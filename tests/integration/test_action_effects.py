"""What followed an action, in the digests after it, on SQLite and PostgreSQL: seeded histories with a known
effect, none, one too recent; withheld weeks never used; the curious manager learns nothing a shown week
did not already say; the organisation view lists every team's actions for admins."""
from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import jsonschema

from handlers.insights import stats
from handlers.insights.report import EffectFigure, TeamDigest
from storage.calendar import iso_week_bounds
from tests.integration.digest_seed import after, make_team, seed_moments, seed_moods

SIX = ("amy", "ben", "cat", "dan", "eve", "fay")
FIVE = SIX[:5]
OTHERS = ("gus", "hal", "ivy", "jon", "kim")


def _midweek(iso_week: str) -> datetime:
    return datetime.combine(iso_week_bounds(iso_week)[0] + timedelta(days=2), time(10), tzinfo=UTC)


async def _history(harness, team: str, people: tuple[str, ...], before: list[list[int]],
                   after_: list[list[int]], first: int = 38) -> None:
    """Weeks W{first}.. of mood (one list of per-person scores per week), the action's week W{first+len(before)}
    without answers in between."""
    for k, scores in enumerate(before):
        await seed_moods(harness, f"2026-W{first + k}", dict(zip(people, scores, strict=False)))
    for k, scores in enumerate(after_):
        await seed_moods(harness, f"2026-W{first + len(before) + 1 + k}", dict(zip(people, scores, strict=False)))


async def _add_action(harness, manager: str, week: str, text: str, team: str = "") -> None:
    harness.clock.set(_midweek(week))
    reply = await harness.say(manager, f"tandem action add {team + ' ' if team else ''}{text}")
    assert "recorded" in reply, reply


def _effects(report: TeamDigest) -> dict[str, EffectFigure]:
    [action] = report.actions
    return {e.measure: e for e in action.effects}


async def test_mood_clearly_up_after_the_action_reads_higher_by_with_its_interval(harness) -> None:
    await make_team(harness, "Support", FIVE, "mia")
    await _history(harness, "Support", FIVE, [[3, 3, 3, 3, 2], [3, 3, 3, 3, 3], [3, 3, 3, 2, 3], [3, 3, 3, 3, 4]],
                   [[4, 4, 4, 4, 3], [4, 4, 4, 4, 4], [4, 4, 4, 5, 4], [4, 4, 4, 4, 4]])  # action W42, after W43-46
    for week in ("2026-W37", "2026-W41", "2026-W44"):  # moments by all five: customer quality shown too
        await seed_moments(harness, "Support", week, [(u, "positive", 0.5, None, "ok") for u in FIVE])
    await _add_action(harness, "mia", "2026-W42", "No meetings on Fridays")
    harness.clock.set(after("2026-W46"))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    report = message.report
    assert report.iso_week == "2026-W46"
    [action] = report.actions
    assert (action.number, action.text, action.iso_week, action.status) == (1, "No meetings on Fridays", "2026-W42",
                                                                             "open")
    assert action.answered is None and action.helps is None  # nobody answered: no totals
    mood = _effects(report)["mood"]
    assert (mood.verdict, mood.weeks_before, mood.weeks_after) == ("higher", 4, 4)
    assert mood.low is not None and mood.high is not None
    assert mood.difference == 1.05 and 0 < mood.low <= 1.05 <= mood.high  # 4.00 after − 2.95 before
    assert "Mood was higher by 1.05" in mood.statement and "it may be for other reasons" in mood.statement
    assert "caused" not in mood.statement and "because" not in mood.statement
    # participation is the same every week (5 of 5): measured, and it did not change
    assert _effects(report)["participation"].verdict == "unchanged"
    quality = _effects(report)["customer_quality"]  # one shown week each side: not enough to tell
    assert (quality.verdict, quality.weeks_before, quality.weeks_after, quality.difference) == ("cant_tell", 1, 1,
                                                                                               None)
    assert "csat" not in _effects(report)  # no helpdesk ratings around the action: nothing to say
    # the figures are the digest's own shown weeks, nothing else
    shown = {p.iso_week: p.mood for p in report.history}
    expected = stats.before_after([shown[f"2026-W{n}"] for n in range(38, 42)],
                                  [shown[f"2026-W{n}"] for n in range(43, 47)])
    assert expected is not None and round(expected.difference, 2) == mood.difference
    text = (await harness.say("mia", "tandem digest"))
    assert "Actions and what followed" in text and "#1 No meetings on Fridays (from 2026-W42; open)" in text
    assert "Mood: Mood was higher by 1.05" in text


async def _digest_after_a_wave(harness) -> TeamDigest:
    """Everyone answers 3, 4, 3, 4 in the 4 weeks before an action of W42 and again in the 4 after: a mood with no
    direction, and participation 5 of 5 in every week."""
    await make_team(harness, "Support", FIVE, "mia")
    wave = [[3] * 5, [4] * 5, [3] * 5, [4] * 5]
    await _history(harness, "Support", FIVE, wave, wave)
    await _add_action(harness, "mia", "2026-W42", "Quiet hours")
    harness.clock.set(after("2026-W46"))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    return message.report


async def test_no_effect_reads_cant_tell(harness) -> None:
    mood = _effects(await _digest_after_a_wave(harness))["mood"]
    assert (mood.verdict, mood.difference, mood.weeks_before, mood.weeks_after) == ("cant_tell", 0.0, 4, 4)
    assert mood.low is not None and mood.high is not None
    assert mood.low < 0 < mood.high and mood.statement.startswith("Can't tell: mood changed by +0.00")


async def test_a_figure_the_same_in_every_shown_week_reads_did_not_change(harness) -> None:
    """Participation is 5 of 5 in every week (as in the demo): the interval is zero-wide at zero, so the digest says
    plainly that it did not change, not "can't tell ... between +0.0 and +0.0"; mood's wave still can't be told."""
    effects = _effects(await _digest_after_a_wave(harness))
    participation = effects["participation"]
    assert (participation.verdict, participation.difference, participation.low, participation.high,
            participation.weeks_before, participation.weeks_after) == ("unchanged", 0.0, 0.0, 0.0, 4, 4)
    assert effects["mood"].verdict == "cant_tell"
    text = await harness.say("mia", "tandem digest")
    assert ("Participation: Participation did not change: the same in the 4 shown weeks after as in the 4 before."
            in text)
    assert "Can't tell: participation" not in text and "+0.0 and +0.0" not in text
    assert "Mood: Can't tell: mood changed by +0.00" in text


async def test_one_week_after_is_too_early_to_tell_and_an_action_after_the_week_is_not_shown(harness) -> None:
    await make_team(harness, "Support", FIVE, "mia")
    await _history(harness, "Support", FIVE, [[3] * 5] * 4, [[5] * 5], first=41)  # action W45, after: W46
    await _add_action(harness, "mia", "2026-W45", "Pair on hard calls")
    await _add_action(harness, "mia", "2026-W47", "Recorded after the digest's week")
    harness.clock.set(after("2026-W47"))  # W47's digest is for W47; ask for W46's
    [message] = (await harness.reply("mia", "tandem digest Support 2026-W46")).messages
    assert [a.number for a in message.report.actions] == [1]
    mood = _effects(message.report)["mood"]
    assert (mood.verdict, mood.weeks_after, mood.difference) == ("too_early", 1, None)
    assert mood.statement.startswith("Too early to tell")


async def test_withheld_weeks_are_skipped_and_one_persons_answer_there_moves_nothing(harness) -> None:
    """The curious manager of a team at min_group: a week with four answers (one short) is withheld from the
    digest and so from the before/after figures, whatever the four said."""
    await make_team(harness, "Support", FIVE, "mia")
    await make_team(harness, "Sales", OTHERS, "max")
    shown_before = [[3] * 5, [3, 3, 3, 3, 2], [3, 4, 3, 3, 3]]
    later = [[4] * 5, [4, 4, 5, 4, 4], [4] * 5, [4] * 5]
    for people, withheld_score in ((FIVE, 1), (OTHERS, 5)):
        for k, scores in enumerate(shown_before):
            await seed_moods(harness, f"2026-W{38 + k}", dict(zip(people, scores, strict=False)))
        await seed_moods(harness, "2026-W41", dict.fromkeys(people[:4], withheld_score))  # 4 < min_group 5
        for k, scores in enumerate(later):
            await seed_moods(harness, f"2026-W{43 + k}", dict(zip(people, scores, strict=False)))
    await _add_action(harness, "mia", "2026-W42", "Fewer tickets each")
    await _add_action(harness, "max", "2026-W42", "Fewer tickets each")
    harness.clock.set(after("2026-W46"))
    reports = {m.report.team: m.report for m in (await harness.reply("ada", "tandem digest")).messages}
    support, sales = reports["Support"], reports["Sales"]
    [organisation] = [r for r in reports.values() if r.scope == "organisation"]
    assert [p.mood for p in support.history if p.iso_week == "2026-W41"] == [None]
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "digest.schema.json").read_text("utf-8"))
    for report in reports.values():
        jsonschema.validate(json.loads(json.dumps(report.to_json())), schema)
    mood = _effects(support)["mood"]
    assert (mood.verdict, mood.weeks_before, mood.weeks_after) == ("higher", 3, 4)
    assert _effects(support)["mood"] == _effects(sales)["mood"]
    # organisation view (admins): both teams' actions, each with its team and measured effect
    assert [(a.team, a.number) for a in organisation.actions] == [("Sales", 1), ("Support", 1)]
    assert all(a.effects[0].verdict == "higher" for a in organisation.actions)
    # a manager's own digest shows only their team's actions
    [mine] = (await harness.reply("max", "tandem digest")).messages
    assert [a.team for a in mine.report.actions] == [None] and mine.report.team == "Sales"


async def test_feedback_totals_show_only_at_min_group_and_as_of_the_weeks_end(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await _history(harness, "Support", SIX, [[3] * 6] * 4, [[4] * 6] * 2)  # action W42; after W43, W44
    await _add_action(harness, "mia", "2026-W42", "No meetings on Fridays")
    harness.clock.set(_midweek("2026-W43"))
    for user in ("amy", "ben", "cat", "dan"):
        await harness.say(user, "tandem action helps 1")
    harness.clock.set(after("2026-W44", days=1))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    assert message.report.iso_week == "2026-W44"
    [action] = message.report.actions
    assert (action.answered, action.helps) == (None, None)  # four answers < min_group 5
    harness.clock.set(_midweek("2026-W45"))
    await harness.say("eve", "tandem action no-help 1")  # this week: not counted in W44's or W45's totals yet
    [message] = (await harness.reply("mia", "tandem digest Support 2026-W44")).messages
    assert (message.report.actions[0].answered, message.report.actions[0].helps) == (None, None)
    harness.clock.set(after("2026-W45", days=1))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    assert message.report.iso_week == "2026-W45"
    assert (message.report.actions[0].answered, message.report.actions[0].helps) == (5, 4)


async def test_overlapping_teams_the_smaller_teams_withheld_weeks_give_no_before_after(harness) -> None:
    """Sales is Support minus one person: comparing the two would show that person's answer, so Sales' weeks are
    withheld (the overlap rule) and its action's before/after says nothing; Support's is measured."""
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Sales", FIVE, "max")
    await _history(harness, "Support", SIX, [[3] * 6, [3, 3, 3, 3, 3, 2], [3] * 6, [3] * 6],
                   [[4] * 6, [4, 4, 4, 4, 4, 5], [4] * 6, [4] * 6])
    await _add_action(harness, "mia", "2026-W42", "Fewer tickets each", "Support")
    await _add_action(harness, "max", "2026-W42", "Fewer tickets each", "Sales")
    harness.clock.set(after("2026-W46"))
    reports = {m.report.team: m.report for m in (await harness.reply("ada", "tandem digest")).messages}
    assert all(p.mood is None for p in reports["Sales"].history[-9:])
    sales = _effects(reports["Sales"])
    assert set(sales) == {"mood"} and sales["mood"].difference is None and sales["mood"].weeks_after == 0
    assert sales["mood"].verdict == "cant_tell" and "weeks with too few answers are left out" in sales["mood"].statement
    assert _effects(reports["Support"])["mood"].verdict == "higher"
    [mine] = (await harness.reply("max", "tandem digest")).messages
    assert "higher by" not in " ".join(e.statement for a in mine.report.actions for e in a.effects)


async def test_an_actions_week_is_the_recorders_local_week_not_the_utc_one(harness) -> None:
    """Monday 00:30 in Auckland is still Sunday in UTC, Sunday 23:30 in Los Angeles already Monday: each action
    belongs to the local week it was recorded in, like every answer and moment the digest counts."""
    await make_team(harness, "Support", FIVE, "mia")
    await make_team(harness, "Sales", OTHERS, "max")
    for people in (FIVE, OTHERS):
        await _history(harness, "", people, [[3] * 5] * 4, [[4] * 5] * 2, first=37)  # W37-W40, W42-W43
    auckland, los_angeles = "Pacific/Auckland", "America/Los_Angeles"
    harness.clock.set(datetime(2026, 10, 11, 11, 30, tzinfo=UTC))  # Mon 12 Oct 00:30 NZDT, W42 there; W41 in UTC
    assert "recorded" in await harness.say("mia", "tandem action add Quiet Mondays", timezone=auckland)
    harness.clock.set(datetime(2026, 10, 12, 6, 30, tzinfo=UTC))  # Sun 11 Oct 23:30 PDT, W41 there; W42 in UTC
    assert "recorded" in await harness.say("max", "tandem action add Fewer calls", timezone=los_angeles)
    assert "(since 2026-10-12; open)" in await harness.say("mia", "tandem action list", timezone=auckland)
    assert "(since 2026-10-11; open)" in await harness.say("max", "tandem action list", timezone=los_angeles)
    harness.clock.set(after("2026-W43"))

    async def listed(manager: str, zone: str, week: str) -> list[str]:
        [message] = (await harness.reply(manager, f"tandem digest {week}", timezone=zone)).messages
        return [a.iso_week for a in message.report.actions]

    assert await listed("mia", auckland, "2026-W41") == []
    assert await listed("mia", auckland, "2026-W42") == ["2026-W42"]
    assert await listed("max", los_angeles, "2026-W41") == ["2026-W41"]
    [message] = (await harness.reply("max", "tandem digest", timezone=los_angeles)).messages
    [action] = message.report.actions  # W42 and W43 after it, W37-W40 before: measured around local W41
    assert (action.iso_week, _effects(message.report)["mood"].weeks_after) == ("2026-W41", 2)
