"""Sentiment scoring behind one small entrance, so the scorer can improve without touching callers.

`Sentiment` and `Scorer` are what callers hold; `default_scorer()` builds the product's scorer (built by
the wiring, never at import time); `TextBlobScorer` is the fast baseline tests and benchmarks use.
"""
from __future__ import annotations

from handlers.sentiment.baseline import TextBlobScorer
from handlers.sentiment.polarity import Label, Scorer, Sentiment, label_for
from handlers.sentiment.scorer import TandemScorer

__all__ = ["Label", "Scorer", "Sentiment", "TandemScorer", "TextBlobScorer", "default_scorer", "label_for"]


def default_scorer() -> Scorer:
    """The scorer Tandem uses for notes, moments and comments."""
    return TandemScorer()
