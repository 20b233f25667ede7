"""What followed an action, as the digest words it, and its section within each channel's limits."""
from __future__ import annotations

from dataclasses import replace

from bot.slack.render import message_payload
from bot.teams.render import card_for
from handlers.insights import stats
from handlers.insights.effects import MAX_ACTIONS, effect_of
from handlers.messages import DigestMessage
from tests.support.digest_samples import full_digest, sample_actions
from tests.unit.test_slack_digest import limit_problems, mrkdwn_texts
from tests.unit.test_teams_cards import problems

HOSTILE = "<!channel> **Fridays** <https://evil.example|click> & <@U1> " + "x" * 2900


def test_a_clear_rise_a_wave_and_too_few_weeks() -> None:
    up = effect_of("mood", [3.0, 3.1, 2.9, 3.0], [4.0, 4.1, 3.9, 4.0])
    assert (up.verdict, up.difference, up.weeks_before, up.weeks_after) == ("higher", 1.0, 4, 4)
    assert up.low is not None and up.high is not None and 0.8 < up.low < 1.0 < up.high < 1.2
    assert up.statement.startswith("Mood was higher by 1.00 (likely between +0.")
    assert up.statement.endswith("in the 4 shown weeks after than the 4 before; it may be for other reasons.")
    down = effect_of("csat", [80.0, 82.0, 81.0], [70.0, 71.0])
    assert down.verdict == "lower" and "CSAT was lower by 10.5 points" in down.statement
    wave = effect_of("mood", [3.0, 4.0, 3.0, 4.0], [4.0, 3.0, 4.0, 3.0])
    assert wave.verdict == "cant_tell" and wave.difference == 0.0 and "could easily be chance" in wave.statement
    early = effect_of("mood", [3.0] * 4, [5.0])
    assert (early.verdict, early.difference) == ("too_early", None) and "Too early to tell" in early.statement
    withheld_after = effect_of("mood", [3.0] * 4, [5.0], elapsed=4)  # 3 of the 4 weeks after withheld
    assert withheld_after.verdict == "cant_tell" and withheld_after.difference is None
    assert "1 shown week of mood after the action and 4 before" in withheld_after.statement
    no_base = effect_of("customer_quality", [60.0], [70.0, 71.0])
    assert no_base.verdict == "cant_tell" and no_base.difference is None and "before the action" in no_base.statement


def test_did_not_change_only_when_the_difference_and_interval_are_zero_at_the_shown_precision() -> None:
    level = effect_of("participation", [100.0] * 4, [100.0] * 4)
    assert (level.verdict, level.difference, level.low, level.high) == ("unchanged", 0.0, 0.0, 0.0)
    assert level.statement == ("Participation did not change: the same in the 4 shown weeks after as in the 4 "
                               "before.")
    assert "Can't tell" not in level.statement and "because" not in level.statement
    assert effect_of("mood", [3.0] * 3, [3.001, 3.002]).verdict == "unchanged"  # 3.00 either side as shown
    one_dip = effect_of("participation", [100.0, 100.0, 100.0, 83.3], [100.0] * 4)  # spans 0: still can't tell
    assert one_dip.verdict == "cant_tell" and one_dip.low == 0.0 and one_dip.difference == 4.2
    assert one_dip.statement.startswith("Can't tell: participation changed by +4.2")


def test_an_interval_that_reaches_zero_at_the_shown_precision_cant_tell() -> None:
    """The bootstrap's lower end is +0.0025 here, shown as +0.00: the verdict goes by what is shown, so the digest
    never says "higher ... (likely between +0.00 and +0.18)"."""
    before, after = [3.5, 3.39, 3.31, 3.42], [3.5, 3.6, 3.46, 3.43]
    raw = stats.before_after(before, after)
    assert raw is not None and 0 < raw.low < 0.005
    edge = effect_of("mood", before, after)
    assert (edge.verdict, edge.low) == ("cant_tell", 0.0)
    assert edge.statement.startswith("Can't tell: mood changed by +0.09")
    assert "likely between +0.00 and +0.18" in edge.statement


def test_the_interval_is_the_fixed_seed_bootstrap_so_the_same_weeks_give_the_same_words() -> None:
    first = stats.before_after([3.0, 3.4, 2.8], [3.9, 3.5, 4.2])
    assert first == stats.before_after([3.0, 3.4, 2.8], [3.9, 3.5, 4.2]) and first is not None
    assert first.low < first.difference < first.high
    assert stats.before_after([], [4.0]) is None


def test_many_hostile_actions_stay_within_slack_and_teams_limits_and_are_escaped() -> None:
    [measured, *_] = sample_actions()
    actions = tuple(replace(measured, number=n, text=HOSTILE, outcome=HOSTILE) for n in range(1, MAX_ACTIONS + 1))
    message = DigestMessage(report=replace(full_digest(), actions=actions), chart_png=b"png", chart_alt="chart")
    payload = message_payload(message)
    assert limit_problems(payload["blocks"]) == []
    assert payload["blocks"][-1]["type"] == "context" and "individual answers are never shown" in str(
        payload["blocks"][-1])  # the privacy footer is not cut off by the actions
    assert not any("<!channel>" in t or "<https://evil" in t for t in mrkdwn_texts(payload))
    card = card_for(message)
    assert card is not None and problems(card) == []
    assert any(run.get("text", "").startswith("Support: #1 <!channel> **Fridays**")
               for element in card["body"] if element["type"] == "RichTextBlock" for run in element["inlines"])
