"""Train Tandem's sentiment model from the training pool and write it into the repository.

    .venv/bin/python scripts/train_sentiment.py [--pool FILE] [--extra FILE ...] [--out FILE]

Deterministic: fixed fold split and seed, one thread, so the same inputs give the same model bytes.
Every setting is chosen by 5-fold cross-validation inside the training data (never on an evaluation
set), each kind of text counting once whatever its size (tweets, Reddit, review sentences, workplace):
the regularisation strength (best mean out-of-fold macro-F1), the rules' share of the product's blend
(best mean correlation of the polarity with the ordinal label -1/0/+1, since digests average polarities)
and then the label rule, a neutral band or the model's most probable class (best mean macro-F1 at that
share). The features are `handlers.sentiment.features` plus the rules scorer's polarities, so the model
learns how far to trust the rules: it is stacked with them, not beside them.
Training needs scikit-learn (pinned in requirements.txt); scoring needs only numpy.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from sentiment_eval import macro_f1 as bench_macro_f1  # noqa: E402

from handlers.sentiment.features import BUCKETS, feature_ids  # noqa: E402
from handlers.sentiment.model import CLASSES, MODEL_PATH, TrainedModel, write_model  # noqa: E402
from handlers.sentiment.scorer import LABEL_BAND, TandemScorer, rule_features  # noqa: E402
from handlers.sentiment.stacked import StackedScorer, blend, rules_decide  # noqa: E402

POOL = REPO.parent / "shared" / "data" / "sentiment" / "train" / "train_pool.tsv"
WORKPLACE = REPO / "training" / "workplace_sentences.tsv"
ALPHAS = (1e-6, 3e-6, 1e-5, 3e-5)
# Weight of each workplace sentence against a pool text. The workplace set is 0.2% of the rows but the
# product's own domain; the weight is chosen by the same cross-validation as alpha.
WORKPLACE_WEIGHTS = (1.0, 10.0, 30.0, 100.0)
BANDS = tuple(b / 100 for b in range(5, 51, 5))
# How a text gets its label: a neutral band on the blended polarity, or (None) the model's most probable
# class. Both kinds compete in the same cross-validation.
LABEL_RULES: tuple[float | None, ...] = (*BANDS, None)
SHARES = tuple(s / 10 for s in range(11))
FOLDS = 5
SEED = 0
EPOCHS = 20
# Every CHECK_EVERY-th training text is scored through the run-time path after training; the figure
# goes into the model file, so a test can prove the shipped file reproduces the training run.
CHECK_EVERY = 20


@dataclass(frozen=True)
class Example:
    source: str
    label: int
    text: str


def read_examples(path: Path) -> list[Example]:
    """`source \\t label \\t text` rows (a header row is skipped)."""
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(record) == 3 and record[1] in CLASSES:
                rows.append(Example(record[0], CLASSES.index(record[1]), record[2]))
    return rows


def design(texts: Sequence[str], rules: np.ndarray) -> Any:
    """The training matrix: scaled feature counts (as `TrainedModel.probabilities` reads them), then
    the rule features (`rule_features`) in the last columns."""
    from scipy.sparse import csr_matrix

    indices: list[np.ndarray] = []
    values: list[np.ndarray] = []
    pointers = [0]
    for text, rule in zip(texts, rules):
        ids = feature_ids(text)
        scale = 1 / math.sqrt(len(ids)) if len(ids) else 0.0
        indices.append(np.append(ids, BUCKETS + np.arange(len(rule))))
        values.append(np.append(np.full(len(ids), scale), rule))
        pointers.append(pointers[-1] + len(ids) + len(rule))
    matrix = csr_matrix((np.concatenate(values), np.concatenate(indices), np.array(pointers)),
                        shape=(len(texts), BUCKETS + rules.shape[1]))
    matrix.sum_duplicates()
    return matrix


def macro_f1(gold: np.ndarray, pred: np.ndarray) -> float:
    """The bench's macro-F1 (one definition of the measure), on class indices."""
    names = np.array(CLASSES)
    return bench_macro_f1(list(names[gold]), list(names[pred]))


def kind_of(source: str) -> str:
    """The kind of text a source is ("uci-yelp" and "uci-imdb" are both review sentences)."""
    return source.split("-")[0]


