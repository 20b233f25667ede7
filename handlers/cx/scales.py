"""Every rating scale Tandem reads, normalised to 0-100 with one definition of "satisfied" per scale.

Why one table: webhooks, pulls and CSV files all name a scale and a raw value; the README's table of
what counts as satisfied is this module, and nowhere else decides it.

- `good_bad` (Zendesk): good = 100, satisfied; bad = 0.
- `great_okay_bad` (Help Scout): Great = 100 (satisfied), Okay = 50, Bad = 0.
- `freshdesk`: 103 ... 100 ... -103 (Extremely happy ... Neutral ... Extremely unhappy) → 100 ... 50 ... 0
  in equal steps; satisfied above Neutral (101, 102, 103). A classic 3-point survey (103/100/-103) fits.
- `LO-HI` ranges (`1-5` for Intercom and most CSAT, `0-10` for NPS, `1-7`, ...): linear onto 0-100;
  satisfied at 75 or more: the top two boxes of 1-5 and 1-7, 8-10 of 0-10.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

SATISFIED_FROM = 75.0  # the normalised score from which a numeric range counts as satisfied
FRESHDESK_STEPS = (-103, -102, -101, 100, 101, 102, 103)
WORD_SCALES: dict[str, dict[str, float]] = {
    "good_bad": {"good": 100.0, "bad": 0.0},
    "great_okay_bad": {"great": 100.0, "okay": 50.0, "bad": 0.0},
}
WORD_SATISFIED = {"good", "great"}
RANGE = re.compile(r"^(-?\d{1,3})-(-?\d{1,3})$")
KNOWN = "good_bad, great_okay_bad, freshdesk, or a range such as 1-5 or 0-10"


class BadRating(ValueError):
    """A value that is not a rating on the named scale; the message says what was wrong."""


@dataclass(frozen=True)
class Normalised:
    score: float  # 0-100
    satisfied: bool
    raw_value: str  # as given, trimmed, for the record
    scale: str  # canonical name


def canonical_scale(scale: str) -> str:
    """The scale's canonical name ("1-5", "good_bad", ...), or BadRating naming the scales Tandem knows."""
    name = scale.strip().lower().replace(" ", "").replace("/", "_")
    if name in {"good_bad", "goodbad"}:
        return "good_bad"
    if name in {"great_okay_bad", "greatokaybad"}:
        return "great_okay_bad"
    if name == "freshdesk":
        return "freshdesk"
    found = RANGE.match(name.replace("..", "-").replace("to", "-"))
    if found:
        low, high = int(found.group(1)), int(found.group(2))
        if high - low >= 1 and low >= 0:
            return f"{low}-{high}"
    raise BadRating(f"unknown scale {scale.strip()[:40]!r}: use {KNOWN}")


def normalise(raw: object, scale: str) -> Normalised:
    """A raw rating on a scale → 0-100 and satisfied; BadRating when the value is not on the scale."""
    name = canonical_scale(scale)
    text = str(raw).strip()
    if name in WORD_SCALES:
        word = text.lower()
        if word not in WORD_SCALES[name]:
            allowed = ", ".join(WORD_SCALES[name])
            raise BadRating(f"{text[:20]!r} is not a rating on the {name} scale ({allowed})")
        return Normalised(WORD_SCALES[name][word], word in WORD_SATISFIED, word, name)
    value = _number(text, name)
    if name == "freshdesk":
        if value not in FRESHDESK_STEPS:
            raise BadRating(f"{text[:20]!r} is not a Freshdesk rating (103, 102, 101, 100, -101, -102, -103)")
        step = FRESHDESK_STEPS.index(int(value))
        return Normalised(round(step * 100 / (len(FRESHDESK_STEPS) - 1), 2), value > 100, str(int(value)), name)
    low, high = (int(part) for part in name.split("-"))
    if not low <= value <= high:
        raise BadRating(f"{text[:20]!r} is outside the {name} scale")
    score = round((value - low) * 100 / (high - low), 2)
    return Normalised(score, score >= SATISFIED_FROM, _plain(value), name)


def _number(text: str, scale: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise BadRating(f"{text[:20]!r} is not a number, as the {scale} scale needs") from None
    if not math.isfinite(value):
        raise BadRating(f"{text[:20]!r} is not a number, as the {scale} scale needs")
    return value


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"
