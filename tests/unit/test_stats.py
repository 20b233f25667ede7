"""The digest's statistics and privacy helpers against values computed by hand."""
from __future__ import annotations

from collections.abc import Sequence

from handlers.insights import privacy, stats


def _trend(current: float, previous: Sequence[float | None]) -> stats.Trend:
    found = stats.trend(current, previous)
    assert found is not None
    return found


def _associate(x: Sequence[float], y: Sequence[float]) -> stats.Association:
    found = stats.associate(x, y)
    assert found is not None
    return found


def test_quality_index_combines_outcomes_and_sentiment() -> None:
    # outcome (3 + 0.5·1)/5 = 0.7; sentiment (0.2 + 1)/2 = 0.6 → 100 × (0.42 + 0.24)
    assert stats.quality_index(positive=3, mixed=1, negative=1, polarity_sum=1.2, moments=6) == 66.0
    assert stats.quality_index(0, 0, 0, polarity_sum=-1.0, moments=2) == 25.0  # no known outcome: sentiment only
    assert stats.quality_index(0, 0, 4, polarity_sum=-4.0, moments=4) == 0.0
    assert stats.quality_index(4, 0, 0, polarity_sum=4.0, moments=4) == 100.0
    assert stats.quality_index(0, 0, 0, 0.0, 0) is None


def test_trend_against_the_shown_previous_weeks() -> None:
    found = _trend(3.2, [4.0, None, 3.5, 3.9])
    assert (found.baseline, found.change, found.weeks, found.direction) == (3.8, -0.6, 3, "down")
    assert _trend(3.9, [3.8, 3.8]).direction == "steady"
    assert _trend(4.5, [3.8, 4.0]).direction == "up"
    assert stats.trend(3.0, [None, None, 4.0]) is None  # one shown week is not a baseline


def test_ranks_average_ties() -> None:
    assert stats.ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]


def test_spearman_matches_the_textbook_formula() -> None:
    # no ties: rho = 1 − 6 Σd² / (n(n² − 1)); here every d = ±1, Σd² = 6, n = 6 → 1 − 36/210
    rho = stats.spearman([1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5])
    assert rho is not None and abs(rho - (1 - 36 / 210)) < 1e-12
    assert stats.spearman([1, 2, 3, 4, 5, 6], [6, 5, 4, 3, 2, 1]) == -1.0
    assert stats.spearman([1, 2, 3], [7, 7, 7]) is None
    # Σd² = 70 = n(n²−1)/6 for n = 8 (ranks 1..8 against 4,6,2,8,1,7,3,5) → rho 0
    rho = stats.spearman(list(range(1, 9)), [4, 6, 2, 8, 1, 7, 3, 5])
    assert rho is not None and abs(rho) < 1e-12


def test_association_is_deterministic_and_honest_about_uncertainty() -> None:
    strong = _associate([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 4, 3, 6, 5, 8, 7])
    assert strong.rho == round(1 - 6 * 8 / (8 * 63), 3)  # 0.905
    # Fisher z: atanh(0.905) = 1.497; interval ± 1.96·√((1 + 0.905²/2)/5); p from z / √(1.06/5)
    assert (strong.low, strong.high, strong.p_value) == (0.428, 0.988, 0.0011)
    sentence = stats.describe(strong, lag=False)
    assert "moved together" in sentence and "does not show that one causes the other" in sentence
    weak = _associate(list(range(1, 9)), [4, 6, 2, 8, 1, 7, 3, 5])
    assert weak.rho == 0.0 and weak.low < 0 < weak.high and weak.p_value > 0.5
    assert "no clear link" in stats.describe(weak, lag=True) and "a week later" in stats.describe(weak, lag=True)
    opposite = _associate(list(range(1, 9)), list(range(8, 0, -1)))
    assert "opposite directions" in stats.describe(opposite, lag=False)
    for association in (strong, weak, opposite):
        assert "because" not in stats.describe(association, lag=False)


def test_min_group_floor_and_differencing_rule() -> None:
    assert privacy.effective_min_group(1) == 3 and privacy.effective_min_group(7) == 7
    # core is one person short of whole (and of same); identical sets reveal nothing by subtraction; a and b
    # differ by ten people
    pairs = [("core", "whole", 5, 6, 1), ("core", "same", 5, 6, 1), ("whole", "same", 6, 6, 0), ("a", "b", 10, 10, 10)]
    gaps = privacy.overlap_gaps(pairs, cap=5)
    assert gaps == {"core": 1, "b": 5}
    assert [g for g in gaps if privacy.withheld_by_gap(gaps[g], 5)] == ["core"]
    assert not privacy.may_differ_too_little(20, 20, 1, 5) and privacy.may_differ_too_little(6, 5, 5, 5)


def test_quotes_are_cleaned_cut_and_one_per_author() -> None:
    long = "word " * 60
    assert len(privacy.clean_excerpt(long)) <= 140 and privacy.clean_excerpt(long).endswith("…")
    chosen = privacy.choose_quotes([(1, 0.9, "great"), (1, 0.8, "also great"), (2, -0.7, "bad"), (3, 0.5, "fine")],
                                   authors=5, min_group=5)
    assert [(q.tone, q.text) for q in chosen] == [("positive", "great"), ("negative", "bad"), ("positive", "fine")]
    assert privacy.choose_quotes([(1, 0.9, "great")], authors=4, min_group=5) == ()


def test_a_quote_that_cleans_to_nothing_gives_way_to_the_next() -> None:
    chosen = privacy.choose_quotes([(1, 0.9, "**  __"), (2, 0.6, "*Fast* fix"), (3, -0.4, "~~~"), (4, -0.2, "Slow")],
                                   authors=5, min_group=5)
    assert [(q.tone, q.text) for q in chosen] == [("positive", "Fast fix"), ("negative", "Slow")]


def test_pooled_within_team_matches_a_hand_computed_panel() -> None:
    """Three teams of four (mood, CSAT a week later) pairs, each compared with its own mean mood."""
    panel = [
        [(3.0, 70.0), (4.0, 80.0), (3.5, 74.0), (4.5, 90.0)],  # mean 3.75: above 85.0, below 72.0 → +13.0
        [(2.0, 60.0), (2.5, 58.0), (3.5, 66.0), (3.0, 62.0)],  # mean 2.75: above 64.0, below 59.0 → +5.0
        [(4.0, 88.0), (4.2, 84.0), (3.8, 90.0), (4.4, 86.0)],  # mean 4.1: above 85.0, below 89.0 → −4.0
    ]
    effect = stats.pooled_within_team(panel)
    assert effect is not None
    assert (effect.difference, effect.teams, effect.weeks) == (round((13 + 5 - 4) / 3, 1), 3, 12)
    assert effect.low <= effect.difference <= effect.high
    assert effect.low >= -4.0 and effect.high <= 13.0  # a mean of resampled team differences stays within them
    assert stats.pooled_within_team(panel) == effect  # fixed seed: the same history, the same interval
    words = stats.describe_pooled(effect)
    assert "higher by 4.7 points" in words and "not that one causes the other" in words


def test_pooled_within_team_needs_enough_teams_with_both_kinds_of_weeks() -> None:
    steady = [(3.0, 70.0)] * 5  # never above its own mean: says nothing
    short = [(3.0, 70.0), (4.0, 80.0), (5.0, 90.0)]  # three pairs only
    good = [(3.0, 70.0), (4.0, 80.0), (3.5, 74.0), (4.5, 90.0)]
    assert stats.pooled_within_team([good, good, steady, short]) is None
    assert stats.pooled_within_team([good, good, good]) is not None
