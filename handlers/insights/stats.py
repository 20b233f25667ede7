"""The digest's statistics, small and deterministic: quality index, trend, rank correlation with uncertainty.

Everything here works on weekly figures that already passed the privacy rules, never on rows. Plain
Python (no scipy): the same data always gives the same sentence.
"""
from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

OUTCOME_WEIGHT = 0.6
SENTIMENT_WEIGHT = 0.4
STEADY_BAND = 0.2  # a mood change smaller than this (on the 1–5 scale) reads as "steady"
CSAT_STEADY = 3.0  # CSAT points (0-100) within which a week counts as steady


def quality_index(positive: int, mixed: int, negative: int, polarity_sum: float, moments: int) -> float | None:
    """Customer-interaction quality, 0–100.

    100 × (0.6 × outcome score + 0.4 × sentiment score), where outcome score = (positive + 0.5 × mixed)
    / moments with a known outcome, and sentiment score = (mean polarity + 1) / 2 over all moments.
    Without any known outcome the index is 100 × sentiment score. None without moments.
    """
    if moments <= 0:
        return None
    sentiment_score = (polarity_sum / moments + 1.0) / 2.0
    known = positive + mixed + negative
    if known == 0:
        return round(100.0 * sentiment_score, 1)
    outcome_score = (positive + 0.5 * mixed) / known
    return round(100.0 * (OUTCOME_WEIGHT * outcome_score + SENTIMENT_WEIGHT * sentiment_score), 1)


@dataclass(frozen=True)
class Trend:
    """This week's mood against the mean of the previous weeks' (shown) weekly means."""

    baseline: float
    change: float
    weeks: int
    direction: str  # up | down | steady


