"""The trained model's features: one definition shared by the training script and the run-time scorer.

A text (already normalised by `handlers.sentiment.text.normalise`, so emoji are tokens and markup is
gone) becomes hashed counts of word unigrams and bigrams and of character 3- to 5-grams of its words
(which carry a word's meaning to spellings the pool never saw: "frustrating", "frustratingly"). Words
inside a negation's scope ("not good", up to the next punctuation or contrast word) get a "~" prefix,
so the model can learn that "not great" is not "great". Hashing (a fixed number of buckets) keeps the
model a plain weight table: no vocabulary to ship and nothing to look up but an index.
"""
from __future__ import annotations

import itertools
import re
import zlib

import numpy as np

# Buckets of the hashed feature table. 2**18 (262,144) keeps collisions rare for a ~100k-text pool and
# the shipped table at 1.5 MB in float16; chosen by reasoning about that trade-off, not fitted.
BUCKETS = 1 << 18

_TOKEN = re.compile(r"[a-z0-9_]+(?:'[a-z]+)?|[!?]|[.,;:]")
_NEGATORS = frozenset(
    {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor", "cannot", "without", "hardly",
     "barely", "dont", "didnt", "doesnt", "isnt", "wasnt", "werent", "wont", "cant", "couldnt", "shouldnt"}
)
_SCOPE_ENDS = frozenset({".", ",", ";", ":", "!", "?", "but", "however", "though", "although"})
_PUNCTUATION = frozenset({".", ",", ";", ":"})


def words(text: str) -> list[str]:
    """Lower-case tokens with negation marked ("~good"); sentence punctuation ends a scope and is dropped."""
    out: list[str] = []
    negated = False
    for token in _TOKEN.findall(text.lower()):
        if token in _SCOPE_ENDS:
            negated = False
            if token not in _PUNCTUATION:
                out.append(token)
            continue
        bare = token.replace("'", "")
        if bare in _NEGATORS or token.endswith("n't"):
            negated = True
            out.append(bare)
            continue
        out.append("~" + token if negated else token)
    return out


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: multiply, keep the top bits
_SHIFT = np.uint64(64 - BUCKETS.bit_length() + 1)


def _char_buckets(joined: str) -> np.ndarray:
    """Buckets of every byte 3-, 4- and 5-gram of `joined`. Each n-gram is its bytes packed into one
    integer (exact, no collisions before bucketing), tagged with n, then Fibonacci-hashed; vectorised,
    because a loop per n-gram in Python costs more than the rest of the scorer."""
    data = np.frombuffer(joined.encode("utf-8"), dtype=np.uint8).astype(np.uint64)
    size = len(data)
    if size < 3:
        return np.zeros(0, dtype=np.uint64)
    eight = np.uint64(8)
    grams = [(data[:-2] << np.uint64(16)) | (data[1:-1] << eight) | data[2:]]
    for n in (4, 5):
        if size < n:
            break
        grams.append((grams[-1][:-1] << eight) | data[n - 1 :])
    tagged = [(g | (np.uint64(n) << np.uint64(56))) * _GOLDEN for n, g in zip((3, 4, 5), grams)]
    return np.concatenate(tagged) >> _SHIFT


def feature_ids(text: str) -> np.ndarray:
    """Hashed buckets of every feature of a normalised text, repeats kept (features are counts, which
    also spares a sort per text); empty for a text with no words."""
    tokens = words(text)
    if not tokens:
        return np.zeros(0, dtype=np.int64)
    grams = [*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))]
    hashed = np.fromiter((zlib.crc32(gram.encode()) for gram in grams), dtype=np.uint64, count=len(grams))
    chars = _char_buckets(" " + " ".join(t.lstrip("~") for t in tokens) + " ")
    return np.concatenate((hashed & np.uint64(BUCKETS - 1), chars)).astype(np.intp)
