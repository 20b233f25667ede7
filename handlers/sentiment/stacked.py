"""Tandem's scorer (tandem-5): the trained model stacked on the workplace rules, and the rules' veto.

The model (handlers/sentiment/model.py) reads every text and takes the rules' polarities as inputs,
so on public text it learns how far to trust them; its polarity is then blended with the rules' own
(`rules_share`, chosen by cross-validation on the training pool). Where the rules are silent (no
opinion word at all), the model speaks alone. Where the rules hold knowledge the training pool lacks,
they decide alone: a curated workplace word or phrase ("swamped", "shipped", "burned out"), a negated
bad event ("no customer impact"), sarcasm ("great, another outage") and emoji-only messages. That veto
is a design choice, not a fitted one: those are the cases the rules were written for and the pool
(tweets, Reddit, reviews) barely contains.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from handlers.sentiment.model import CLASSES, MODEL_PATH, TrainedModel, load_model
from handlers.sentiment.polarity import Sentiment, label_for
from handlers.sentiment.scorer import LABEL_BAND, Evidence, TandemScorer, rule_features


def rules_decide(evidence: Evidence) -> bool:
    """Whether the curated rules know this text better than the model."""
    return evidence.curated or evidence.sarcastic or evidence.emoji_only


def blend(rules: np.ndarray | float, model: np.ndarray | float, share: np.ndarray | float) -> np.ndarray | float:
    """The product's polarity: `share` of the rules' polarity, the rest the model's."""
    return share * rules + (1 - share) * model


class StackedScorer:
    """The trained model over normalised text and the rules' polarity; the rules where they know better."""

    version = "tandem-5"

    def __init__(self, model_path: Path = MODEL_PATH, rules: TandemScorer | None = None,
                 model: TrainedModel | None = None) -> None:
        self._rules = rules or TandemScorer()
        self._model = model or load_model(model_path)

    def score(self, text: str) -> Sentiment:
        if not text or text.isspace():
            return Sentiment(polarity=0.0, label="neutral")
        normalised = self._rules.normalised(text)
        evidence = self._rules.evidence(normalised, normalised=True)
        rules = self._rules.combine(evidence)
        if rules_decide(evidence):
            return Sentiment(polarity=rules, label=label_for(rules, LABEL_BAND))
        share = self._model.rules_share if evidence.vader_hits or evidence.textblob_hits else 0.0
        probabilities = self._model.probabilities(normalised, rule_features(evidence, rules))
        polarity = float(blend(rules, probabilities[2] - probabilities[0], share))
        if self._model.band is None:
            return Sentiment(polarity=polarity, label=CLASSES[probabilities.index(max(probabilities))])
        return Sentiment(polarity=polarity, label=label_for(polarity, self._model.band))
