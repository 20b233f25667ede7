"""The weekly team digest: wellbeing next to customer moments, with the privacy rules applied.

Figures come from SQL aggregates (storage/digests.py), all requested teams at once; this module
decides what may be shown (handlers/privacy.py has the rules). A mood figure needs at least
`min_group` respondents and must not be subtractable from an overlapping team's; a moment figure
needs `min_group` distinct authors. Below that the digest says so instead of showing a number.
Everything derived over weeks (trend, history, correlation, the organisation view) is computed
from weekly figures that were themselves shown, so it can't reveal a withheld week. Digests cover
whole ISO weeks only.

Settled weeks are frozen (privacy rule 4): their figures come from sums sealed once for the whole
workspace, and a team's digest of a settled week is stored the first time it is built and returned as
stored ever after, whoever asks and through whichever channel, so a later edit or forget-me can't be
isolated by asking twice and subtracting.
"""
from __future__ import annotations

import asyncio
import time

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from handlers import commands as c
from handlers import privacy, stats
from handlers.admin import resolve_team
from handlers.context import Ctx
from handlers.errors import BadArguments, NotAuthorized
from handlers.identity import person_zone_name
from handlers.localtime import iso_week_bounds, iso_week_of, previous_iso_week, zone
from handlers.messages import DigestMessage, Reply, Text
from storage import digests as digest_store
from storage import teams
from storage.digests import WeekAggregate
from storage.models import Person, Team

SCHEMA_VERSION = 2
HISTORY_WEEKS = 12  # weeks of history before the digest's week (trend, chart, correlation, alert baselines)
CHART_WEEKS = 12  # weeks on the chart and in the correlation, the digest's week included
TREND_WEEKS = 4
MIN_LINK_WEEKS = 6
ORGANISATION_WORDS = ("org", "organisation", "organization")
CHARTS_PER_REPLY = 20  # an admin asking for every team of a large workspace gets the rest without charts
OVERLAP_CAP = 50  # sealed overlap gaps are exact below this; a min_group above it withholds every overlapped team


@dataclass(frozen=True)
class MoodFigures:
    mean: float
    distribution: dict[int, int]
    note_count: int
    note_sentiment: float | None  # None when fewer than min_group people wrote notes
    trend: stats.Trend | None = None  # against the previous four weeks' shown means


@dataclass(frozen=True)
class TouchpointCount:
    touchpoint: str
    moments: int


@dataclass(frozen=True)
class MomentFigures:
    logged: int
    share_positive: float | None  # None: too few authors to show anything but the count
    share_negative: float | None
    mean_sentiment: float | None
    quality_index: float | None = None  # 0–100, see handlers/stats.quality_index
    top_touchpoints: tuple[TouchpointCount, ...] = ()
    excerpts: tuple[privacy.Quote, ...] = ()


@dataclass(frozen=True)
class WeekPoint:
    """One week of the 12-week history; None where that week's figure was not shown."""

    iso_week: str
    mood: float | None
    quality: float | None
    participation: float | None


@dataclass(frozen=True)
class LinkFigures:
    """Rank correlation of weekly mood with weekly customer quality (lag 1: quality one week after mood)."""

    lag_weeks: int
    rho: float
    low: float
    high: float
    p_value: float
    weeks: int
    statement: str


