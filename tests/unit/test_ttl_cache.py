"""The adapters' in-memory cache: entries expire, None is a value kept, a full cache starts afresh."""
from __future__ import annotations

import pytest

from bot import ttl_cache
from bot.ttl_cache import TtlCache


def test_entries_expire_none_is_kept_and_a_full_cache_starts_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    monkeypatch.setattr(ttl_cache.time, "monotonic", lambda: now[0])
    cache: TtlCache[str, str | None] = TtlCache(ttl=60, max_entries=2)
    cache.put("ana", None)  # "this member has no email" is worth remembering
    assert cache.get("ana") == (True, None) and cache.get("bo") == (False, None)
    now[0] += 61
    assert cache.get("ana") == (False, None)
    cache.put("bo", "bo@example.com")
    assert cache.get("bo") == (True, "bo@example.com")
    cache.put("cy", "cy@example.com")  # the third entry: the bound clears the two before it
    assert cache.get("cy") == (True, "cy@example.com") and cache.get("bo") == (False, None)
    cache.clear()
    assert cache.get("cy") == (False, None)
