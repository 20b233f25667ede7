"""Adaptive Card submits (`activity.value`) as typed commands.

Every card Tandem sends tags its Action.Submit data with `"tandem": <kind>`; the inputs of the card
arrive beside it under their ids. Anything else (old cards, hand-made payloads) gets a specific reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.teams.render import turn_input_id
from handlers import commands as c
from handlers.errors import BadArguments

UNKNOWN_CARD = ("I don't recognise that card action — it may come from an old or changed card. "
                "Type `checkin`, `moment <what happened>` or `tandem help`.")


@dataclass(frozen=True)
class Submitted:
    """The command a card submit stands for (a typed line for confirmations), and whether its answer
    replaces the card that was clicked (update in place)."""

    command: c.Command | str
    replace_card: bool = False


def _int(value: dict[str, Any], key: str, what: str) -> int:
    raw = value.get(key)
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().removeprefix("-").isdecimal():
        raise BadArguments(f"That card is missing a valid {what}; it may be out of date.")
    return int(raw)


def _text(value: dict[str, Any], key: str) -> str | None:
    raw = value.get(key)
    if raw is None:
        return None
    text = str(raw).strip()
    return text or None


def submitted(value: Any) -> Submitted | None:
    """The command of one card submit; None for a card Tandem does not know. Raises BadArguments for a
    known card with a missing or broken field."""
    if not isinstance(value, dict) or not isinstance(value.get("tandem"), str):
        return None
    match value["tandem"]:
        case "confirm":
            return Submitted(str(value.get("command") or ""))
        case "mood":
            return Submitted(c.AnswerMood(_int(value, "score", "mood"), _int(value, "prompt_id", "check-in")), True)
        case "note":
            return Submitted(c.AddNote(_text(value, "note") or "", _int(value, "prompt_id", "check-in"),
                                       share=_text(value, "share") == "true"))
        case "moment":
            return Submitted(c.LogMoment(_text(value, "text") or "", outcome=_text(value, "outcome"),
                                         touchpoint=_text(value, "touchpoint"), customer=_text(value, "customer"),
                                         source_link=_text(value, "source_link")), True)
        case "moment_details":
            return Submitted(c.SetMomentDetails(_int(value, "moment_id", "moment"), outcome=_text(value, "outcome"),
                                                touchpoint=_text(value, "touchpoint")), True)
        case "note_turn":
            return _note_turn(value)
        case "cancel":
            return Submitted(c.Dismiss())
        case "action_add":
            return Submitted(c.ActionAdd(_text(value, "action_text") or "", team=_text(value, "team")))
        case "action_feedback":
            helps = value.get("helps")
            if not isinstance(helps, bool):
                raise BadArguments("That card is missing whether the action helps; it may be out of date.")
            return Submitted(c.ActionFeedback(None, 0, helps, action_id=_int(value, "action_id", "action")))
    return None


def _note_turn(value: dict[str, Any]) -> Submitted:
    """Reply / Answer on a shared note: the same command as `tandem reply|answer N text` (the handler decides
    who may send and checks the text), typed into the box the card named with turn_input_id."""
    number = _int(value, "number", "note number")
    if not c.is_note_number(number):
        raise BadArguments("That card names no shared note; it may be out of date. Type `tandem notes`.")
    verb = value.get("verb")
    turn = c.NOTE_TURNS.get(verb) if isinstance(verb, str) else None
    if turn is None:
        raise BadArguments("That card names no shared-note action; it may be out of date. Type `tandem notes`.")
    return Submitted(turn(number, _text(value, turn_input_id(number)) or ""))
