"""The one length rule for what people write (notes, moments, actions and their outcomes, note messages)."""
from __future__ import annotations

from handlers.config import TEXT_LIMIT
from handlers.errors import BadArguments


def within_limit(text: str, what: str, limit: int = TEXT_LIMIT) -> str:
    """`text` if it fits `limit`; otherwise a reply that says how long it is, how long it may be, and that nothing
    was saved (callers check emptiness themselves, each with its own hint)."""
    if len(text) > limit:
        raise BadArguments(f"That {what} is {len(text):,} characters; it can be up to {limit:,}. "
                           "Nothing was saved — shorten it and try again.")
    return text
