"""The trained sentiment model: a hashed linear classifier, stored as one file, scored with numpy only.

`scripts/train_sentiment.py` fits it (scikit-learn, training only) and writes it with `write_model`;
the scorer loads it once with `load_model` (never at import time). The file is a zip holding
`weights.npy` (float16, one row per feature bucket, one column per class) and `model.json` (the
rules' weights, biases, label rule, the rules' share of the blend and the training figures).
Written with fixed timestamps and order, so the same training run gives the same bytes.
"""
from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from handlers.sentiment.features import BUCKETS, feature_ids
from handlers.sentiment.polarity import Label

MODEL_PATH = Path(__file__).with_name("sentiment_model.zip")
CLASSES: tuple[Label, Label, Label] = ("negative", "neutral", "positive")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class TrainedModel:
    """Class weights per feature bucket, the weight of the rules' polarity, and how a label is chosen."""

    weights: np.ndarray  # (BUCKETS, 3) float32
    rules_weight: np.ndarray  # (rule features, 3): see handlers.sentiment.scorer.rule_features
    bias: np.ndarray  # (3,)
    band: float | None  # neutral band on the blended polarity; None: the label is the most probable class
    rules_share: float  # weight of the rules' polarity in the product's blend (the model has the rest)
    meta: dict[str, Any]
    _plain: dict[str, list[list[float]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        plain = {"rules_rows": self.rules_weight.tolist(), "bias": [self.bias.tolist()]}
        object.__setattr__(self, "_plain", plain)  # the small arrays as floats, read once per text

    def probabilities(self, normalised: str, rules: Sequence[float]) -> tuple[float, float, float]:
        """P(negative, neutral, positive) for a normalised text and what the rules made of it, in plain
        floats: numpy only gathers the text's feature weights, because numpy's per-call cost on three
        numbers is most of what scoring one text would otherwise spend here."""
        ids = feature_ids(normalised)
        dot = [0.0, 0.0, 0.0]
        for value, row in zip(rules, self.rules_rows, strict=True):
            dot = [d + value * w for d, w in zip(dot, row, strict=True)]
        logits = [b + d for b, d in zip(self.bias_values, dot, strict=True)]
        if len(ids):
            gathered = (np.take(self.weights, ids, axis=0).sum(axis=0) / math.sqrt(len(ids))).tolist()
            logits = [logit + g for logit, g in zip(logits, gathered, strict=True)]
        top = max(logits)
        exp = [math.exp(logit - top) for logit in logits]
        total = exp[0] + exp[1] + exp[2]
        return exp[0] / total, exp[1] / total, exp[2] / total

    @property
    def rules_rows(self) -> list[list[float]]:
        return self._plain["rules_rows"]

    @property
    def bias_values(self) -> list[float]:
        return self._plain["bias"][0]


def write_model(path: Path, weights: np.ndarray, rules_weight: np.ndarray, bias: np.ndarray, band: float | None,
                rules_share: float, meta: dict[str, Any]) -> TrainedModel:
    """Write the model file deterministically and return the model exactly as `load_model` will read it."""
    table = io.BytesIO()
    np.save(table, np.ascontiguousarray(weights, dtype=np.float16), allow_pickle=False)
    header = {"rules_weight": [[float(v) for v in row] for row in rules_weight], "bias": [float(v) for v in bias],
              "band": band, "rules_share": rules_share, "buckets": BUCKETS, "classes": list(CLASSES), **meta}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("model.json", json.dumps(header, indent=1, sort_keys=True).encode()),
                           ("weights.npy", table.getvalue())):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    load_model.cache_clear()
    return load_model(path)


@cache
def load_model(path: Path = MODEL_PATH) -> TrainedModel:
    """Read the model file once per process (about 1.5 MB of weights)."""
    with zipfile.ZipFile(path) as archive:
        meta = json.loads(archive.read("model.json"))
        weights = np.load(io.BytesIO(archive.read("weights.npy")), allow_pickle=False).astype(np.float32)
    if weights.shape != (meta["buckets"], len(CLASSES)) or meta["buckets"] != BUCKETS:
        raise ValueError(f"{path}: weights of shape {weights.shape} do not fit {BUCKETS} feature buckets")
    band = None if meta["band"] is None else float(meta["band"])
    return TrainedModel(weights, np.array(meta["rules_weight"]), np.array(meta["bias"]), band,
                        float(meta["rules_share"]), meta)
