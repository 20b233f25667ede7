"""The shipped sentiment model file: it loads, reproduces the training run's check figure, and scores
hostile input without error."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from handlers.sentiment.model import CLASSES, MODEL_PATH, load_model
from handlers.sentiment.scorer import TandemScorer, rule_features
from handlers.sentiment.stacked import StackedScorer, rules_decide

REPO = Path(__file__).resolve().parents[2]
POOL = REPO.parent / "shared" / "data" / "sentiment" / "train" / "train_pool.tsv"


def test_model_file_is_small_and_loads() -> None:
    assert MODEL_PATH.stat().st_size <= 5 * 1024 * 1024
    model = load_model()
    assert model.weights.shape[1] == 3
    probabilities = model.probabilities("great work", (0.5, 0.5, 0.5))
    assert len(probabilities) == 3 and sum(probabilities) == pytest.approx(1.0) and min(probabilities) > 0


@pytest.mark.skipif(not POOL.exists(), reason="the training pool (../shared/data/sentiment/train) is not here")
def test_model_reproduces_the_training_figure() -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    import train_sentiment

    model = load_model()
    examples = train_sentiment.read_examples(POOL) + train_sentiment.read_examples(train_sentiment.WORKPLACE)
    check = model.meta["check"]
    got = train_sentiment.check_macro_f1(StackedScorer(model=model), examples[:: check["every"]])
    assert got == pytest.approx(check["macro_f1"], abs=1e-6)


@pytest.mark.parametrize("text", ["", "   ", "x" * 40_000, "🎉🎉🔥", ":tada: :fire:", "https://example.com/a?b=c",
                                  "Привет мир 你好 مرحبا great", "\u0000\u200b"])
def test_hostile_text_scores_without_error(text: str) -> None:
    result = StackedScorer().score(text)
    assert -1.0 <= result.polarity <= 1.0
    assert result.label in {"positive", "neutral", "negative"}


@pytest.mark.parametrize("text", ["the meeting ran long", "customer asked for the invoice again",
                                  "really enjoyed the offsite", "this release is a mess"])
def test_the_label_is_the_model_s_most_probable_class_where_the_rules_do_not_decide(text: str) -> None:
    """Cross-validation chose the most probable class over every neutral band (model.json's band is null);
    the polarity stays the blend digests average."""
    model, rules = load_model(), TandemScorer()
    assert model.band is None
    normalised = rules.normalised(text)
    evidence = rules.evidence(normalised, normalised=True)
    assert not rules_decide(evidence), text
    probabilities = model.probabilities(normalised, rule_features(evidence, rules.combine(evidence)))
    assert StackedScorer(model=model).score(text).label == CLASSES[probabilities.index(max(probabilities))]
