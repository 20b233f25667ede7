"""From a team-week's raw sums to the figures a manager may see: mood, moments, trend, history, links, and
the organisation view pooled from figures already shown (so it reveals nothing a team's digest withholds).
"""
from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta

from handlers.insights import privacy, stats
from handlers.insights.report import (
    CustomerRatingFigures,
    LinkFigures,
    MomentFigures,
    MoodFigures,
    PooledCsat,
    TeamDigest,
    TouchpointCount,
    WeekPoint,
)
from handlers.insights.weeks import HISTORY_WEEKS, WeekView
from storage.calendar import iso_week_bounds
from storage.digests import WeekAggregate

CHART_WEEKS = 12  # weeks on the chart and in the correlation, the digest's week included
TREND_WEEKS = 4
MIN_LINK_WEEKS = 6


def figures_from(team_name: str, iso_week: str, agg: WeekAggregate, min_group: int, *,
                 withheld: bool = False, previous: Sequence[WeekView] = (),
                 touchpoints: Sequence[tuple[str, int]] = (), quotes: Sequence[privacy.Quote] = (),
                 scope: str = "team", csat_withheld: bool = False) -> TeamDigest:
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
    this_week = WeekView(first, agg, withheld, csat_withheld)
    ratings, ratings_notice = customer_ratings(this_week, previous, min_group)
    if ratings_notice:
        notices.append(ratings_notice)
    history = tuple(v.point(min_group) for v in [*previous, this_week][-CHART_WEEKS:])
    subject = "the organisation" if scope == "organisation" else "this team"
    links, link_notice = _links(history, subject)
    if link_notice:
        notices.append(link_notice)
    csat_links, csat_notice = _links(history, subject, measure="csat") if ratings is not None else ((), None)
    links += csat_links
    if csat_notice and ratings is not None and ratings.csat is not None:
        notices.append(csat_notice)
    return TeamDigest(team=team_name, iso_week=iso_week, week_start=first, week_end=last, members=agg.members,
                      respondents=agg.respondents if mood is not None else 0, participation=participation,
                      min_group=min_group, mood=mood, moments=moment_figures, notices=tuple(notices),
                      history=history, links=links, scope=scope, customer_ratings=ratings)


def customer_ratings(week: WeekView, previous: Sequence[WeekView], min_group: int,
                     ) -> tuple[CustomerRatingFigures | None, str | None]:
    """The week's CSAT figures and, when they are withheld, the notice saying why (None: no ratings)."""
    a = week.agg
    if not a.csat_ratings:
        return None, None
    csat = week.csat(min_group)
    if csat is None:
        figures = CustomerRatingFigures(ratings=a.csat_ratings, agents=None, csat=None, trend=None,
                                        comment_sentiment=None, sources=a.csat_sources)
        if week.csat_withheld and privacy.enough(a.csat_agents, min_group):
            return figures, (f"CSAT is withheld this week: the agents rated differ from another team's by fewer "
                             f"than {min_group}, so comparing the two digests could reveal one agent's ratings.")
        return figures, (f"{a.csat_ratings} customer ratings came for fewer than {min_group} agents, so CSAT is not "
                         "shown this week, to protect individual agents.")
    tone = (round(a.csat_comment_sum / a.csat_comments, 3)
            if a.csat_comments and privacy.enough(a.csat_comment_agents, min_group) else None)
    change = stats.trend(csat, [v.csat(min_group) for v in previous[-TREND_WEEKS:]], band=stats.CSAT_STEADY)
    return CustomerRatingFigures(ratings=a.csat_ratings, agents=a.csat_agents, csat=csat, trend=change,
                                 comment_sentiment=tone, sources=a.csat_sources), None


MEASURES = {"customer_quality": ("quality", "customer interactions", "customer quality"),
            "csat": ("csat", "customers' satisfaction ratings", "CSAT")}


def _links(history: Sequence[WeekPoint], subject: str,
           measure: str = "customer_quality") -> tuple[tuple[LinkFigures, ...], str | None]:
    """Same-week and one-week-later rank correlations of mood with a customer measure (moment quality or
    CSAT), once at least MIN_LINK_WEEKS pairs have both figures."""
    field, what, short = MEASURES[measure]
    same = [(p.mood, getattr(p, field)) for p in history if p.mood is not None and getattr(p, field) is not None]
    lagged = [(a.mood, getattr(b, field)) for a, b in itertools.pairwise(history)
              if a.mood is not None and getattr(b, field) is not None]
    links: list[LinkFigures] = []
    for lag, pairs in ((0, same), (1, lagged)):
        if len(pairs) < MIN_LINK_WEEKS:
            continue
        found = stats.associate([m for m, _ in pairs], [q for _, q in pairs])
        if found is not None:
            links.append(LinkFigures(lag_weeks=lag, rho=found.rho, low=found.low, high=found.high,
                                     p_value=found.p_value, weeks=found.weeks,
                                     statement=stats.describe(found, lag=bool(lag), subject=subject, what=what),
                                     measure=measure))
    if len(same) < MIN_LINK_WEEKS:
        return tuple(links), (f"Mood and {short} are compared once at least {MIN_LINK_WEEKS} of the last "
                              f"{CHART_WEEKS} weeks have both figures (so far {len(same)}).")
    if not links:
        return (), f"Mood or {short} did not change over the weeks compared, so no link can be measured."
    return tuple(links), None


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
            if view.csat(min_group) is not None:
                total.csat_ratings += a.csat_ratings
                total.csat_agents += a.csat_agents
                total.csat_satisfied += a.csat_satisfied
                total.csat_sources = tuple(sorted({*total.csat_sources, *a.csat_sources}))
                if privacy.enough(a.csat_comment_agents, min_group):
                    total.csat_comments += a.csat_comments
                    total.csat_comment_agents += a.csat_comment_agents
                    total.csat_comment_sum += a.csat_comment_sum
        pooled.append(WeekView(monday, total))
    *previous, this_week = pooled
    report = figures_from("All teams", iso_week, this_week.agg, min_group, previous=previous, scope="organisation")
    notice = (f"Organisation view: pools the {included_now} of {team_count} teams whose figures are shown this week "
              "(teams withheld for privacy are left out; people in two teams count in each).")
    notices = report.notices if included_now else tuple(
        n for n in report.notices if not n.startswith(("Only ", "Nobody ")))
    within, within_notice = _pooled_csat(team_views, min_group)
    return replace(report, notices=(notice, *notices, *([within_notice] if within_notice else [])),
                   pooled_csat=within)


def _pooled_csat(team_views: Sequence[Sequence[WeekView]],
                 min_group: int) -> tuple[PooledCsat | None, str | None]:
    """From shown figures only: per team, (mood, CSAT one week later) for consecutive weeks with both."""
    teams = [[(mood, csat) for a, b in itertools.pairwise(views)
              if (mood := a.mood(min_group)) is not None and (csat := b.csat(min_group)) is not None]
             for views in team_views]
    if not any(teams):
        return None, None
    effect = stats.pooled_within_team(teams)
    if effect is None:
        return None, (f"Mood and next week's CSAT are compared within teams once at least "
                      f"{stats.POOLED_MIN_TEAMS} teams have {stats.POOLED_MIN_PAIRS} such weeks, with weeks both "
                      "above and below their own average mood.")
    return PooledCsat(effect.difference, effect.low, effect.high, effect.teams, effect.weeks,
                      stats.describe_pooled(effect)), None