@dataclass(frozen=True)
class TeamDigest:
    team: str
    iso_week: str
    week_start: date
    week_end: date
    members: int
    respondents: int
    participation: float | None
    min_group: int
    mood: MoodFigures | None
    moments: MomentFigures
    notices: tuple[str, ...] = field(default_factory=tuple)
    history: tuple[WeekPoint, ...] = ()
    links: tuple[LinkFigures, ...] = ()
    scope: str = "team"  # team | organisation

    @property
    def suppressed(self) -> bool:
        return self.mood is None

    def to_json(self) -> dict[str, Any]:
        """The documented schema (docs/digest.schema.json), field by field: every digest is stored this way."""
        mood, moments = self.mood, self.moments
        return {
            "team": self.team, "iso_week": self.iso_week, "week_start": self.week_start.isoformat(),
            "week_end": self.week_end.isoformat(), "members": self.members, "respondents": self.respondents,
            "participation": self.participation, "min_group": self.min_group,
            "mood": None if mood is None else {
                "mean": mood.mean, "distribution": {str(k): v for k, v in mood.distribution.items()},
                "note_count": mood.note_count, "note_sentiment": mood.note_sentiment,
                "trend": None if mood.trend is None else _flat(mood.trend)},
            "moments": {
                "logged": moments.logged, "share_positive": moments.share_positive,
                "share_negative": moments.share_negative, "mean_sentiment": moments.mean_sentiment,
                "quality_index": moments.quality_index,
                "top_touchpoints": [_flat(t) for t in moments.top_touchpoints],
                "excerpts": [_flat(q) for q in moments.excerpts]},
            "notices": list(self.notices), "history": [_flat(p) for p in self.history],
            "links": [_flat(link) for link in self.links], "scope": self.scope,
            "schema_version": SCHEMA_VERSION, "suppressed": self.suppressed,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TeamDigest:
        """The digest back from its stored summary (a frozen week): `from_json(d).to_json() == d`."""
        mood, moments = data.get("mood"), data["moments"]
        trend = None if mood is None or mood.get("trend") is None else stats.Trend(**mood["trend"])
        return cls(
            team=data["team"], iso_week=data["iso_week"], week_start=date.fromisoformat(data["week_start"]),
            week_end=date.fromisoformat(data["week_end"]), members=data["members"], respondents=data["respondents"],
            participation=data["participation"], min_group=data["min_group"],
            mood=None if mood is None else MoodFigures(
                mean=mood["mean"], distribution={int(k): v for k, v in mood["distribution"].items()},
                note_count=mood["note_count"], note_sentiment=mood["note_sentiment"], trend=trend),
            moments=MomentFigures(
                logged=moments["logged"], share_positive=moments["share_positive"],
                share_negative=moments["share_negative"], mean_sentiment=moments["mean_sentiment"],
                quality_index=moments.get("quality_index"),
                top_touchpoints=tuple(TouchpointCount(**t) for t in moments.get("top_touchpoints", ())),
                excerpts=tuple(privacy.Quote(**q) for q in moments.get("excerpts", ()))),
            notices=tuple(data.get("notices", ())), history=tuple(WeekPoint(**p) for p in data.get("history", ())),
            links=tuple(LinkFigures(**link) for link in data.get("links", ())), scope=data.get("scope", "team"))


def _flat(value: Any) -> dict[str, Any]:
    """A dataclass of plain values (numbers, strings, None) as a dict, in field order."""
    return dict(vars(value))


# --- weekly views: what each team-week may show ---------------------------------------------------------

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
                         participation)


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
                found[(t, m)] = (WeekView(m, week.aggregate, privacy.withheld_by_gap(week.overlap_gap, min_group))
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
        gaps = await _overlap_gaps(ctx, everyone, todo, fresh, max(OVERLAP_CAP, privacy.effective_min_group(min_group)))
        # rows sealed earlier (a team added since, or a concurrent build) are left as they are by seal_weeks
        await digest_store.seal_weeks(ctx.session, {k: digest_store.SealedWeek(agg, gaps.get(k))
                                                    for k, agg in fresh.items()}, ctx.clock.now())
    return await digest_store.sealed_weeks(ctx.session, ids, mondays)


async def _overlap_gaps(ctx: Ctx, team_ids: list[int], mondays: list[date], aggs: dict[tuple[int, date], WeekAggregate],
                        cap: int) -> dict[tuple[int, date], int]:
    """Overlap gaps (privacy.overlap_gaps) per team-week; respondent sets are looked at only for pairs whose
    sizes and shared members allow a difference below `cap`."""
    sharing = await digest_store.teams_sharing_members(ctx.session, team_ids, mondays[0], mondays[-1] + timedelta(days=6))
    known: list[tuple[int, int, date]] = []
    suspicious: list[tuple[int, int, date]] = []
    for (a, b), shared in sharing.items():
        if a > b:
            continue  # both directions are listed
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
        pairs = [(a, b, aggs[(a, monday)].respondents, aggs[(b, monday)].respondents, None)
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
    withheld = await _overlap_withheld(ctx, sharing, mondays, lambda t, m: aggs[(t, m)], min_group)
    return {(t, m): WeekView(m, aggs[(t, m)], (t, m) in withheld) for t in ids for m in mondays}


async def _overlap_withheld(ctx: Ctx, sharing: dict[tuple[int, int], int], mondays: list[date],
                            aggregate, min_group: int) -> set[tuple[int, date]]:  # noqa: ANN001
    """Team-weeks to withhold because another team's respondents differ from theirs by < min_group people.

    Sizes and shared-member counts rule most pairs out without looking at anyone; only the pairs that
    could be too close are checked on the actual respondent sets.
    """
    suspicious: list[tuple[int, int, date]] = []
    for (a, b), shared in sharing.items():
        for monday in mondays:
            size_a, size_b = aggregate(a, monday).respondents, aggregate(b, monday).respondents
            if privacy.enough(size_a, min_group) and privacy.may_differ_too_little(size_a, size_b, shared, min_group):
                suspicious.append((a, b, monday))
    if not suspicious:
        return set()
    involved = sorted({t for a, b, _ in suspicious for t in (a, b)})
    sets = await digest_store.respondent_sets(ctx.session, involved, mondays[0], len(mondays))
    withheld: set[tuple[int, date]] = set()
    for monday in sorted({m for _, _, m in suspicious}):
        index = (monday - mondays[0]).days // 7
        pairs = [(a, b) for a, b, m in suspicious if m == monday]
        groups = {t: frozenset(sets.get((t, index), set())) for pair in pairs for t in pair}
        withheld.update((t, monday) for t in privacy.differencing_suppressions(groups, min_group, pairs))
    return withheld


# --- figures -------------------------------------------------------------------------------------------------

def figures_from(team_name: str, iso_week: str, agg: WeekAggregate, min_group: int, *,
                 withheld: bool = False, previous: Sequence[WeekView] = (),
                 touchpoints: Sequence[tuple[str, int]] = (), quotes: Sequence[privacy.Quote] = (),
                 scope: str = "team") -> TeamDigest:
    """Turn raw aggregates into what a manager may see."""
    first, last = iso_week_bounds(iso_week)
    notices: list[str] = []
    mood = None
    if withheld and privacy.enough(agg.respondents, min_group):
        notices.append(f"Mood figures are withheld this week: the people who answered differ from another "
                       f"team's by fewer than {min_group}, so comparing the two digests could reveal "
                       "individual answers.")
    elif agg.respondents >= min_group and agg.entries:
        note_sentiment = agg.note_polarity_sum / agg.notes if agg.note_authors >= min_group and agg.notes else None
        change = stats.trend(agg.mood_sum / agg.entries, [v.mood(min_group) for v in previous[-TREND_WEEKS:]])
        mood = MoodFigures(mean=round(agg.mood_sum / agg.entries, 2), distribution=dict(agg.distribution),
                           note_count=agg.notes, note_sentiment=None if note_sentiment is None
                           else round(note_sentiment, 3), trend=change)
        if note_sentiment is None and agg.notes:
            notices.append(f"Notes were written, but by fewer than {min_group} people, so their tone is not shown.")
    elif agg.respondents:
        notices.append(f"Only {agg.respondents} of {agg.members} answered — fewer than {min_group}, so no mood "
                       "figures are shown this week, to protect individual answers.")
    else:
        notices.append("Nobody answered a check-in this week.")
    if agg.moment_authors >= min_group and agg.moments:
        moment_figures = MomentFigures(
            logged=agg.moments, share_positive=round(agg.moments_positive / agg.moments, 3),
            share_negative=round(agg.moments_negative / agg.moments, 3),
            mean_sentiment=round(agg.moment_polarity_sum / agg.moments, 3),
            quality_index=stats.quality_index(agg.moments_positive, agg.moments_mixed, agg.moments_negative,
                                              agg.moment_polarity_sum, agg.moments),
            top_touchpoints=tuple(TouchpointCount(t, n) for t, n in touchpoints), excerpts=tuple(quotes))
    else:
        moment_figures = MomentFigures(logged=agg.moments, share_positive=None, share_negative=None,
                                       mean_sentiment=None)
        if agg.moments:
            notices.append(f"Customer moments came from fewer than {min_group} people, so only their count is shown.")
    participation = round(agg.respondents / agg.members, 3) if agg.members and mood is not None else None
    this_week = WeekView(first, agg, withheld)
    history = tuple(v.point(min_group) for v in [*previous, this_week][-CHART_WEEKS:])
    links, link_notice = _links(history, "the organisation" if scope == "organisation" else "this team")
    if link_notice:
        notices.append(link_notice)
    return TeamDigest(team=team_name, iso_week=iso_week, week_start=first, week_end=last, members=agg.members,
                      respondents=agg.respondents if mood is not None else 0, participation=participation,
                      min_group=min_group, mood=mood, moments=moment_figures, notices=tuple(notices),
                      history=history, links=links, scope=scope)


def _links(history: Sequence[WeekPoint], subject: str) -> tuple[tuple[LinkFigures, ...], str | None]:
    """Same-week and one-week-later rank correlations, once at least MIN_LINK_WEEKS pairs have both figures."""
    same = [(p.mood, p.quality) for p in history if p.mood is not None and p.quality is not None]
    lagged = [(a.mood, b.quality) for a, b in zip(history, history[1:]) if a.mood is not None and b.quality is not None]
    links: list[LinkFigures] = []
    for lag, pairs in ((0, same), (1, lagged)):
        if len(pairs) < MIN_LINK_WEEKS:
            continue
        found = stats.associate([m for m, _ in pairs], [q for _, q in pairs])
        if found is not None:
            links.append(LinkFigures(lag_weeks=lag, rho=found.rho, low=found.low, high=found.high,
                                     p_value=found.p_value, weeks=found.weeks,
                                     statement=stats.describe(found, lag=bool(lag), subject=subject)))
    if len(same) < MIN_LINK_WEEKS:
        return tuple(links), (f"Mood and customer quality are compared once at least {MIN_LINK_WEEKS} of the last "
                              f"{CHART_WEEKS} weeks have both figures (so far {len(same)}).")
    if not links:
        return (), "Mood or customer quality did not change over the weeks compared, so no link can be measured."
    return tuple(links), None


async def build_digests(ctx: Ctx, chosen: Sequence[Team], iso_week: str, min_group: int, *,
                        organisation: bool = False, save: bool = True) -> list[TeamDigest]:
    """Timed for operators (Ctx.observe, per team digest); the work is in _build_digests."""
    started = time.perf_counter()
    digests = await _build_digests(ctx, chosen, iso_week, min_group, organisation=organisation, save=save)
    each = (time.perf_counter() - started) / max(len(digests), 1)
    for _ in digests:
        ctx.observe("digest_build_seconds", each)
    return digests


async def _build_digests(ctx: Ctx, chosen: Sequence[Team], iso_week: str, min_group: int, *,
                         organisation: bool = False, save: bool = True) -> list[TeamDigest]:
    """Digests of several teams for one whole week, from a fixed number of grouped queries.

    A settled week's digests are frozen: a team's first digest built after the week settled is stored and
    every later build returns it unchanged (only the team's current name is put in). `organisation`: also
    return (last) the organisation view that pools the chosen teams' shown figures (sealed ones too).
    """
    min_group = privacy.effective_min_group(min_group)
    first, last = iso_week_bounds(iso_week)
    ids = [t.id for t in chosen]
    settled = digest_store.is_settled(first, ctx.clock.now())
    frozen = await digest_store.frozen_runs(ctx.session, ids, iso_week) if settled else {}
    to_build = [t for t in chosen if t.id not in frozen]
    built: dict[int, TeamDigest] = {}
    views: dict[int, list[WeekView]] = {}
    if to_build or organisation:
        views, current = await team_weeks(ctx, ids if organisation else [t.id for t in to_build], iso_week, min_group)
        built_ids = [t.id for t in to_build]
        with_moments = [t for t in built_ids if privacy.enough(current[t].moment_authors, min_group)]
        touchpoints = await digest_store.top_touchpoints(ctx.session, first, last, with_moments) if with_moments else {}
        candidates = await digest_store.excerpt_candidates(ctx.session, first, last, with_moments) if with_moments else {}
        for team in to_build:
            *previous, this_week = views[team.id]
            quotes = privacy.choose_quotes(((e.person_id, e.polarity, e.text) for e in candidates.get(team.id, ())),
                                           this_week.agg.moment_authors, min_group)
            built[team.id] = figures_from(team.name, iso_week, this_week.agg, min_group, withheld=this_week.withheld,
                                          previous=previous, touchpoints=touchpoints.get(team.id, ()), quotes=quotes)
    if save and built:
        await digest_store.save_runs(ctx.session, [(t, iso_week, r.respondents, r.to_json()) for t, r in built.items()],
                                     ctx.clock.now())
        if settled:  # read back what was frozen: a concurrent build of the same week may have frozen first
            frozen = await digest_store.frozen_runs(ctx.session, ids, iso_week)
    reports = [replace(TeamDigest.from_json(frozen[t.id]), team=t.name) if t.id in frozen else built[t.id]
               for t in chosen]
    if organisation:
        reports.append(organisation_digest(iso_week, [views[t] for t in ids], min_group, len(chosen)))
    return reports


def organisation_digest(iso_week: str, team_views: Sequence[Sequence[WeekView]], min_group: int,
                        team_count: int) -> TeamDigest:
    """The admins' organisation view: pools, week by week, the figures of teams that were shown.

    Only team-weeks whose own figures passed the privacy rules go in, so the pooled figures are a
    function of what is already visible and can't be subtracted to reveal a withheld team. People in
    two teams count in each.
    """
    weeks = len(team_views[0]) if team_views else HISTORY_WEEKS + 1
    pooled: list[WeekView] = []
    included_now = 0
    first, _ = iso_week_bounds(iso_week)
    for index in range(weeks):
        monday = team_views[0][index].monday if team_views else first - timedelta(weeks=weeks - 1 - index)
        total = WeekAggregate()
        for views in team_views:
            view = views[index]
            a = view.agg
            if view.mood(min_group) is not None:
                total.members += a.members
                total.respondents += a.respondents
                total.entries += a.entries
                total.mood_sum += a.mood_sum
                for score, count in a.distribution.items():
                    total.distribution[score] += count
                if privacy.enough(a.note_authors, min_group):
                    total.notes += a.notes
                    total.note_authors += a.note_authors
                    total.note_polarity_sum += a.note_polarity_sum
                if index == weeks - 1:
                    included_now += 1
            if view.quality(min_group) is not None:
                total.moments += a.moments
                total.moment_authors += a.moment_authors
                total.moments_positive += a.moments_positive
                total.moments_negative += a.moments_negative
                total.moments_mixed += a.moments_mixed
                total.moment_polarity_sum += a.moment_polarity_sum
        pooled.append(WeekView(monday, total))
    *previous, this_week = pooled
    report = figures_from("All teams", iso_week, this_week.agg, min_group, previous=previous, scope="organisation")
    notice = (f"Organisation view: pools the {included_now} of {team_count} teams whose figures are shown this week "
              "(teams withheld for privacy are left out; people in two teams count in each).")
    notices = report.notices if included_now else tuple(
        n for n in report.notices if not n.startswith(("Only ", "Nobody ")))
    return replace(report, notices=(notice, *notices))


async def build_team_digest(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> TeamDigest:
    [digest] = await build_digests(ctx, [team], iso_week, min_group)
    return digest


def whole_week(requested: str | None, today: date) -> str:
    """The requested ISO week if it has ended, else refuse; default: the last whole week."""
    latest = previous_iso_week(today)
    if requested is None:
        return latest
    if requested > latest:
        current = iso_week_of(today)
        raise BadArguments(f"{requested} {'is still running' if requested == current else 'is in the future'}; "
                           f"digests cover whole weeks only. The latest is {latest}.", c.USAGE["digest"])
    return requested


async def digest_message(report: TeamDigest) -> DigestMessage:
    """The message with its chart (PNG and alt text), drawn on a worker thread: a chart takes tens of
    milliseconds of CPU, and the event loop answers every chat request meanwhile."""
    from handlers.chart import render_chart

    png, alt = await asyncio.to_thread(render_chart, report)
    return DigestMessage(report=report, chart_png=png, chart_alt=alt)


async def show_digest(ctx: Ctx, person: Person, command: c.ShowDigest) -> Reply:
    """`/tandem digest [team|org] [week]`: managers see their own teams, admins any team and the organisation.

    An admin who manages no team and names none gets every team plus the organisation view;
    `/tandem digest org` gives admins the organisation view alone (unless a team is called "org").
    """
    today = ctx.clock.now().astimezone(zone(person_zone_name(person))).date()
    week = whole_week(command.week, today)
    managed = await teams.managed_teams(ctx.session, person.id, today)
    min_group = person.workspace.min_group
    if command.team is not None and command.team.strip().lower() in ORGANISATION_WORDS and person.is_admin \
            and await teams.find_team(ctx.session, person.workspace_id, command.team) is None:
        everything = await teams.teams_of_workspace(ctx.session, person.workspace_id)
        if not everything:
            return Reply.of(Text("There are no teams yet: `/tandem team create NAME`."))
        reports = await build_digests(ctx, everything, week, min_group, organisation=True)
        return Reply.of(await digest_message(reports[-1]))
    organisation = False
    if command.team is not None:
        team = await resolve_team(ctx, person.workspace_id, command.team)
        if not person.is_admin and team.id not in {t.id for t in managed}:
            raise NotAuthorized(f"Only managers of {team.name} (and admins) can see its digest.", "digest")
        chosen = [team]
    elif managed:
        chosen = managed
    elif person.is_admin:
        chosen = await teams.teams_of_workspace(ctx.session, person.workspace_id)
        if not chosen:
            return Reply.of(Text("There are no teams yet: `/tandem team create NAME`."))
        organisation = True
    else:
        raise NotAuthorized("Digests are for team managers. You don't manage a team.", "digest")
    reports = await build_digests(ctx, chosen, week, min_group, organisation=organisation)
    if organisation:  # the organisation view first when there are many teams: it is the one an admin reads
        reports = [reports[-1], *reports[:-1]] if len(reports) > CHARTS_PER_REPLY else reports
    return Reply(tuple([await digest_message(report) if i < CHARTS_PER_REPLY else DigestMessage(report=report)
                        for i, report in enumerate(reports)]))


async def forget_quotes(ctx: Ctx, workspace_id: int, texts: list[str]) -> int:
    """Take a departing person's moments out of the quotes of stored digests; the figures stay frozen."""
    quoted = {privacy.clean_excerpt(text) for text in texts if text}
    removed = 0
    for run in await digest_store.runs_with_excerpts(ctx.session, workspace_id):
        moments = dict(run.summary["moments"])
        kept = [quote for quote in moments["excerpts"] if quote.get("text") not in quoted]
        if len(kept) != len(moments["excerpts"]):
            removed += len(moments["excerpts"]) - len(kept)
            run.summary = {**run.summary, "moments": {**moments, "excerpts": kept}}
    return removed
