"""The privacy rules every figure a manager sees must pass, in one place.

1. A figure needs at least `min_group` people behind it (respondents for mood, distinct authors for
   moments); the floor is 3 whatever a workspace sets.
2. Overlapping groups: two groups whose respondents differ by fewer than `min_group` people (but not
   zero) would let a reader subtract one figure from the other and learn those few people's answers,
   so the smaller of the two is withheld. The rule is applied to every pair of teams that share
   members, whoever is looking, so two managers comparing notes can't subtract either.
4. Settled weeks are frozen: once late answers can no longer arrive, a week's figures are sealed and
   every later digest of it shows exactly the same, so an edit or a forget-me afterwards can't be
   recovered by asking twice and subtracting (storage/digests.py keeps the sealed figures; the overlap
   rule is then applied through `overlap_gaps`, which keep no people).
3. Quotes: only from weeks with at least `min_group` authors, one per author, cleaned of mentions,
   links and formatting, and never with a name.
"""
from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from handlers.config import MIN_GROUP_FLOOR, PrivacyConfig

EXCERPT_LENGTH = 140



class GroupKey(Hashable, Protocol):
    """What names a group here: a dict key that is also ordered (a tie withholds the larger key)."""

    def __gt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=GroupKey)


def effective_min_group(value: int | None) -> int:
    """The workspace's threshold (app.yaml's default when unset), never below the floor."""
    return max(MIN_GROUP_FLOOR, int(value if value is not None else PrivacyConfig.min_group))


def enough(people: int, min_group: int) -> bool:
    return people >= effective_min_group(min_group)


def may_differ_too_little(size_a: int, size_b: int, shared: int, min_group: int) -> bool:
    """Whether two respondent sets *could* differ by fewer than min_group people, knowing only their sizes
    and how many members the teams share (|A Δ B| ≥ |A| + |B| − 2·shared). False means: safe, no need to look."""
    common = min(shared, size_a, size_b)
    return size_a + size_b - 2 * common < effective_min_group(min_group)


def to_withhold(a: K, b: K, size_a: int, size_b: int) -> K:
    """Of two groups too close to each other, the one withheld: the smaller; on a tie, the larger key."""
    if size_a != size_b:
        return a if size_a < size_b else b
    return a if a > b else b


def overlap_gaps(pairs: Iterable[tuple[K, K, int, int, int | None]], cap: int) -> dict[K, int]:
    """Per group, the fewest people by which it differs from a group it would be withheld in favour of.

    `pairs`: (a, b, size_a, size_b, size of the symmetric difference, or None when it is known to be at
    least `cap`). Differences of zero never withhold. A stored gap answers the overlap rule for any
    threshold: withheld iff gap < min_group (`withheld_by_gap`); a gap of `cap` means "at least cap".
    """
    gaps: dict[K, int] = {}
    for a, b, size_a, size_b, difference in pairs:
        if difference == 0:
            continue
        gap = cap if difference is None else min(difference, cap)
        smaller = to_withhold(a, b, size_a, size_b)
        gaps[smaller] = min(gaps.get(smaller, gap), gap)
    return gaps


def withheld_by_gap(gap: int | None, min_group: int) -> bool:
    """The overlap rule from a stored gap: a cap-sized gap withholds only thresholds above the cap."""
    return gap is not None and gap < effective_min_group(min_group)


_MENTION = re.compile(r"<[@!#][^>]*>")
_LINK = re.compile(r"<(https?://|mailto:)[^|>]*\|([^>]*)>")
_BARE_LINK = re.compile(r"<?(https?://|mailto:|www\.)\S+>?")
_AT_NAME = re.compile(r"(?<!\w)@[\w.\-]+")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+")
_FORMAT = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_SPACE = re.compile(r"\s+")
_NEEDS_CLEANING = re.compile(r"[<@*_~`&]|https?:|www\.|mailto:")


def clean_excerpt(text: str, limit: int = EXCERPT_LENGTH) -> str:
    """A quote fit for a digest: no mentions, links, e-mail addresses or chat formatting; at most `limit` chars."""
    if not _NEEDS_CLEANING.search(text):
        cleaned = _SPACE.sub(" ", text).strip()
        return cleaned if len(cleaned) <= limit else _cut(cleaned, limit)
    cleaned = _LINK.sub(lambda m: m.group(2), text)
    cleaned = _MENTION.sub("someone", cleaned)
    cleaned = _EMAIL.sub("[e-mail]", cleaned)
    cleaned = _BARE_LINK.sub("[link]", cleaned)
    cleaned = _AT_NAME.sub("someone", cleaned)
    cleaned = _FORMAT.sub("", cleaned).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    cleaned = _SPACE.sub(" ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else _cut(cleaned, limit)


def _cut(cleaned: str, limit: int) -> str:
    cut = cleaned[:limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[:cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


@dataclass(frozen=True)
class Quote:
    text: str
    tone: str  # positive | negative


def choose_quotes(candidates: Iterable[tuple[int, float, str]], authors: int, min_group: int,
                  most: int = 3) -> tuple[Quote, ...]:
    """Up to `most` quotes (author id, polarity, text): the most positive and the most negative first,
    then the next most extreme, one per author. Nothing when the week had fewer than min_group authors."""
    if not enough(authors, min_group):
        return ()
    pool = list(candidates)
    positive = sorted((c for c in pool if c[1] > 0), key=lambda c: -c[1])
    negative = sorted((c for c in pool if c[1] < 0), key=lambda c: c[1])
    chosen: list[Quote] = []
    used: set[int] = set()
    seen_texts: set[str] = set()

    def take(queue: list[tuple[int, float, str]], tone: str) -> bool:
        while queue:
            pid, _, raw = queue.pop(0)
            text = clean_excerpt(raw)  # only the candidates reached are cleaned
            if text and pid not in used and text.lower() not in seen_texts:
                used.add(pid)
                seen_texts.add(text.lower())
                chosen.append(Quote(text=text, tone=tone))
                return True
        return False

    take(positive, "positive")
    take(negative, "negative")
    while len(chosen) < most and (positive or negative):
        next_positive = positive[0][1] if positive else 0.0
        next_negative = -negative[0][1] if negative else 0.0
        if not (take(positive, "positive") if next_positive >= next_negative else take(negative, "negative")):
            continue
    return tuple(chosen[:most])
