"""Identifiers shared by the Slack adapter, its renderers and the app manifest.

Why one module: a callback or action id typed twice drifts apart, and Slack then silently drops the
interaction. The manifest (`manifest.py`), Block Kit rendering and listener registration all import
these names.
"""

from __future__ import annotations

from typing import Final

from handlers.commands import MAX_NOTE_NUMBER, NOTE_TURNS, is_note_number

# Slash commands (the manifest registers them; the listeners match on them).
CHECKIN_COMMAND: Final = "/checkin"
MOMENT_COMMAND: Final = "/moment"
TANDEM_COMMAND: Final = "/tandem"
SLASH_COMMANDS: Final = (CHECKIN_COMMAND, MOMENT_COMMAND, TANDEM_COMMAND)

# Check-in buttons are `mood_1` .. `mood_5`; the score is the suffix.
MOOD_ACTION_PREFIX: Final = "mood_"
MOOD_SCORES: Final = (1, 2, 3, 4, 5)
ADD_NOTE_ACTION: Final = "add_note"

# Modals (view callback ids).
NOTE_MODAL: Final = "note_modal"
MOMENT_MODAL: Final = "moment_modal"

# Customer-moment outcome buttons are `moment_outcome_<outcome>`.
MOMENT_OUTCOME_ACTION_PREFIX: Final = "moment_outcome_"

# App Home buttons.
CHECKIN_HOME_ACTION: Final = "home_checkin"
MOMENT_HOME_ACTION: Final = "home_moment"

# Message shortcut "Log as customer moment".
MESSAGE_SHORTCUT: Final = "log_customer_moment"


def mood_action_id(score: int) -> str:
    """The action id of the button for one mood score (1-5)."""
    if score not in MOOD_SCORES:
        raise ValueError(f"mood score must be 1-5, got {score}")
    return f"{MOOD_ACTION_PREFIX}{score}"


def mood_score_from_action(action_id: str) -> int | None:
    """The mood score a button action id stands for, or None if it is not a mood button."""
    if not action_id.startswith(MOOD_ACTION_PREFIX):
        return None
    suffix = action_id[len(MOOD_ACTION_PREFIX):]
    return int(suffix) if suffix.isdecimal() and int(suffix) in MOOD_SCORES else None

# Customer-moment touchpoint select (option values are `<moment id>:<touchpoint>`).
MOMENT_TOUCHPOINT_ACTION: Final = "moment_touchpoint"

# "Yes, go ahead" on a Confirm message (the value is the command to run).
CONFIRM_ACTION: Final = "confirm_command"

# Input blocks of the modals (block id == action id).
NOTE_INPUT: Final = "note"
NOTE_SHARE_INPUT: Final = "note_share"  # checkboxes: "share with my manager, anonymously" (unticked by default)
NOTE_SHARE_VALUE: Final = "share"
MOMENT_TEXT_INPUT: Final = "text"
MOMENT_OUTCOME_INPUT: Final = "outcome"
MOMENT_TOUCHPOINT_INPUT: Final = "touchpoint"
MOMENT_CUSTOMER_INPUT: Final = "customer"

# Shared notes: "Reply" (digest, to a manager) / "Answer" (relayed turn, to the author) buttons open a modal.
# Buttons are `note_turn_<i>` (unique within their block); the value is `<verb>:<note number>`.
NOTE_TURN_ACTION_PREFIX: Final = "note_turn_"
NOTE_TURN_MODAL: Final = "note_turn_modal"
NOTE_TURN_INPUT: Final = "note_turn_text"


def note_turn_value(verb: str, number: int) -> str:
    return f"{verb}:{number}"


def note_turn_from_value(value: object) -> tuple[str, int] | None:
    """(verb, note number) from a button value or modal metadata; None for anything forged or malformed, or for a
    number `tandem reply N` would refuse."""
    verb, _, number = str(value or "").partition(":")
    if verb not in NOTE_TURNS or not number.isdecimal() or len(number) > len(str(MAX_NOTE_NUMBER)):
        return None
    if not is_note_number(int(number)):
        return None
    return verb, int(number)


ACTION_HELPS_ACTION: Final = "action_helps"  # "This helps" on an action's announcement; value: the action's id
ACTION_NO_HELP_ACTION: Final = "action_no_help"  # "Doesn't help" on the same message
ACTION_RECORD_ACTION: Final = "action_record"  # "Record an action" on a team digest; value: the team's name
ACTION_MODAL: Final = "action_modal"  # the form it opens; private_metadata: the team and the response_url
ACTION_TEXT_INPUT: Final = "action_text"
