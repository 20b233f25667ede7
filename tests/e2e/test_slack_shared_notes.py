"""Shared notes over signed Slack requests and the fake Web API: the note modal submitted with the share box
ticked → the manager's digest with a Reply button → the reply modal → the outbox DMs the author (with an Answer
button) → the author answers through the same kind of modal → the managers get it at the next release → close."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.slack import ids
from storage.models import SharedNote, SharedNoteMessage
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import (
    block_actions_payload,
    plain_text_value,
    slash_command_form,
    view_submission_payload,
)

ADMIN, MIA = "U0ADA", "U0MIA"
TEAM = [f"U0P{i}" for i in range(6)]
AUTHOR = TEAM[0]
SECRET = "The rota keeps putting me on Fridays"
WEDNESDAY = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # 2026-W47


async def say(rig: SlackRig, user: str, text: str, hook: str) -> str:
    response = await rig.post(slash_command_form("/tandem", text, user_id=user, response_url=rig.sink.url(hook)))
    assert response.status == 200
    body = await response.text()
    return body if body.strip() else json.dumps(await eventually(lambda: rig.sink.to(hook)))


async def check_in(rig: SlackRig, user: str) -> int:
    await rig.post(slash_command_form("/checkin", user_id=user, response_url=rig.sink.url(f"ci-{user}")))
    prompt = (await eventually(lambda: rig.sink.to(f"ci-{user}")))[-1]
    prompt_id = int(prompt["blocks"][1]["elements"][0]["value"])
    click = block_actions_payload(ids.mood_action_id(3), str(prompt_id), user_id=user)
    click["response_url"] = rig.sink.url(f"mood-{user}")
    assert (await rig.interact(click)).status == 200
    await eventually(lambda: rig.sink.to(f"mood-{user}"))
    return prompt_id


async def open_modal(rig: SlackRig, user: str, button: dict) -> dict:
    before = len(rig.fake.calls_to("views.open"))
    click = block_actions_payload(button["action_id"], button["value"], user_id=user)
    click["response_url"] = rig.sink.url(f"click-{user}")
    assert (await rig.interact(click)).status == 200
    opened = await eventually(lambda: len(rig.fake.calls_to("views.open")) > before
                              and rig.fake.calls_to("views.open"))
    return opened[-1].json_arg("view")


async def submit_turn(rig: SlackRig, user: str, view: dict, text: str) -> None:
    assert view["callback_id"] == ids.NOTE_TURN_MODAL
    response = await rig.interact(view_submission_payload(
        ids.NOTE_TURN_MODAL, {ids.NOTE_TURN_INPUT: {ids.NOTE_TURN_INPUT: plain_text_value(text)}},
        private_metadata=view["private_metadata"], user_id=user))
    assert response.status == 200 and await response.text() == ""


def buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def dms_to(rig: SlackRig, user: str) -> list[dict]:
    channel = rig.fake.dm_channel_for(user)
    return [c.args for c in rig.fake.delivered("chat.postMessage") if c.args.get("channel") == channel]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_share_digest_reply_answer_back_and_close(rig: SlackRig) -> None:
    rig.clock.set(WEDNESDAY)
    for user in (ADMIN, MIA, *TEAM):
        rig.fake.set_user(user, name=user.lower())
    for user in (ADMIN, MIA, *TEAM):  # people Tandem knows once they have talked to it (the first is admin)
        await say(rig, user, "help", f"hello-{user}")
    assert "Created team" in await say(rig, ADMIN, "team create Support", "setup")
    await say(rig, ADMIN, "team add Support " + " ".join(f"<@{u}>" for u in TEAM), "setup2")
    await say(rig, ADMIN, f"team manager Support <@{MIA}>", "setup3")
    prompts = {user: await check_in(rig, user) for user in TEAM}

    note = view_submission_payload(ids.NOTE_MODAL, {
        ids.NOTE_INPUT: {ids.NOTE_INPUT: plain_text_value(SECRET)},
        ids.NOTE_SHARE_INPUT: {ids.NOTE_SHARE_INPUT: {"type": "checkboxes",
                                                      "selected_options": [{"value": ids.NOTE_SHARE_VALUE}]}}},
        private_metadata=json.dumps({"prompt_id": prompts[AUTHOR], "response_url": rig.sink.url("note")}),
        user_id=AUTHOR)
    assert (await rig.interact(note)).status == 200
    saved = (await eventually(lambda: rig.sink.to("note")))[0]
    assert "never your name" in saved["text"] or "never your name" in json.dumps(saved)
    [shared] = await rig.rows(SharedNote)

    rig.clock.set(WEDNESDAY + timedelta(days=7))  # the week is over
    digest = await say(rig, MIA, "digest Support 2026-W47", "digest")
    assert SECRET in digest and "u0p0" not in digest.lower()
    posted = [p for p in rig.sink.to("digest") if buttons(p.get("blocks", []))]
    [reply_button] = [b for p in posted for b in buttons(p["blocks"]) if b["action_id"].startswith("note_turn_")]
    assert reply_button["value"] == f"reply:{shared.number}"

    await submit_turn(rig, MIA, await open_modal(rig, MIA, reply_button), "Shall we swap the rota?")
    await Dispatcher(rig.deps).drain()
    [to_author] = dms_to(rig, AUTHOR)[-1:]
    assert "Shall we swap the rota?" in json.dumps(to_author) and MIA.lower() not in json.dumps(to_author).lower()
    [answer_button] = buttons(json.loads(to_author["blocks"]) if isinstance(to_author["blocks"], str)
                              else to_author["blocks"])
    assert answer_button["value"] == f"answer:{shared.number}"

    await submit_turn(rig, AUTHOR, await open_modal(rig, AUTHOR, answer_button), "Yes please, every other week")
    await Dispatcher(rig.deps).drain()
    assert "every other week" not in json.dumps(dms_to(rig, MIA))  # held to the next release time
    rig.clock.advance(timedelta(hours=4))
    await Dispatcher(rig.deps).drain()
    to_mia = json.dumps(dms_to(rig, MIA), ensure_ascii=False)
    assert "every other week" in to_mia and "The author" in to_mia and AUTHOR.lower() not in to_mia.lower()
    assert await rig.count(SharedNoteMessage) == 2

    assert "Closed" in await say(rig, AUTHOR, f"close {shared.number}", "close")
    assert rig.fake.violations == []
