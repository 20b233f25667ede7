"""Check-ins over real signed HTTP: /checkin, mood clicks updating the message in place, the note modal."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.slack import ids
from storage.models import MoodEntry
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import (
    block_actions_payload,
    plain_text_value,
    slash_command_form,
    view_submission_payload,
)


async def checkin(rig: SlackRig, user: str = "U111") -> dict:
    response = await rig.post(slash_command_form("/checkin", user_id=user, response_url=rig.sink.url("cmd")))
    assert response.status == 200
    assert await response.text() == ""  # acknowledged at once; the answer follows via response_url
    post = (await eventually(lambda: rig.sink.to("cmd")))[-1]
    return post


def click(rig: SlackRig, score: int, prompt_id: int, hook: str = "click", **kw) -> dict:
    payload = block_actions_payload(ids.mood_action_id(score), str(prompt_id), **kw)
    payload["response_url"] = rig.sink.url(hook)
    return payload


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_checkin_command_then_mood_click_updates_in_place_and_changes(rig: SlackRig) -> None:
    prompt = await checkin(rig)
    assert prompt["response_type"] == "ephemeral"
    buttons = [e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["mood_1", "mood_2", "mood_3", "mood_4", "mood_5", "add_note"]
    assert "😄 Great" in all_text(prompt["blocks"])
    prompt_id = int(buttons[0]["value"])

    response = await rig.interact(click(rig, 4, prompt_id))
    assert response.status == 200
    first = (await eventually(lambda: rig.sink.to("click")))[0]
    assert first["replace_original"] is True
    assert "🙂 *Good*" in all_text(first["blocks"])

    await rig.interact(click(rig, 2, prompt_id))
    second = (await eventually(lambda: len(rig.sink.to("click")) == 2 and rig.sink.to("click")))[1]
    assert second["replace_original"] is True and "Changed to 🙁 *Low*" in all_text(second["blocks"])
    entries = await rig.rows(MoodEntry)
    assert [(e.prompt_id, e.score) for e in entries] == [(prompt_id, 2)]
    assert rig.fake.violations == []
    assert [c.method for c in rig.fake.calls] == ["auth.test", "users.info"]  # profile cached after first use


async def test_click_on_a_closed_prompt_is_answered_politely_and_not_recorded(rig: SlackRig) -> None:
    prompt = await checkin(rig)
    prompt_id = int(prompt["blocks"][1]["elements"][0]["value"])
    rig.clock.advance(timedelta(days=2))
    await rig.interact(click(rig, 5, prompt_id))
    reply = (await eventually(lambda: rig.sink.to("click")))[0]
    assert reply["replace_original"] is False
    assert "has closed" in reply["text"] and "/checkin" in reply["text"]
    assert await rig.count(MoodEntry) == 0
    assert rig.fake.violations == []


async def test_note_button_opens_modal_and_submit_saves_the_note(rig: SlackRig) -> None:
    prompt = await checkin(rig)
    prompt_id = int(prompt["blocks"][1]["elements"][0]["value"])
    await rig.interact(click(rig, 3, prompt_id))
    await eventually(lambda: rig.sink.to("click"))
    await rig.interact(click(rig, 3, prompt_id, hook="note") | {
        "actions": [{**block_actions_payload(ids.ADD_NOTE_ACTION, str(prompt_id))["actions"][0]}]})
    opened = (await eventually(lambda: rig.fake.calls_to("views.open")))[0]
    view = opened.json_arg("view")
    assert view["callback_id"] == ids.NOTE_MODAL
    meta = json.loads(view["private_metadata"])
    assert meta == {"prompt_id": prompt_id, "response_url": rig.sink.url("note")}

    note = "Busy but good <!channel> & <@U999>"
    submit = view_submission_payload(ids.NOTE_MODAL, {ids.NOTE_INPUT: {ids.NOTE_INPUT: plain_text_value(note)}},
                                     private_metadata=view["private_metadata"])
    response = await rig.interact(submit)
    assert response.status == 200 and await response.text() == ""
    confirmation = (await eventually(lambda: rig.sink.to("note")))[0]
    assert "note is saved" in confirmation["text"]
    [entry] = await rig.rows(MoodEntry)
    assert entry.note == note and entry.score == 3
    assert rig.fake.violations == []


async def test_note_submit_that_is_too_long_shows_the_error_in_the_modal_and_stores_nothing(rig: SlackRig) -> None:
    prompt = await checkin(rig)
    prompt_id = int(prompt["blocks"][1]["elements"][0]["value"])
    await rig.interact(click(rig, 3, prompt_id))
    await eventually(lambda: rig.sink.to("click"))
    meta = json.dumps({"prompt_id": prompt_id, "response_url": None})
    submit = view_submission_payload(ids.NOTE_MODAL, {ids.NOTE_INPUT: {ids.NOTE_INPUT: plain_text_value(
        "x" * 40_000)}}, private_metadata=meta)
    response = await rig.interact(submit)
    assert response.status == 200
    answer = await response.json()
    assert answer["response_action"] == "errors"
    assert "40,000 characters" in answer["errors"][ids.NOTE_INPUT]
    [entry] = await rig.rows(MoodEntry)
    assert entry.note is None
