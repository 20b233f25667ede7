"""What followed each team action: the digest's own shown weekly figures before vs after the action's week.

Only figures a digest shows go in (WeekView.point applies every privacy rule: min_group, overlap), so the
before/after numbers are a function of weekly aggregates already visible in earlier digests and can't be
used to recover a withheld week or one person's answer. The action's own week is left out of both sides.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from handlers.action_feedback import feedback_shown
from handlers.actions import week_cutoff
from handlers.context import Ctx
from handlers.insights import stats, wording
from handlers.insights.report import ActionEffect, EffectFigure, WeekPoint
from handlers.insights.weeks import WeekView
from storage import actions as action_store
from storage.calendar import iso_week_bounds, iso_week_of
from storage.models import TeamAction

EFFECT_WEEKS = stats.BEFORE_AFTER_WEEKS
MIN_WEEKS_AFTER = 2  # fewer shown weeks after: "too early to tell"
MIN_WEEKS_BEFORE = 2  # fewer shown weeks before: "can't tell"

# measure -> the shown weekly figure on a scale a reader compares (participation in percentage points)
MEASURES: dict[str, Callable[[WeekPoint], float | None]] = {
    "mood": lambda p: p.mood,
    "participation": lambda p: None if p.participation is None else 100 * p.participation,
    "customer_quality": lambda p: p.quality,
    "csat": lambda p: p.csat,
}


def effect_of(measure: str, before: Sequence[float], after: Sequence[float],
              elapsed: int | None = None) -> EffectFigure:
    """The verdict in plain words: too early (fewer than MIN_WEEKS_AFTER weeks have passed), can't tell (too few
    shown weeks, or the interval spans zero), unchanged (difference and interval both zero at the shown precision),
    or higher/lower — never a cause. `elapsed`: whole weeks passed since the action's week (default: as many as
    were shown)."""
    elapsed = len(after) if elapsed is None else elapsed
    if elapsed < MIN_WEEKS_AFTER:
        return EffectFigure(measure, "too_early", wording.effect_too_early(measure, len(after), MIN_WEEKS_AFTER),
                            len(before), len(after))
    if len(after) < MIN_WEEKS_AFTER:
        return EffectFigure(measure, "cant_tell", wording.effect_few_after(measure, len(after), len(before),
                                                                           MIN_WEEKS_AFTER), len(before), len(after))
    result = stats.before_after(before, after) if len(before) >= MIN_WEEKS_BEFORE else None
    if result is None:
        return EffectFigure(measure, "cant_tell", wording.effect_no_baseline(measure, len(before), MIN_WEEKS_BEFORE),
                            len(before), len(after))
    digits = 2 if measure == "mood" else 1
    diff, low, high = (round(v, digits) + 0.0 for v in (result.difference, result.low, result.high))
    if diff == low == high == 0:
        verdict = "unchanged"  # every resample alike at the shown precision: the shown weeks are level
    elif low <= 0 <= high:  # as shown: an interval that reads "between +0.00 and ..." is no clear rise
        verdict = "cant_tell"
    else:
        verdict = "higher" if result.difference > 0 else "lower"
    return EffectFigure(measure, verdict, wording.effect_statement(measure, verdict, diff, low, high, result),
                        result.weeks_before, result.weeks_after, diff, low, high)


def action_effect(action: TeamAction, views: Sequence[WeekView], iso_week: str, min_group: int,
                  counts: action_store.FeedbackCounts | None) -> ActionEffect:
    """One action as the digest of `iso_week` shows it; `views` are the digest's own team-weeks (oldest first),
    `counts` the feedback totals handlers/action_feedback lets it show (None: none)."""
    recorded = iso_week_of(action.local_date)
    monday, _ = iso_week_bounds(recorded)
    last, _ = iso_week_bounds(iso_week)
    points = {v.monday: v.point(min_group) for v in views}
    before_weeks = [monday - timedelta(weeks=k) for k in range(EFFECT_WEEKS, 0, -1)]
    after_weeks = [m for m in (monday + timedelta(weeks=k) for k in range(1, EFFECT_WEEKS + 1)) if m <= last]
    effects = []
    for measure, figure in MEASURES.items():
        before = _shown(points, before_weeks, figure)
        after = _shown(points, after_weeks, figure)
        if measure != "mood" and not before and not after:
            continue  # the team has no such figure around the action (no helpdesk, no moments)
        effects.append(effect_of(measure, before, after, len(after_weeks)))
    return ActionEffect(number=action.number, text=action.text, iso_week=recorded, status=action.status,
                        outcome=action.outcome if action.status == "done" else None,
                        answered=None if counts is None else counts.answered,
                        helps=None if counts is None else counts.helps,
                        effects=tuple(effects))


def _shown(points: dict[date, WeekPoint], mondays: Sequence[date],
           figure: Callable[[WeekPoint], float | None]) -> list[float]:
    return [v for m in mondays if m in points and (v := figure(points[m])) is not None]


MAX_ACTIONS = 10  # most recent actions a digest lists (older ones fall out of its 12-week history anyway)


async def action_effects(ctx: Ctx, views: dict[int, list[WeekView]], iso_week: str,
                         min_group: int) -> dict[int, tuple[ActionEffect, ...]]:
    """Per team: its actions recorded within the digest's history up to the end of `iso_week` (the most recent
    MAX_ACTIONS), with what followed, from two grouped queries. Feedback totals count answers set before the
    end of that week and before the current week, so they move once a week, never click by click."""
    first_monday = min((v[0].monday for v in views.values() if v), default=None)
    if first_monday is None:
        return {}
    _, sunday = iso_week_bounds(iso_week)
    rows = await action_store.actions_of_teams(ctx.session, sorted(views), first_monday, sunday)
    cutoff = min(week_cutoff(sunday + timedelta(days=1)), week_cutoff(ctx.clock.now().date()))
    totals = await feedback_shown(ctx, rows, cutoff, min_group)
    out: dict[int, list[ActionEffect]] = {}
    for action in rows:
        counts = totals.get(action.id)
        out.setdefault(action.team_id, []).append(action_effect(action, views[action.team_id], iso_week, min_group,
                                                                counts))
    return {team: tuple(effects[-MAX_ACTIONS:]) for team, effects in out.items()}