def trend(current: float, previous: Sequence[float | None], min_weeks: int = 2,
          band: float = STEADY_BAND) -> Trend | None:
    """None when fewer than `min_weeks` of the previous weeks have a shown figure; `band`: what counts as
    steady on the figure's scale (mood: STEADY_BAND on 1-5; CSAT: CSAT_STEADY points on 0-100)."""
    shown = [v for v in previous if v is not None]
    if len(shown) < min_weeks:
        return None
    baseline = sum(shown) / len(shown)
    change = current - baseline
    direction = "steady" if abs(change) < band else ("up" if change > 0 else "down")
    return Trend(baseline=round(baseline, 2), change=round(change, 2), weeks=len(shown), direction=direction)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties getting the mean of the ranks they span (as Spearman's rho needs)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and values[order[end]] == values[order[start]]:
            end += 1
        mean_rank = (start + end + 1) / 2
        for index in order[start:end]:
            result[index] = mean_rank
        start = end
    return result


def _pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx <= 0 or syy <= 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rank correlation (Pearson on tie-averaged ranks); None if either side is constant."""
    if len(x) != len(y) or len(x) < 2:
        return None
    return _pearson(ranks(x), ranks(y))


@dataclass(frozen=True)
class Association:
    """How two weekly series moved together, with the uncertainty a reader needs."""

    rho: float
    low: float  # 95% interval
    high: float
    p_value: float  # two-sided, against "no association"
    weeks: int


Z_95 = 1.959963984540054
RHO_CAP = 0.9999  # atanh(±1) is infinite; a perfect rank agreement is treated as 0.9999


def associate(x: Sequence[float], y: Sequence[float]) -> Association | None:
    """Spearman's rho with a 95% interval and a p-value from Fisher's z-transform.

    Interval: tanh(atanh(rho) ± 1.96·√((1 + rho²/2)/(n − 3))) (Bonett & Wright 2000, for Spearman);
    p-value: normal test of atanh(rho) with variance 1.06/(n − 3) (Fieller, Hartley & Pearson 1957).
    Closed forms rather than resampling: deterministic, and ~µs per team, so 400 teams' digests stay
    within a few times the cost of one grouped SQL query. None when rho is undefined or n < 4.
    """
    rho = spearman(x, y)
    n = len(x)
    if rho is None or n < 4:
        return None
    capped = max(-RHO_CAP, min(RHO_CAP, rho))
    z = math.atanh(capped)
    half = Z_95 * math.sqrt((1 + capped * capped / 2) / (n - 3))
    low, high = math.tanh(z - half), math.tanh(z + half)
    p_value = math.erfc(abs(z) / math.sqrt(1.06 / (n - 3)) / math.sqrt(2))
    return Association(rho=round(rho, 3), low=round(low, 3), high=round(high, 3), p_value=round(p_value, 4),
                       weeks=n)


def p_words(p_value: float) -> str:
    """The p-value as a reader meets it: two decimals, or "p < 0.01" rather than a misleading "p = 0.00"."""
    return "p < 0.01" if p_value < 0.01 else f"p = {p_value:.2f}"


def describe(association: Association, *, lag: bool, subject: str = "the team",
             what: str = "customer interactions") -> str:
    """The association in plain words: never a claim that one causes the other."""
    when = ("weeks with better mood were followed a week later by better" if lag
            else "weeks with better mood were also weeks with better")
    when_down = ("weeks with better mood were followed a week later by worse" if lag
                 else "weeks with better mood were weeks with worse")
    figures = (f"rank correlation {association.rho:+.2f}, 95% interval {association.low:+.2f} to "
               f"{association.high:+.2f}, {p_words(association.p_value)}, {association.weeks} weeks")
    clear = association.p_value < 0.05
    if clear and association.low > 0:
        return (f"For {subject}, {when} {what} ({figures}). They moved together; "
                "this does not show that one causes the other.")
    if clear and association.high < 0:
        return (f"For {subject}, {when_down} {what} ({figures}). They moved in opposite "
                "directions; this does not show that one causes the other.")
    return (f"For {subject}, no clear link between mood and {what}"
            f"{' a week later' if lag else ' in the same week'} ({figures}): "
            "a link this size could easily arise by chance.")


def mean_sd(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (0 for fewer than two values)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


POOLED_MIN_TEAMS = 3  # teams with enough weeks before a pooled within-team estimate is stated
POOLED_MIN_PAIRS = 4  # a team's (mood, CSAT a week later) pairs, with weeks both above and below its own mean
BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20261203  # fixed: the same history gives the same interval on every build


@dataclass(frozen=True)
class PooledEffect:
    """Across teams: how much higher CSAT was a week after a team's above-its-own-average mood weeks."""

    difference: float  # CSAT points
    low: float  # 95% bootstrap interval over teams
    high: float
    teams: int
    weeks: int  # team-weeks used


def _team_difference(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Mean next-week CSAT after the team's above-average mood weeks minus after the others (None: one-sided)."""
    if len(pairs) < POOLED_MIN_PAIRS:
        return None
    mean_mood = sum(m for m, _ in pairs) / len(pairs)
    above = [c for m, c in pairs if m > mean_mood]
    below = [c for m, c in pairs if m <= mean_mood]
    if not above or not below:
        return None
    return sum(above) / len(above) - sum(below) / len(below)


def pooled_within_team(teams: Sequence[Sequence[tuple[float, float]]]) -> PooledEffect | None:
    """Each team compared with itself (its weeks above vs at-or-below its own mean mood, CSAT one week
    later), averaged over teams with equal weight; the interval resamples whole teams, so one team's
    many weeks cannot narrow it. None below POOLED_MIN_TEAMS usable teams."""
    usable = [(d, len(p)) for p in teams if (d := _team_difference(p)) is not None]
    if len(usable) < POOLED_MIN_TEAMS:
        return None
    differences = [d for d, _ in usable]
    rng = random.Random(BOOTSTRAP_SEED)
    draws = sorted(sum(rng.choices(differences, k=len(differences))) / len(differences)
                   for _ in range(BOOTSTRAP_DRAWS))
    low, high = draws[int(0.025 * BOOTSTRAP_DRAWS)], draws[int(0.975 * BOOTSTRAP_DRAWS) - 1]
    return PooledEffect(difference=round(sum(differences) / len(differences), 1), low=round(low, 1),
                        high=round(high, 1), teams=len(usable), weeks=sum(n for _, n in usable))


def describe_pooled(effect: PooledEffect) -> str:
    """The pooled estimate in plain words, with its uncertainty, never as a cause."""
    direction = "higher" if effect.difference >= 0 else "lower"
    certain = ("the interval excludes no difference" if effect.low > 0 or effect.high < 0
               else "the interval includes no difference, so this could be chance")
    return (f"Across {effect.teams} teams, in weeks when a team's mood was above its own average, its CSAT the "
            f"following week was {direction} by {abs(effect.difference):.1f} points (95% interval "
            f"{effect.low:+.1f} to {effect.high:+.1f}, from {effect.weeks} team-weeks; {certain}). This describes "
            "how they moved together, not that one causes the other.")


BEFORE_AFTER_WEEKS = 4  # whole weeks each side of an action's week (handlers/insights/effects.py)


@dataclass(frozen=True)
class BeforeAfter:
    """A weekly figure's mean in the weeks after an action minus the weeks before, with a 95% interval."""

    before: float
    after: float
    difference: float
    low: float
    high: float
    weeks_before: int
    weeks_after: int


def before_after(before: Sequence[float], after: Sequence[float]) -> BeforeAfter | None:
    """The same bootstrap as pooled_within_team (fixed seed, BOOTSTRAP_DRAWS, percentile interval), here
    resampling whole weeks within each side, so the interval only reflects how much the shown weeks vary.
    None when either side is empty."""
    if not before or not after:
        return None
    rng = random.Random(BOOTSTRAP_SEED)
    draws = sorted(sum(rng.choices(after, k=len(after))) / len(after)
                   - sum(rng.choices(before, k=len(before))) / len(before) for _ in range(BOOTSTRAP_DRAWS))
    mean_before, mean_after = sum(before) / len(before), sum(after) / len(after)
    return BeforeAfter(before=mean_before, after=mean_after, difference=mean_after - mean_before,
                       low=draws[int(0.025 * BOOTSTRAP_DRAWS)], high=draws[int(0.975 * BOOTSTRAP_DRAWS) - 1],
                       weeks_before=len(before), weeks_after=len(after))
