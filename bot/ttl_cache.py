"""Answers of a platform API kept for a while in memory: Slack profiles and installations, Teams emails.

Why one: each adapter caches a round trip it would otherwise make on every request, with the same
rules — an entry expires after `ttl` seconds, and a full cache starts afresh (entries are cheap to fetch
again, and a bound keeps a flood of unknown ids from growing memory). None is a value worth keeping
("this member has no email"), so `get` says whether it found an entry at all.
"""
from __future__ import annotations

import time
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")
MAX_ENTRIES = 50_000


class TtlCache(Generic[K, V]):
    def __init__(self, ttl: float, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl, self.max_entries = ttl, max_entries
        self._entries: dict[K, tuple[float, V]] = {}

    def put(self, key: K, value: V) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, value)

    def get(self, key: K) -> tuple[bool, V | None]:
        """(found, value): found is False for a key never put or expired."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return False, None
        return True, entry[1]

    def clear(self) -> None:
        self._entries.clear()
