"""The outbox's retry policy, in one place: what a failed send does next.

A 429 is retried when the platform says; other errors back off exponentially with jitter; a permanent
failure (the person blocked the bot, the workspace is gone) or the last allowed attempt gives up.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from handlers.ports import DeliveryFailed

MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(seconds=10)
BACKOFF_CAP = timedelta(minutes=30)


def next_attempt(now: datetime, attempts: int, retry_after: float | None, rng: random.Random) -> datetime:
    """When to try again: as told by a 429, else exponential backoff with jitter."""
    if retry_after is not None:
        return now + timedelta(seconds=max(retry_after, 0.0))
    delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts, 0)))
    return now + delay * rng.uniform(0.5, 1.5)


def retry_at(failure: DeliveryFailed, attempts: int, now: datetime, rng: random.Random) -> datetime | None:
    """When to try a row again after `failure` on its attempt number `attempts + 1`; None: give up."""
    if failure.permanent or attempts + 1 >= MAX_ATTEMPTS:
        return None
    return next_attempt(now, attempts, failure.retry_after, rng)
