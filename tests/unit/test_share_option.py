"""The share option on every channel: offered, off by default, read only from a real tick; the Teams card stays
valid against the official Adaptive Card schema."""
from __future__ import annotations

from bot.slack import ids
from bot.slack.listeners.views import _note
from bot.slack.render import note_modal
from bot.teams.render import mood_recorded_card
from bot.teams.submits import submitted
from handlers.commands import AddNote
from handlers.messages import MoodRecorded, mood_choice
from handlers.sharing.wording import SHARE_MEANS
from tests.support.official_schemas import adaptive_card_validator, errors


def test_the_slack_modal_offers_an_unticked_checkbox_that_says_what_anonymous_means() -> None:
    modal = note_modal(7, None)
    [share] = [b for b in modal["blocks"] if b.get("block_id") == ids.NOTE_SHARE_INPUT]
    assert share["optional"] is True and share["element"]["type"] == "checkboxes"
    assert "initial_options" not in share["element"]
    assert SHARE_MEANS in share["element"]["options"][0]["description"]["text"]


def _view(options) -> dict:
    values = {ids.NOTE_INPUT: {ids.NOTE_INPUT: {"value": "hi"}}}
    if options is not None:
        values[ids.NOTE_SHARE_INPUT] = {ids.NOTE_SHARE_INPUT: {"selected_options": options}}
    return {"private_metadata": '{"prompt_id": 7}', "state": {"values": values}}


def test_slack_shares_only_on_the_real_tick() -> None:
    for options, shared in ((None, False), ([], False), ([{"value": "yes"}, "junk"], False),
                            ([{"value": ids.NOTE_SHARE_VALUE}], True)):
        note = _note(_view(options))
        assert note is not None and note.share is shared


def test_the_teams_card_has_an_off_toggle_and_is_valid() -> None:
    card = mood_recorded_card(MoodRecorded(prompt_id=7, choice=mood_choice(3), changed=False, has_note=False))
    content = card.get("content", card)
    [toggle] = [b for b in content["body"] if b.get("type") == "Input.Toggle"]
    assert toggle["value"] == "false" and toggle["valueOn"] == "true"
    assert errors(adaptive_card_validator(), content) == []


def _shares(value: dict) -> bool:
    result = submitted(value)
    assert result is not None and isinstance(result.command, AddNote)
    return result.command.share


def test_teams_shares_only_on_true() -> None:
    base = {"tandem": "note", "prompt_id": 7, "note": "hi"}
    assert _shares(base) is False
    assert _shares({**base, "share": "false"}) is False
    assert _shares({**base, "share": "yes"}) is False
    assert _shares({**base, "share": "true"}) is True
