"""The workplace training sentences stay apart from the workplace evaluation set.

tests/data/workplace_sentiment.csv judges the scorer, so no training row may be one of its rows or a near copy
(the same sentence with a word or two changed); otherwise its agreement figure would be partly in-sample.
"""
from __future__ import annotations

import csv
import difflib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TRAINING = REPO / "training" / "workplace_sentences.tsv"
EVALUATION = REPO / "tests" / "data" / "workplace_sentiment.csv"
NEAR = 0.8  # difflib ratio from which two sentences count as copies ("on call next week" / "on call this week")


def _bare(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def test_no_training_sentence_is_an_evaluation_row_or_a_near_copy() -> None:
    with EVALUATION.open(encoding="utf-8", newline="") as handle:
        evaluation = [_bare(row["text"]) for row in csv.DictReader(handle)]
    with TRAINING.open(encoding="utf-8", newline="") as handle:
        training = [row[2] for row in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)][1:]
    assert len(training) > 1000 and len(evaluation) > 200
    copies = {text: match for text in training
              for match in difflib.get_close_matches(_bare(text), evaluation, n=1, cutoff=NEAR)}
    assert not copies, f"{len(copies)} training sentences copy evaluation rows: {list(copies.items())[:5]}"
