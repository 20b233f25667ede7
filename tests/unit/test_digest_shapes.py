"""The digest's hand-written shapes stay in step with the dataclasses they mirror.

`TeamDigest.to_json` is written out field by field (it runs for every digest stored) and
`storage.digests.sealed_weeks` reads sealed sums by position; both must match a generic walk.
"""
from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from typing import Any

from handlers.insights import privacy
from handlers.insights.figures import figures_from
from handlers.insights.report import SCHEMA_VERSION
from handlers.insights.weeks import WeekView
from storage.calendar import iso_week_bounds
from storage.digests import _SEALED_SUMS, WeekAggregate

WEEK = "2026-W46"


def _generic(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _generic(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _generic(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_generic(v) for v in value]
    return value


def _week(k: int) -> WeekAggregate:
    """A team-week whose mood and customer quality both vary from week to week."""
    scores = {1: k % 2, 2: 1, 3: 3 + k % 3, 4: 4, 5: 2 + k % 4}
    return WeekAggregate(members=9, respondents=7, entries=sum(scores.values()),
                         mood_sum=sum(s * n for s, n in scores.items()), distribution=scores, notes=6, note_authors=5,
                         note_polarity_sum=0.4 * k - 1, moments=12, moment_authors=6, moments_positive=3 + k % 5,
                         moments_negative=2, moments_mixed=1, moment_polarity_sum=0.3 * k - 2)


def _rich_digest():  # a TeamDigest
    monday, _ = iso_week_bounds(WEEK)
    previous = [WeekView(monday - timedelta(weeks=12 - k), _week(k)) for k in range(12)]
    quotes = (privacy.Quote("Sorted the invoice in one call", "positive"), privacy.Quote("Waited a week", "negative"))
    return figures_from("Support", WEEK, _week(12), 5, previous=previous,
                        touchpoints=[("billing", 5), ("support", 4)], quotes=quotes)


def test_to_json_matches_a_generic_walk_of_the_digest_key_for_key() -> None:
    report = _rich_digest()
    assert report.mood is not None and report.mood.trend is not None and report.links and report.moments.excerpts
    expected = _generic(report) | {"week_start": report.week_start.isoformat(), "week_end": report.week_end.isoformat(),
                                   "schema_version": SCHEMA_VERSION, "suppressed": report.suppressed}
    assert json.dumps(report.to_json()) == json.dumps(expected)


def test_to_json_of_a_suppressed_digest_matches_too() -> None:
    report = figures_from("Tiny", WEEK, WeekAggregate(members=3, respondents=2, entries=4, mood_sum=12), 5)
    expected = _generic(report) | {"week_start": report.week_start.isoformat(), "week_end": report.week_end.isoformat(),
                                   "schema_version": SCHEMA_VERSION, "suppressed": True}
    assert json.dumps(report.to_json()) == json.dumps(expected)


def test_sealed_sums_are_read_in_the_order_of_week_aggregate_fields() -> None:
    fields = []
    for f in dataclasses.fields(WeekAggregate):
        fields += [f"score_{s}" for s in range(1, 6)] if f.name == "distribution" else [f.name]
    assert [column.key for column in _SEALED_SUMS] == fields


def test_to_json_with_shared_notes_matches_and_reads_back() -> None:
    from dataclasses import replace

    from handlers.insights.report import SharedNoteItem, TeamDigest

    report = replace(_rich_digest(), shared_notes=(SharedNoteItem(31, "fewer meetings"), SharedNoteItem(7, "thanks")))
    data = report.to_json()
    assert data["shared_notes"] == [{"number": 31, "text": "fewer meetings"}, {"number": 7, "text": "thanks"}]
    assert json.dumps(data) == json.dumps(_generic(report) | {
        "week_start": report.week_start.isoformat(), "week_end": report.week_end.isoformat(),
        "schema_version": SCHEMA_VERSION, "suppressed": report.suppressed})
    assert TeamDigest.from_json(data).to_json() == data
