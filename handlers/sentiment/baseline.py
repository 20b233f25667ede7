"""TextBlob alone: the baseline every scorer is measured against, and the fast scorer tests use."""
from __future__ import annotations

from handlers.sentiment.polarity import Sentiment, clamp, label_for


class TextBlobScorer:
    """TextBlob's pattern-based polarity: the baseline every other scorer is measured against."""

    version = "textblob-0.20.1"

    def __init__(self) -> None:
        from textblob.en.sentiments import PatternAnalyzer

        self._analyzer = PatternAnalyzer()

    def score(self, text: str) -> Sentiment:
        polarity = clamp(float(self._analyzer.analyze(text).polarity)) if text.strip() else 0.0
        return Sentiment(polarity=polarity, label=label_for(polarity))
