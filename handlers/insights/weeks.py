"""Team-weeks and what each may show: sealed figures of settled weeks, live ones of open weeks, and the
overlap rule that withholds a team whose respondents differ too little from another team's.

Settled weeks are frozen (privacy rule 4): their figures come from sums sealed once for the whole
workspace, so a later edit or forget-me can't be isolated by asking twice and subtracting.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from handlers.context import Ctx
from handlers.insights import privacy, stats
from handlers.insights.report import WeekPoint
from storage import digests as digest_store
from storage.calendar import iso_week_bounds, iso_week_of
from storage.csat import csat_weeks
from storage.digests import WeekAggregate

HISTORY_WEEKS = 12  # weeks of history before the digest's week (trend, chart, correlation, alert baselines)
OVERLAP_CAP = 50  # sealed overlap gaps are exact below this; a min_group above it withholds every overlapped team


@lru_cache(maxsize=256)
def _week_label(monday: date) -> str:
    """iso_week_of, once per Monday: a 400-team build labels the same 13 weeks 5,200 times."""
    return iso_week_of(monday)


@dataclass(slots=True)
class WeekView:
    """One team-week: its raw sums and the figures the privacy rules let through."""

    monday: date
    agg: WeekAggregate
    withheld: bool = False  # respondents overlap another team's too closely
    csat_withheld: bool = False  # rated agents overlap another team's too closely

    def csat(self, min_group: int) -> float | None:
        """The share of satisfied ratings (0-100), from at least min_group distinct agents only."""
        a = self.agg
        if self.csat_withheld or not a.csat_ratings or not privacy.enough(a.csat_agents, min_group):
            return None
        return round(100 * a.csat_satisfied / a.csat_ratings, 1)

    def mood(self, min_group: int) -> float | None:
        a = self.agg
        if self.withheld or not a.entries or not privacy.enough(a.respondents, min_group):
            return None
        return a.mood_sum / a.entries

    def quality(self, min_group: int) -> float | None:
        a = self.agg
        if not privacy.enough(a.moment_authors, min_group):
            return None
        return stats.quality_index(a.moments_positive, a.moments_mixed, a.moments_negative, a.moment_polarity_sum,
                                   a.moments)

    def point(self, min_group: int) -> WeekPoint:
        """The week on the chart; participation is shown only alongside a shown mood."""
        mood, a = self.mood(min_group), self.agg
        participation = None if mood is None or not a.members else round(a.respondents / a.members, 3)
        return WeekPoint(_week_label(self.monday), None if mood is None else round(mood, 2), self.quality(min_group),
                         participation, self.csat(min_group))


async def team_weeks(ctx: Ctx, team_ids: Sequence[int], iso_week: str, min_group: int,
                     history_weeks: int = HISTORY_WEEKS) -> tuple[dict[int, list[WeekView]], dict[int, WeekAggregate]]:
    """Per team: WeekViews of the `history_weeks` before `iso_week` and of `iso_week` itself (last),
    with the overlap rule applied to every week; also the full current-week aggregates.

    Settled weeks are read from their sealed figures (sealed here, for the whole workspace, by the first
    build that needs them); weeks not yet settled are computed afresh every time.
    """
    first, _ = iso_week_bounds(iso_week)
    mondays = [first - timedelta(weeks=k) for k in range(history_weeks, -1, -1)]
    now = ctx.clock.now()
    ids = list(team_ids)
    settled = [m for m in mondays if digest_store.is_settled(m, now)]
    unsettled = [m for m in mondays if not digest_store.is_settled(m, now)]
    found: dict[tuple[int, date], WeekView] = {}
    if settled and ids:
        sealed = await _sealed(ctx, ids, settled, min_group)
        for t in ids:
            for m in settled:
                week = sealed.get((t, m))
                found[(t, m)] = (WeekView(m, week.aggregate, privacy.withheld_by_gap(week.overlap_gap, min_group),
                                          privacy.withheld_by_gap(week.csat_gap, min_group))
                                 if week is not None else WeekView(m, WeekAggregate()))
    if unsettled and ids:
        found.update(await _live(ctx, ids, unsettled, min_group))
    views = {t: [found[(t, m)] for m in mondays] for t in ids}
    return views, {t: views[t][-1].agg for t in ids}


def _week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=6)


async def _sealed(ctx: Ctx, ids: list[int], mondays: list[date],
                  min_group: int) -> dict[tuple[int, date], digest_store.SealedWeek]:
    """Sealed figures of settled weeks for the teams asked for; a week first needed now is sealed for every
    team of the workspace at once, so overlap decisions between any two teams rest on figures of one moment.

    Whether a week is sealed for everyone is asked as a count, so one team's digest (the weekly delivery
    builds them one at a time) reads its own rows, not the whole workspace's (400 teams: 90 → 10 ms).
    """
    everyone = await digest_store.workspace_team_ids(ctx.session, ids)
    counts = await digest_store.sealed_team_counts(ctx.session, everyone, mondays)
    todo = [m for m in mondays if counts.get(m, 0) < len(everyone)]
    if todo:
        fresh: dict[tuple[int, date], WeekAggregate] = {}
        for monday in todo:
            week = await digest_store.week_aggregates(ctx.session, *_week_of(monday), everyone)
            fresh.update(((t, monday), week.get(t, WeekAggregate())) for t in everyone)
        sharing = await digest_store.teams_sharing_members(ctx.session, everyone, todo[0], todo[-1] + timedelta(days=6))
        cap = max(OVERLAP_CAP, privacy.effective_min_group(min_group))
        gaps = await _overlap_gaps(ctx, sharing, todo, fresh, cap)
        csat_gaps = await _with_csat(ctx, everyone, todo, fresh, sharing, cap)
        # rows sealed earlier (a team added since, or a concurrent build) are left as they are by seal_weeks
        await digest_store.seal_weeks(ctx.session, {k: digest_store.SealedWeek(agg, gaps.get(k), csat_gaps.get(k))
                                                    for k, agg in fresh.items()}, ctx.clock.now())
    return await digest_store.sealed_weeks(ctx.session, ids, mondays)


async def _overlap_gaps(ctx: Ctx, sharing: dict[tuple[int, int], int], mondays: list[date],
                        aggs: dict[tuple[int, date], WeekAggregate], cap: int) -> dict[tuple[int, date], int]:
    """The overlap rule, once for sealed and live weeks: per team-week, the gap to the closest team it would be
    withheld in favour of (privacy.overlap_gaps; withheld iff gap < min_group). Sizes and shared-member counts
    rule most pairs out without looking at anyone; respondent sets are read only for pairs whose sizes and
    shared members allow a difference below `cap`."""
    pairs_of_teams = {(min(a, b), max(a, b)): shared for (a, b), shared in sharing.items()}
    known: list[tuple[int, int, date]] = []
    suspicious: list[tuple[int, int, date]] = []
    for (a, b), shared in pairs_of_teams.items():
        for monday in mondays:
            size_a, size_b = aggs[(a, monday)].respondents, aggs[(b, monday)].respondents
            if size_a or size_b:
                close = privacy.may_differ_too_little(size_a, size_b, shared, cap)
                (suspicious if close else known).append((a, b, monday))
    sets: dict[tuple[int, int], set[int]] = {}
    if suspicious:
        involved = sorted({t for a, b, _ in suspicious for t in (a, b)})
        sets = await digest_store.respondent_sets(ctx.session, involved, mondays[0],
                                                  (mondays[-1] - mondays[0]).days // 7 + 1)
    gaps: dict[tuple[int, date], int] = {}
    for monday in mondays:
        index = (monday - mondays[0]).days // 7
        pairs: list[tuple[int, int, int, int, int | None]] = [
            (a, b, aggs[(a, monday)].respondents, aggs[(b, monday)].respondents, None)
            for a, b, m in known if m == monday]
        pairs += [(a, b, aggs[(a, monday)].respondents, aggs[(b, monday)].respondents,
                   len(sets.get((a, index), set()) ^ sets.get((b, index), set())))
                  for a, b, m in suspicious if m == monday]
        gaps.update(((t, monday), gap) for t, gap in privacy.overlap_gaps(pairs, cap).items())
    return gaps


async def _live(ctx: Ctx, ids: list[int], mondays: list[date], min_group: int) -> dict[tuple[int, date], WeekView]:
    """Weeks not yet settled, computed from the current rows (and not kept: late answers may still come)."""
    sharing = await digest_store.teams_sharing_members(ctx.session, ids, mondays[0], mondays[-1] + timedelta(days=6))
    everyone = sorted(set(ids) | {b for _, b in sharing})
    aggs: dict[tuple[int, date], WeekAggregate] = {}
    for monday in mondays:
        week = await digest_store.week_aggregates(ctx.session, *_week_of(monday), everyone)
        aggs.update(((t, monday), week.get(t, WeekAggregate())) for t in everyone)
    gaps = await _overlap_gaps(ctx, sharing, mondays, aggs, privacy.effective_min_group(min_group))
    csat_gaps = await _with_csat(ctx, everyone, mondays, aggs, sharing, privacy.effective_min_group(min_group))
    return {(t, m): WeekView(m, aggs[(t, m)], privacy.withheld_by_gap(gaps.get((t, m)), min_group),
                             privacy.withheld_by_gap(csat_gaps.get((t, m)), min_group))
            for t in ids for m in mondays}


async def _with_csat(ctx: Ctx, teams: list[int], mondays: list[date], aggs: dict[tuple[int, date], WeekAggregate],
                     sharing: dict[tuple[int, int], int], cap: int) -> dict[tuple[int, date], int]:
    """Add each team-week's customer-rating sums to its aggregate; return the overlap gaps over rated agents
    (the overlap rule again: two teams whose rated agents differ by fewer than min_group would, compared,
    show one agent's ratings, so the smaller is withheld)."""
    gaps: dict[tuple[int, date], int] = {}
    pairs_of_teams = {(min(a, b), max(a, b)) for a, b in sharing}
    for monday in mondays:
        weeks = await csat_weeks(ctx.session, *_week_of(monday), teams)
        for team_id, week in weeks.items():
            agg = aggs[(team_id, monday)]
            agg.csat_ratings, agg.csat_agents, agg.csat_satisfied = week.ratings, len(week.agents), week.satisfied
            agg.csat_comments, agg.csat_comment_sum = week.comments, week.comment_sum
            agg.csat_comment_agents, agg.csat_sources = len(week.comment_agents), tuple(sorted(week.sources))
        pairs: list[tuple[int, int, int, int, int | None]] = []
        for a, b in pairs_of_teams:
            agents_a = weeks[a].agents if a in weeks else set()
            agents_b = weeks[b].agents if b in weeks else set()
            if agents_a or agents_b:
                pairs.append((a, b, len(agents_a), len(agents_b), len(agents_a ^ agents_b)))
        gaps.update(((t, monday), gap) for t, gap in privacy.overlap_gaps(pairs, cap).items())
    return gaps
