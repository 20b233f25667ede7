"""Adaptive Card submits (`activity.value`) turned into handler calls.

Every card Tandem sends tags its Action.Submit data with `"tandem": <kind>`; the inputs of the card
arrive beside it under their ids. Anything else (old cards, hand-made payloads) gets a specific reply.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers import checkins, moments
from handlers.context import Ctx
from handlers.dispatch import handle_text
from handlers.errors import BadArguments, TandemError
from handlers.identity import Caller, identify
from handlers.messages import Reply, Text

UNKNOWN_CARD = ("I don't recognise that card action — it may come from an old or changed card. "
                "Type `checkin`, `moment <what happened>` or `tandem help`.")


@dataclass(frozen=True)
class SubmitOutcome:
    """The reply, and whether its first message replaces the card that was clicked (update in place)."""

    reply: Reply
    replace_card: bool = False


def _int(value: dict[str, Any], key: str, what: str) -> int:
    raw = value.get(key)
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or not str(raw).strip().removeprefix("-").isdecimal():
        raise BadArguments(f"That card is missing a valid {what}; it may be out of date.", "checkin")
    return int(raw)


def _text(value: dict[str, Any], key: str) -> str | None:
    raw = value.get(key)
    if raw is None:
        return None
    text = str(raw).strip()
    return text or None


async def handle_submit(ctx: Ctx, caller: Caller, value: Any) -> SubmitOutcome:
    """Route one card submit; errors become friendly replies and change nothing."""
    if not isinstance(value, dict) or not isinstance(value.get("tandem"), str):
        return SubmitOutcome(Reply.of(Text(UNKNOWN_CARD)))
    kind = value["tandem"]
    if kind == "confirm":
        return SubmitOutcome(await handle_text(ctx, caller, str(value.get("command") or "")))
    person = await identify(ctx, caller)
    try:
        async with ctx.session.begin_nested():
            match kind:
                case "mood":
                    reply = await checkins.record_mood(ctx, person, _int(value, "prompt_id", "check-in"),
                                                       _int(value, "score", "mood"))
                    return SubmitOutcome(reply, replace_card=True)
                case "note":
                    reply = await checkins.add_note(ctx, person, _text(value, "note") or "",
                                                    prompt_id=_int(value, "prompt_id", "check-in"))
                    return SubmitOutcome(reply)
                case "moment":
                    reply = await moments.log_moment(
                        ctx, person, _text(value, "text") or "", outcome=_text(value, "outcome"),
                        touchpoint=_text(value, "touchpoint"), customer=_text(value, "customer"),
                        source_link=_text(value, "source_link"))
                    return SubmitOutcome(reply, replace_card=True)
                case "moment_details":
                    outcome, touchpoint = _text(value, "outcome"), _text(value, "touchpoint")
                    if outcome is None and touchpoint is None:
                        return SubmitOutcome(Reply.of(Text("Pick an outcome or a touchpoint first, then Save.")))
                    reply = await moments.set_moment_details(ctx, person, _int(value, "moment_id", "moment"),
                                                             outcome=outcome, touchpoint=touchpoint)
                    return SubmitOutcome(reply, replace_card=True)
                case "cancel":
                    return SubmitOutcome(Reply.of(Text("Okay — nothing was changed.")))
    except TandemError as error:
        return SubmitOutcome(Reply.of(Text(error.text())))
    return SubmitOutcome(Reply.of(Text(UNKNOWN_CARD)))
