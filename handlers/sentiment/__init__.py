"""Sentiment scoring behind one small entrance, so the scorer can improve without touching callers.

`Sentiment` and `Scorer` are what callers hold; `default_scorer()` builds the product's scorer (built by
the wiring, never at import time): tandem-5, the trained model stacked on the workplace rules
(handlers/sentiment/stacked.py, model card in handlers/sentiment/MODEL_CARD.md). `TandemScorer` is the
rules alone (tandem-3); `TextBlobScorer` is the fast baseline tests and benchmarks use.
"""
from __future__ import annotations

from handlers.sentiment.baseline import TextBlobScorer
from handlers.sentiment.polarity import Label, Scorer, Sentiment, label_for
from handlers.sentiment.scorer import TandemScorer
from handlers.sentiment.stacked import StackedScorer

__all__ = ["Label", "Scorer", "Sentiment", "StackedScorer", "TandemScorer", "TextBlobScorer", "default_scorer",
           "label_for"]


def default_scorer() -> Scorer:
    """The scorer Tandem uses for notes, moments and comments (loads the model file once per process)."""
    return StackedScorer()
