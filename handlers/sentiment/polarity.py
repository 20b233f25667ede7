"""What every scorer returns and promises: a polarity in [-1, 1], its label, and a version.

Every score is stored with the scorer's `version`, so history can be re-scored by a later scorer.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Label = Literal["positive", "neutral", "negative"]

# Polarity within ±NEUTRAL_BAND counts as neutral: short chat text rarely scores exactly 0.
NEUTRAL_BAND = 0.05


@dataclass(frozen=True)
class Sentiment:
    """A polarity in [-1, 1] and the label it falls into."""

    polarity: float
    label: Label


class Scorer(Protocol):
    """Anything that turns text into a Sentiment; `version` identifies it in stored scores."""

    version: str

    def score(self, text: str) -> Sentiment: ...


def label_for(polarity: float, band: float = NEUTRAL_BAND) -> Label:
    """Map a polarity to its label with a symmetric neutral band."""
    if polarity > band:
        return "positive"
    if polarity < -band:
        return "negative"
    return "neutral"


def clamp(value: float) -> float:
    """Keep a polarity inside [-1, 1]."""
    return max(-1.0, min(1.0, value))
