"""What a weekly digest says, as types, and its stored JSON (docs/digest.schema.json).

Every renderer (Slack, Teams, console, chart) reads these types; every stored digest is `to_json()`.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from handlers.insights import privacy, stats

SCHEMA_VERSION = 6  # 3: customer_ratings, WeekPoint.csat, LinkFigures.measure; 4: themes; 5: actions, shared_notes;
# 6: an effect's verdict may be "unchanged"

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
    quality_index: float | None = None  # 0–100, see handlers/insights/stats.quality_index
    top_touchpoints: tuple[TouchpointCount, ...] = ()
    excerpts: tuple[privacy.Quote, ...] = ()


@dataclass(frozen=True)
class CustomerRatingFigures:
    """The helpdesk ratings of the team's agents that week; figures are None when withheld (see notices)."""

    ratings: int
    agents: int | None  # distinct agents rated; None below min_group
    csat: float | None  # 0-100, share of satisfied ratings
    trend: stats.Trend | None
    comment_sentiment: float | None  # mean tone of customers' comments, −1..+1
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PooledCsat:
    """Organisation view only: teams each compared with themselves (stats.pooled_within_team)."""

    difference: float  # CSAT points a week after above-own-average mood weeks
    low: float
    high: float
    teams: int
    weeks: int
    statement: str


@dataclass(frozen=True)
class Theme:
    """What several people's notes, moments or customers' comments were about (handlers/insights/themes.py)."""

    name: str  # a known theme ("workload") or a key phrase found in the text ("status updates")
    people: int  # distinct people who raised it (always at least min_group)
    tone: str  # positive | neutral | negative: the mean tone of the texts that raised it
    sentiment: float  # that mean, −1..+1
    known: bool = True  # one of Tandem's workplace themes, or a phrase found in the week's text
    teams: int = 1  # organisation view: how many teams' digests show it


@dataclass(frozen=True)
class SharedNoteItem:
    """An open note an author chose to share with the team's managers: its random number and its text, no name."""

    number: int
    text: str


@dataclass(frozen=True)
class WeekPoint:
    """One week of the 12-week history; None where that week's figure was not shown."""

    iso_week: str
    mood: float | None
    quality: float | None
    participation: float | None
    csat: float | None = None  # 0-100, the share of satisfied customer ratings


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
    measure: str = "customer_quality"  # what mood is compared with: customer_quality (moments) | csat


@dataclass(frozen=True)
class EffectFigure:
    """One weekly figure before vs after an action (handlers/insights/effects.py); numbers None when not told."""

    measure: str  # mood | participation | customer_quality | csat
    verdict: str  # too_early | cant_tell | unchanged | higher | lower
    statement: str
    weeks_before: int
    weeks_after: int
    difference: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class ActionEffect:
    """A team action as the digests after it show it: status, feedback totals (None below min_group), effects."""

    number: int
    text: str
    iso_week: str  # the week it was recorded (excluded from before and after)
    status: str  # open | done
    outcome: str | None
    answered: int | None
    helps: int | None
    effects: tuple[EffectFigure, ...] = ()
    team: str | None = None  # organisation view: whose action


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
    customer_ratings: CustomerRatingFigures | None = None  # None: no helpdesk ratings of the team that week
    pooled_csat: PooledCsat | None = None  # organisation view, once enough teams and weeks have both figures
    themes: tuple[Theme, ...] = ()  # the week's themes; organisation view: the themes several teams share
    actions: tuple[ActionEffect, ...] = ()  # the team's actions up to this week; organisation view: every team's
    shared_notes: tuple[SharedNoteItem, ...] = ()  # read live at each build (never frozen: a note can be withdrawn)

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
            "customer_ratings": None if self.customer_ratings is None else _ratings_json(self.customer_ratings),
            "pooled_csat": None if self.pooled_csat is None else _flat(self.pooled_csat),
            "themes": [_flat(t) for t in self.themes],
            "actions": [_flat(a) | {"effects": [_flat(e) for e in a.effects]} for a in self.actions],
            "shared_notes": [_flat(n) for n in self.shared_notes],
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
            links=tuple(LinkFigures(**link) for link in data.get("links", ())), scope=data.get("scope", "team"),
            customer_ratings=_ratings_from(data.get("customer_ratings")),
            pooled_csat=None if data.get("pooled_csat") is None else PooledCsat(**data["pooled_csat"]),
            themes=tuple(Theme(**t) for t in data.get("themes", ())),
            actions=tuple(ActionEffect(**(a | {"effects": tuple(EffectFigure(**e) for e in a["effects"])}))
                          for a in data.get("actions", ())),
            shared_notes=tuple(SharedNoteItem(**n) for n in data.get("shared_notes", ())))


def _flat(value: Any) -> dict[str, Any]:
    """A dataclass of plain values (numbers, strings, None) as a dict, in field order."""
    return dict(vars(value))


def _ratings_json(figures: CustomerRatingFigures) -> dict[str, Any]:
    return {"ratings": figures.ratings, "agents": figures.agents, "csat": figures.csat,
            "trend": None if figures.trend is None else _flat(figures.trend),
            "comment_sentiment": figures.comment_sentiment, "sources": list(figures.sources)}


def _ratings_from(data: Mapping[str, Any] | None) -> CustomerRatingFigures | None:
    if data is None:
        return None
    trend = None if data.get("trend") is None else stats.Trend(**data["trend"])
    return CustomerRatingFigures(ratings=data["ratings"], agents=data["agents"], csat=data["csat"], trend=trend,
                                 comment_sentiment=data["comment_sentiment"], sources=tuple(data.get("sources", ())))
