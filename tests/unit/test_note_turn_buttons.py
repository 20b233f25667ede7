"""Reply / Answer on shared notes: Slack buttons and modal, Teams boxes and submits; the cards are valid against
the official Adaptive Card schema, forged values are refused, and every path is the typed reply/answer command."""
from __future__ import annotations

import json

import pytest

from bot.slack import ids
from bot.slack import render as slack_render
from bot.slack.listeners.views import _note_turn
from bot.teams import render as teams_render
from bot.teams.submits import submitted
from handlers.commands import AnswerNote, ReplyToNote
from handlers.errors import BadArguments
from handlers.messages import DigestMessage, NoteTurn, Text
from tests.support.digest_samples import SHARED_NOTES, full_digest
from tests.support.official_schemas import adaptive_card_validator, errors

TURN = Text("A manager replied to the note you shared anonymously (#17): “<b>hi</b>”", ephemeral=False,
            turn=NoteTurn("answer", 17))


def _buttons(payload: dict) -> list[dict]:
    return [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_slack_digest_has_a_reply_button_per_shared_note_and_the_turn_an_answer_button() -> None:
    digest = slack_render.message_payload(DigestMessage(report=full_digest()))
    buttons = _buttons(digest)
    assert [b["value"] for b in buttons] == [f"reply:{n.number}" for n in SHARED_NOTES]
    assert len({b["action_id"] for b in buttons}) == len(buttons)
    assert all(b["action_id"].startswith(ids.NOTE_TURN_ACTION_PREFIX) for b in buttons)
    [answer] = _buttons(slack_render.message_payload(TURN))
    assert answer["value"] == "answer:17" and answer["text"]["text"] == "Answer #17"
    assert not _buttons(slack_render.message_payload(Text("plain")))


@pytest.mark.parametrize("value", ["reply:", "close:3", "reply:-1", "reply:0", "reply:1000000001", "reply:9999999999",
                                   "reply:12345678901", "answer:x", "", None, 7, "answer:1:2"])
def test_forged_slack_values_name_no_note(value: object) -> None:
    assert ids.note_turn_from_value(value) is None


def test_the_slack_modal_submits_the_typed_command() -> None:
    modal = slack_render.note_turn_modal("reply", 17)
    assert modal["callback_id"] == ids.NOTE_TURN_MODAL
    [box] = [b for b in modal["blocks"] if b.get("block_id") == ids.NOTE_TURN_INPUT]
    assert box["element"]["max_length"] > 0
    view = {"private_metadata": modal["private_metadata"],
            "state": {"values": {ids.NOTE_TURN_INPUT: {ids.NOTE_TURN_INPUT: {"value": "Thanks"}}}}}
    assert _note_turn(view) == ReplyToNote(17, "Thanks")
    view["private_metadata"] = json.dumps({"turn": "answer:4"})
    assert _note_turn(view) == AnswerNote(4, "Thanks")
    view["private_metadata"] = json.dumps({"turn": "withdraw:4"})
    assert _note_turn(view) is None


def test_teams_cards_carry_a_box_per_note_and_are_valid() -> None:
    validator = adaptive_card_validator()
    digest = teams_render.card_for(DigestMessage(report=full_digest()))
    turn = teams_render.card_for(TURN)
    assert digest is not None and turn is not None
    assert errors(validator, digest) == [] and errors(validator, turn) == []
    boxes = [e["id"] for e in digest["body"] if e["type"] == "Input.Text"]
    assert boxes == [*(f"note_turn_{n.number}" for n in SHARED_NOTES), "action_text"]  # then Record an action
    assert "“<b>hi</b>”" in json.dumps(turn["body"][0], ensure_ascii=False)  # a TextRun: never markdown
    assert teams_render.card_for(Text("plain")) is None


def test_teams_submits_are_the_typed_commands_and_forgeries_are_refused() -> None:
    done = submitted({"tandem": "note_turn", "verb": "reply", "number": 17, "note_turn_17": " Thanks ",
                      "note_turn_4": "not this one"})
    assert done is not None and done.command == ReplyToNote(17, "Thanks")
    done = submitted({"tandem": "note_turn", "verb": "answer", "number": "4", "note_turn_4": "ok"})
    assert done is not None and done.command == AnswerNote(4, "ok")
    done = submitted({"tandem": "note_turn", "verb": "reply", "number": 4})
    assert done is not None and done.command == ReplyToNote(4, "")  # the handler says the message is empty
    for forged in ({"tandem": "note_turn", "verb": "close", "number": 4}, {"tandem": "note_turn", "verb": "reply"},
                   {"tandem": "note_turn", "verb": "reply", "number": 0},
                   {"tandem": "note_turn", "verb": "reply", "number": 10**9 + 1},
                   {"tandem": "note_turn", "verb": ["reply"], "number": 4},
                   {"tandem": "note_turn", "verb": "reply", "number": 10**12}):
        with pytest.raises(BadArguments):
            submitted(forged)