def pearson(xs: np.ndarray, ys: np.ndarray) -> float:
    return float(np.corrcoef(xs, ys)[0, 1])


def band_labels(polarity: np.ndarray, band: float) -> np.ndarray:
    """Class index per polarity with a symmetric neutral band (as `label_for`)."""
    return np.where(polarity > band, 2, np.where(polarity < -band, 0, 1))


def classifier(alpha: float) -> Any:
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(loss="log_loss", alpha=alpha, max_iter=EPOCHS, tol=None, random_state=SEED)


def out_of_fold(matrix: Any, labels: np.ndarray, alpha: float, weights: np.ndarray) -> np.ndarray:
    """Out-of-fold class probabilities over FOLDS stratified folds."""
    from sklearn.model_selection import StratifiedKFold

    probabilities = np.zeros((len(labels), len(CLASSES)))
    for fit_rows, held in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(matrix, labels):
        model = classifier(alpha).fit(matrix[fit_rows], labels[fit_rows], sample_weight=weights[fit_rows])
        probabilities[held] = model.predict_proba(matrix[held])
    return probabilities


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pool", type=Path, default=POOL)
    parser.add_argument("--extra", type=Path, action="append", help=f"more labelled rows (default {WORKPLACE})")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--alphas", type=float, nargs="+", default=ALPHAS, help="regularisation strengths to try")
    parser.add_argument("--workplace-weights", type=float, nargs="+", default=WORKPLACE_WEIGHTS,
                        help="weights of a workplace sentence to try")
    parser.add_argument("--limit", type=int, help="use only the first N pool rows (quick runs, tests)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    examples = read_examples(args.pool)[: args.limit]
    extras = [row for path in (args.extra if args.extra is not None else [WORKPLACE]) for row in read_examples(path)]
    examples += extras
    labels = np.array([e.label for e in examples])
    sources = np.array([e.source for e in examples])
    scorer = TandemScorer()
    normalised = [scorer.normalised(e.text) for e in examples]
    evidence = [scorer.evidence(text, normalised=True) for text in normalised]
    rules = np.array([rule_features(ev, scorer.combine(ev)) for ev in evidence])
    matrix = design(normalised, rules)
    print(f"{len(examples):,} texts ({len(extras):,} extra), {matrix.nnz:,} features, "
          f"{time.monotonic() - started:.0f} s")

    groups = [np.array([kind_of(source) == kind for source in sources]) for kind in sorted(set(map(kind_of, sources)))]

    def per_kind(measure: Callable[[np.ndarray, np.ndarray], float], gold: np.ndarray, got: np.ndarray) -> float:
        """The mean of `measure` over the kinds of text: each kind counts once."""
        return float(np.mean([measure(gold[rows], got[rows]) for rows in groups]))

    workplace = np.array([kind_of(source) == "workplace" for source in sources])

    def sample_weights(weight: float) -> np.ndarray:
        return np.where(workplace, weight, 1.0)

    cv: dict[str, dict[str, float]] = {}
    best: tuple[float, float, float, np.ndarray] | None = None
    for alpha in args.alphas:
        for weight in args.workplace_weights:
            probabilities = out_of_fold(matrix, labels, alpha, sample_weights(weight))
            f1 = per_kind(macro_f1, labels, probabilities.argmax(axis=1))
            cv[f"alpha {alpha:g}, workplace weight {weight:g}"] = {"mean_macro_f1_over_kinds": round(f1, 4)}
            print(f"alpha {alpha:g}, workplace weight {weight:g}: out-of-fold macro-F1 {f1:.4f} "
                  f"({time.monotonic() - started:.0f} s)")
            if best is None or f1 > best[2]:
                best = (alpha, weight, f1, probabilities)
    assert best is not None
    alpha, weight, _, probabilities = best
    model_polarity = probabilities[:, 2] - probabilities[:, 0]
    vetoed = np.array([rules_decide(ev) for ev in evidence])
    silent = np.array([not (ev.vader_hits or ev.textblob_hits) for ev in evidence])
    veto_labels = band_labels(rules[:, 0], LABEL_BAND)

    def scored(share: float, band: float | None) -> tuple[np.ndarray, np.ndarray]:
        """The product scorer's polarity and labels out of fold, for one rules share and label rule."""
        polarity = np.asarray(blend(rules[:, 0], model_polarity, np.where(silent, 0.0, share)))
        chosen = probabilities.argmax(axis=1) if band is None else band_labels(polarity, band)
        return polarity, np.where(vetoed, veto_labels, chosen)

    # The polarity is used as a number (weekly means), so the rules' share is chosen for the best
    # correlation with the ordinal label (-1, 0, +1); the label rule then for the best macro-F1 at that share.
    ordinal = labels - 1.0
    share = max(SHARES, key=lambda s: per_kind(pearson, ordinal, scored(s, 0.0)[0]))
    by_rule = {rule: per_kind(macro_f1, labels, scored(share, rule)[1]) for rule in LABEL_RULES}
    band = max(LABEL_RULES, key=lambda rule: by_rule[rule])
    predicted = scored(share, band)[1]
    by_source = {
        str(source): round(macro_f1(labels[sources == source], predicted[sources == source]), 4)
        for source in sorted(set(sources))
    }
    print(f"chosen alpha {alpha:g}, workplace weight {weight:g}, rules share {share}, band {band}: "
          f"out-of-fold macro-F1 "
          f"{macro_f1(labels, predicted):.4f}, by source {by_source}; r with the ordinal label "
          + ", ".join(f"{s}: {per_kind(pearson, ordinal, scored(s, 0.0)[0]):.4f}" for s in SHARES))

    final = classifier(alpha).fit(matrix, labels, sample_weight=sample_weights(weight))
    coef = final.coef_.T  # (BUCKETS + 1, 3)
    meta = {
        "trained_on": {"pool": args.pool.name, "pool_rows": len(examples) - len(extras), "extra_rows": len(extras),
                       "pool_sha256": hashlib.sha256(args.pool.read_bytes()).hexdigest()},
        "settings": {"alpha": alpha, "workplace_weight": weight,
                     "workplace_weights_tried": list(args.workplace_weights),
                     "epochs": EPOCHS, "seed": SEED, "folds": FOLDS, "loss": "log_loss",
                     "alphas_tried": list(args.alphas), "label_rules_tried": list(LABEL_RULES),
                     "rules_shares_tried": list(SHARES)},
        "cross_validation": {"by_setting": cv, "by_source_at_band": by_source,
                             "mean_macro_f1_by_label_rule": {str(rule): round(f1, 4) for rule, f1 in by_rule.items()},
                             "macro_f1": round(macro_f1(labels, predicted), 4),
                             "mean_macro_f1_over_kinds": round(per_kind(macro_f1, labels, predicted), 4),
                             "ordinal_r_by_share": {f"{s}": round(per_kind(pearson, ordinal, scored(s, 0.0)[0]), 4)
                                                    for s in SHARES}},
    }
    model = write_model(args.out, coef[:BUCKETS], coef[BUCKETS:], final.intercept_, band, share, meta)
    check = check_figure(model, examples)
    model = write_model(args.out, coef[:BUCKETS], coef[BUCKETS:], final.intercept_, band, share,
                        {**meta, "check": {"every": CHECK_EVERY, "macro_f1": check}})
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.2f} MB, sha256 {hashlib.sha256(args.out.read_bytes()).hexdigest()[:16]}); "
          f"in-sample check macro-F1 {check} on every {CHECK_EVERY}th text; {time.monotonic() - started:.0f} s")


def check_figure(model: TrainedModel, examples: Sequence[Example]) -> float:
    """Macro-F1 of the product scorer with the shipped (float16) model on every CHECK_EVERY-th training
    text: the figure a test recomputes from the file."""
    return check_macro_f1(StackedScorer(model=model), examples[::CHECK_EVERY])


def check_macro_f1(scorer: StackedScorer, examples: Sequence[Example]) -> float:
    """Macro-F1 of `scorer` on labelled examples, rounded as the model file records it."""
    predicted = np.array([CLASSES.index(scorer.score(e.text).label) for e in examples])
    return round(macro_f1(np.array([e.label for e in examples]), predicted), 6)


if __name__ == "__main__":
    main()
