"""Sentiment scoring behind one small interface, so the scorer can improve without touching callers.

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


class TextBlobScorer:
    """TextBlob's pattern-based polarity: the baseline every other scorer is measured against."""

    version = "textblob-0.20.1"

    def __init__(self) -> None:
        from textblob.en.sentiments import PatternAnalyzer

        self._analyzer = PatternAnalyzer()

    def score(self, text: str) -> Sentiment:
        polarity = clamp(float(self._analyzer.analyze(text).polarity)) if text.strip() else 0.0
        return Sentiment(polarity=polarity, label=label_for(polarity))


def default_scorer() -> Scorer:
    """The scorer Tandem uses for notes and moments: TandemScorer (see handlers/sentiment_scorer.py)."""
    from handlers.sentiment_scorer import TandemScorer  # imported here: it builds on this module

    return TandemScorer()
