"""Measure sentiment scorers against human ratings, side by side.

    .venv/bin/python bench/sentiment_eval.py [--data DIR] [--ablation] [--fit]

Sets (../shared/data/sentiment/): VADER-paper tweets and movie-review snippets (mean of ~20 human
ratings, -4..+4; reported as Pearson r) and the GoEmotions dev set grouped to
negative/neutral/positive (ambiguous counted as neutral, multi-label rows take their first label;
reported as 3-class macro-F1). Speed is texts per second in this single process, over all sets.
`--fit` re-runs the grid search for TandemScorer's combination numbers (VADER weight and alpha, then
the short-text shift) on the fixed "fit" half of the tweets and movies (ids hashed with crc32) and
reports r on the held-out half. The workplace set (tests/data/workplace_sentiment.csv) is reported as
label agreement, on its first 222 rows and on the 26 rows added to check the tandem-2 rules.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from handlers.sentiment import Sentiment, TextBlobScorer, label_for  # noqa: E402
from handlers.sentiment_scorer import Mix, TandemScorer  # noqa: E402

LABELS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Rated:
    """One text with its human mean rating (-4..4) and a stable id for splitting."""

    id: str
    mean: float
    text: str


@dataclass(frozen=True)
class Labelled:
    id: str
    text: str
    label: str


def load_rated(path: Path) -> list[Rated]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            rid, mean, text = line.split("\t", 2)
            rows.append(Rated(rid, float(mean), text))
    return rows


def load_goemotions(data: Path) -> list[Labelled]:
    names = [n.strip() for n in (data / "goemotions_group_labels.txt").read_text().splitlines()]
    as_three = {"ambiguous": "neutral", "negative": "negative", "neutral": "neutral", "positive": "positive"}
    rows = []
    for line in (data / "goemotions_group_dev.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip():
            text, labels, gid = line.split("\t")
            rows.append(Labelled(gid, text, as_three[names[int(labels.split(",")[0])]]))
    return rows


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else 0.0


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    f1s = []
    for c in LABELS:
        tp = sum(1 for g, p in zip(gold, pred) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred) if g == c and p != c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def in_fit_half(row: Rated | Labelled) -> bool:
    """Fixed split: half the rows (by crc32 of id) for fitting, the rest held out."""
    return zlib.crc32(row.id.encode()) % 2 == 0


class VaderScorer:
    """VADER's compound score alone, labelled with its authors' +-0.05 band."""

    version = "vader-3.3.2"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer = SentimentIntensityAnalyzer()

    def score(self, text: str) -> Sentiment:
        polarity = float(self._analyzer.polarity_scores(text)["compound"])
        return Sentiment(polarity=polarity, label=label_for(polarity))


@dataclass(frozen=True)
class Result:
    name: str
    tweets_r: float
    movies_r: float
    goemotions_f1: float
    per_second: float


def evaluate(name: str, score: Callable[[str], Sentiment], sets: dict[str, list]) -> Result:
    started = time.process_time()
    tweets = [score(r.text) for r in sets["tweets"]]
    movies = [score(r.text) for r in sets["movies"]]
    goemo = [score(r.text) for r in sets["goemotions"]]
    elapsed = time.process_time() - started
    count = len(tweets) + len(movies) + len(goemo)
    return Result(
        name,
        pearson([s.polarity for s in tweets], [r.mean for r in sets["tweets"]]),
        pearson([s.polarity for s in movies], [r.mean for r in sets["movies"]]),
        macro_f1([r.label for r in sets["goemotions"]], [s.label for s in goemo]),
        count / elapsed,
    )


def print_table(results: list[Result]) -> None:
    print(f"{'scorer':<34} | {'tweets r':>8} | {'movies r':>8} | {'GoEmotions macro-F1':>19} | {'texts/s (one core)':>18}")
    print("-" * 99)
    for r in results:
        print(f"{r.name:<34} | {r.tweets_r:8.3f} | {r.movies_r:8.3f} | {r.goemotions_f1:19.3f} | {r.per_second:18,.0f}")


def ablations() -> list[tuple[str, Mix]]:
    full = Mix()
    return [
        ("tandem without TextBlob", replace(full, use_textblob=False)),
        ("tandem without VADER", replace(full, use_vader=False)),
        ("tandem without text normalisation", replace(full, normalise_text=False)),
        ("tandem without workplace lexicon", replace(full, workplace_lexicon=False)),
        ("tandem without contrast weighting", replace(full, contrast=False)),
        ("tandem without negated events", replace(full, negated_events=False)),
        ("tandem without short-text VADER shift", replace(full, confident_vader_shift=0.0)),
        ("tandem without sarcasm rule", replace(full, sarcasm=False)),
    ]


def fit(sets: dict[str, list]) -> None:
    """Grid-search the combination numbers on the fit half; report the held-out half."""
    scorer = TandemScorer()
    halves = {}
    for key in ("tweets", "movies"):
        rows = sets[key]
        evidence = [(scorer.evidence(r.text), r) for r in rows]
        halves[key] = (
            [(e, r.mean) for e, r in evidence if in_fit_half(r)],
            [(e, r.mean) for e, r in evidence if not in_fit_half(r)],
        )

    def r_for(mix: Mix, pairs: list) -> float:
        combiner = TandemScorer.__new__(TandemScorer)
        combiner._mix = mix
        return pearson([combiner.combine(e) for e, _ in pairs], [m for _, m in pairs])

    best = None
    for weight in [w / 20 for w in range(6, 21)]:
        for alpha in (4.0, 8.0, 15.0, 30.0, 60.0):
            mix = Mix(vader_weight=weight, vader_alpha=alpha)
            objective = (r_for(mix, halves["tweets"][0]) + r_for(mix, halves["movies"][0])) / 2
            if best is None or objective > best[0]:
                best = (objective, mix)
    assert best is not None
    mix = best[1]
    print(f"best on fit half: vader_weight={mix.vader_weight} vader_alpha={mix.vader_alpha} "
          f"(mean r {best[0]:.3f})")
    # Second stage, at that weight and alpha: how much of TextBlob's share a confident VADER takes
    # on short texts.
    for words in (0, 8, 12, 16, 20, 30, 1000):
        for shift in (0.0, 0.25, 0.5, 0.75, 1.0):
            candidate = replace(best[1], short_text_words=words, confident_vader_shift=shift)
            objective = (r_for(candidate, halves["tweets"][0]) + r_for(candidate, halves["movies"][0])) / 2
            if objective > best[0]:
                best = (objective, candidate)
    mix = best[1]
    print(f"  then short_text_words={mix.short_text_words} confident_vader_shift={mix.confident_vader_shift} "
          f"(mean r {best[0]:.3f})")
    goemo = [(scorer.combine(scorer.evidence(r.text)), r) for r in sets["goemotions"]]
    fit_rows = [(p, r.label) for p, r in goemo if in_fit_half(r)]
    held_rows = [(p, r.label) for p, r in goemo if not in_fit_half(r)]

    def f1_for(band: float, rows: list) -> float:
        return macro_f1([g for _, g in rows], [label_for(p, band) for p, _ in rows])

    band = max((b / 100 for b in range(5, 51, 5)), key=lambda b: f1_for(b, fit_rows))
    print(f"best label band on GoEmotions fit half (shipped mix): {band} "
          f"(fit-half F1 {f1_for(band, fit_rows):.3f}, held-out F1 {f1_for(band, held_rows):.3f})")
    for key in ("tweets", "movies"):
        print(f"  {key}: fit-half r {r_for(mix, halves[key][0]):.3f}, held-out r {r_for(mix, halves[key][1]):.3f}"
              f"  (shipped mix: held-out r {r_for(Mix(), halves[key][1]):.3f})")


WORKPLACE = REPO / "tests" / "data" / "workplace_sentiment.csv"
WORKPLACE_ORIGINAL_ROWS = 222  # rows after these were added to check the tandem-2 rules


def workplace_agreement(score: Callable[[str], Sentiment]) -> str:
    """Label agreement on the workplace set: all rows, the original rows, the added rows."""
    import csv

    with WORKPLACE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    hits = [score(r["text"]).label == r["label"] for r in rows]
    first, added = hits[:WORKPLACE_ORIGINAL_ROWS], hits[WORKPLACE_ORIGINAL_ROWS:]
    return (f"{sum(hits) / len(hits):.1%} ({sum(hits)}/{len(hits)}; first {len(first)}: {sum(first)}, "
            f"added {len(added)}: {sum(added)})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "sentiment")
    parser.add_argument("--ablation", action="store_true", help="also score TandemScorer with parts off")
    parser.add_argument("--fit", action="store_true", help="re-run the combination fit on the fit half")
    args = parser.parse_args(argv)
    sets = {
        "tweets": load_rated(args.data / "tweets_GroundTruth.txt"),
        "movies": load_rated(args.data / "movieReviewSnippets_GroundTruth.txt"),
        "goemotions": load_goemotions(args.data),
    }
    print(f"tweets {len(sets['tweets'])}, movie snippets {len(sets['movies'])}, GoEmotions dev {len(sets['goemotions'])}")
    if args.fit:
        fit(sets)
        return
    tandem = TandemScorer()
    results = [
        evaluate("TextBlob alone", TextBlobScorer().score, sets),
        evaluate("VADER alone", VaderScorer().score, sets),
        evaluate(f"Tandem ({tandem.version})", tandem.score, sets),
    ]
    if args.ablation:
        results += [evaluate(name, TandemScorer(mix).score, sets) for name, mix in ablations()]
    print_table(results)
    print(f"workplace agreement, Tandem ({tandem.version}): {workplace_agreement(tandem.score)}")
    if args.ablation:
        for name, mix in ablations():
            print(f"workplace agreement, {name}: {workplace_agreement(TandemScorer(mix).score)}")


if __name__ == "__main__":
    main()
