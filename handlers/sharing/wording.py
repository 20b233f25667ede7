"""What the author is told, everywhere a note can be shared: one sentence, so no channel says less; and the
words on every channel's reply and answer controls."""
from __future__ import annotations

from handlers.messages import NoteTurn

SHARE_MEANS = "Your manager sees the text and the week, never your name — but your words may still give you away."
SHARE_EXPLAINED = f"{SHARE_MEANS} Off unless you tick it."  # beside the Slack checkbox and the Teams toggle


def turn_label(turn: NoteTurn) -> str:
    """The label of a Reply / Answer button or box: the note's number, never who wrote it."""
    return f"Reply to #{turn.number}" if turn.verb == "reply" else f"Answer #{turn.number}"
