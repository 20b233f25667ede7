"""What the author is told, everywhere a note can be shared: one sentence, so no channel says less."""
from __future__ import annotations

SHARE_MEANS = "Your manager sees the text and the week, never your name — but your words may still give you away."
SHARE_EXPLAINED = f"{SHARE_MEANS} Off unless you tick it."  # beside the Slack checkbox and the Teams toggle
