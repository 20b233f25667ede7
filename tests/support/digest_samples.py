"""Digests for renderer tests: one with every figure present, one with them withheld (the same week with too
few people), built by the real figures code from hand-made weekly sums."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from handlers.insights import privacy, stats
from handlers.insights.effects import action_effect
from handlers.insights.figures import figures_from
from handlers.insights.report import ActionEffect, PooledCsat, SharedNoteItem, TeamDigest, Theme
from handlers.insights.themes import team_themes
from handlers.insights.weeks import WeekView
from storage.actions import FeedbackCounts
from storage.calendar import iso_week_bounds
from storage.digests import WeekAggregate
from storage.models import TeamAction
from storage.themes import ThemeText

WEEK = "2026-W46"


def _week(k: int, respondents: int = 7, moment_authors: int = 6, agents: int = 6) -> WeekAggregate:
    scores = {1: k % 2, 2: 1, 3: 3 + k % 3, 4: 4, 5: 2 + k % 4}
    return WeekAggregate(members=9, respondents=respondents, entries=sum(scores.values()),
                         mood_sum=sum(s * n for s, n in scores.items()), distribution=scores, notes=6, note_authors=5,
                         note_polarity_sum=0.4 * k - 1, moments=12, moment_authors=moment_authors,
                         moments_positive=3 + k % 5, moments_negative=2, moments_mixed=1,
                         moment_polarity_sum=0.3 * k - 2, csat_ratings=40, csat_agents=agents,
                         csat_satisfied=24 + (k * 7) % 11, csat_comments=12, csat_comment_agents=5,
                         csat_comment_sum=0.2 * k - 1, csat_sources=("csv", "zendesk"))


def _previous() -> list[WeekView]:
    monday, _ = iso_week_bounds(WEEK)
    return [WeekView(monday - timedelta(weeks=12 - k), _week(k)) for k in range(12)]


QUOTES = (privacy.Quote("Sorted the invoice in one call", "positive"), privacy.Quote("Waited a week for a reply",
                                                                                     "negative"))


THEME_TEXTS = [ThemeText(p, "note", "swamped again, another late night", -0.4) for p in range(1, 7)] + [
    ThemeText(p, "moment", "fixed their merge conflicts live on the call", 0.1 + p / 100) for p in range(3, 9)]


SHARED_NOTES = (SharedNoteItem(17, "Could we have <b>fewer</b> status meetings?"),
                SharedNoteItem(4, "Thanks for the quiet Friday & the *pizza*"))


def sample_themes() -> tuple[Theme, ...]:
    """Themes found by the real code in hand-made texts (six people on workload, six on merge conflicts), and one
    as the organisation view shows a theme several teams share."""
    shared = Theme("billing", people=14, tone="negative", sentiment=-0.31, known=True, teams=3)
    return (*team_themes({1: THEME_TEXTS}, 5)[1], shared)


def sample_actions() -> tuple[ActionEffect, ...]:
    """Three actions measured by the real code on the sample history: one measured, one too early, and one as
    the organisation view lists it (with its team, and feedback under min_group)."""
    monday, _ = iso_week_bounds(WEEK)
    views = [*_previous(), WeekView(monday, _week(12))]

    def recorded(weeks_ago: int, number: int, text: str, **done: str) -> TeamAction:
        at = datetime.combine(monday - timedelta(weeks=weeks_ago), datetime.min.time(), UTC) + timedelta(days=2)
        return TeamAction(number=number, text=text, created_at=at, local_date=at.date(),
                          status="done" if done else "open", outcome=done.get("outcome"))

    measured = action_effect(recorded(5, 1, "No meetings on Friday <b>", outcome="kept for 4 weeks"), views, WEEK,
                             5, FeedbackCounts(answered=6, helps=4))
    early = action_effect(recorded(1, 2, "A quiet room for calls"), views, WEEK, 5, FeedbackCounts(6, 5))
    other = action_effect(recorded(3, 1, "Rota for the phones"), views, WEEK, 5, None)  # too few answers
    return replace(measured, team="Support"), early, replace(other, team="Billing")


def full_digest(team: str = "Support") -> TeamDigest:
    report = figures_from(team, WEEK, _week(12), 5, previous=_previous(),
                          touchpoints=[("billing", 5), ("support", 4)], quotes=QUOTES)
    effect = stats.PooledEffect(difference=6.4, low=1.2, high=11.9, teams=4, weeks=40)
    pooled = PooledCsat(6.4, 1.2, 11.9, 4, 40, stats.describe_pooled(effect))
    return replace(report, notices=("Notes came in late this week.",), pooled_csat=pooled, themes=sample_themes(),
                   actions=sample_actions()[:1], shared_notes=SHARED_NOTES)


def suppressed_digest(team: str = "Support") -> TeamDigest:
    """The same week with too few people behind mood and moments: figures withheld, counts and notices shown."""
    return figures_from(team, WEEK, _week(12, respondents=3, moment_authors=2, agents=2), 5, previous=_previous(),
                        touchpoints=[("billing", 5), ("support", 4)], quotes=QUOTES)
