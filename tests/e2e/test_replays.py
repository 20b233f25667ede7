"""A replayed input takes effect once, on every replica: the very same signed Slack request (same timestamp
and signature) sent again inside Slack's 5-minute window, or a Teams activity delivered twice.

Before the one unit-of-work runner remembered request signatures, a replayed `/moment` was stored twice.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.slack import ids
from storage.models import CustomerMoment, MoodEntry
from tests.e2e.slack_support import SECRET, SlackRig, eventually, settle, slack_rig
from tests.e2e.teams_support import new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta
from tests.fakes.slack_signing import (
    JSON_CONTENT_TYPE,
    block_actions_payload,
    event_body,
    im_message_event,
    interactive_form,
    plain_text_value,
    signed_headers,
    slash_command_form,
    view_submission_payload,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


async def _send_to_each(rigs: tuple[SlackRig, ...], body: str, headers: dict[str, str]) -> None:
    """The same bytes with the same signature headers, to every replica, twice to the first."""
    for rig in (rigs[0], *rigs):
        response = await rig.client.post("/slack/events", data=body.encode("utf-8"), headers=headers)
        assert response.status == 200, await response.text()
    await settle(rigs[0])


async def test_a_replayed_slash_command_is_stored_once_on_every_replica(database, clock) -> None:
    async with slack_rig(database, clock) as one, slack_rig(database, clock) as two:
        body = slash_command_form("/moment", "The customer renewed for two years", response_url=one.sink.url("m"))
        await _send_to_each((one, two), body, signed_headers(body, SECRET))
        await eventually(lambda: one.sink.to("m"))
        assert await one.count(CustomerMoment) == 1
        assert len(one.sink.to("m")) == 1  # the replays got their ack and nothing else
        again = slash_command_form("/moment", "The customer renewed for two years", response_url=one.sink.url("m"))
        await _send_to_each((two,), again, signed_headers(again, SECRET))  # a new request: a new moment
        assert await one.count(CustomerMoment) == 2


async def test_a_replayed_view_submission_and_click_take_effect_once(database, clock) -> None:
    async with slack_rig(database, clock) as one, slack_rig(database, clock) as two:
        submit = interactive_form(view_submission_payload("moment_modal", {
            "text": {"text": plain_text_value("A customer thanked the whole team")}}))
        await _send_to_each((one, two), submit, signed_headers(submit, SECRET))
        assert await one.count(CustomerMoment) == 1

        start = slash_command_form("/checkin", response_url=one.sink.url("c"))
        await _send_to_each((one,), start, signed_headers(start, SECRET))
        [prompt] = await eventually(lambda: one.sink.to("c"))
        payload = block_actions_payload(ids.mood_action_id(4), prompt["blocks"][1]["elements"][0]["value"])
        payload["response_url"] = one.sink.url("k")
        click = interactive_form(payload)
        await _send_to_each((one, two), click, signed_headers(click, SECRET))
        assert await one.count(MoodEntry) == 1
        assert len(one.sink.to("k")) == 1  # the mood was recorded and answered once


async def test_a_replayed_dm_event_is_answered_once(database, clock) -> None:
    async with slack_rig(database, clock) as one, slack_rig(database, clock) as two:
        body = json.dumps(event_body(im_message_event("moment A customer called back to say thanks"),
                                     event_id="EvReplay"))
        await _send_to_each((one, two), body, signed_headers(body, SECRET, content_type=JSON_CONTENT_TYPE))
        assert await one.count(CustomerMoment) == 1


async def test_a_replayed_teams_activity_is_handled_once_on_every_replica(tmp_path: Path) -> None:
    async with running_server(tmp_path) as one, running_server(tmp_path) as two:
        tenant, (user, aad), conversation = new_tenant(), new_user(), personal_conversation()
        activity = ta.personal_message("moment The renewal went through", service_url=one.connector.service_url,
                                       tenant_id=tenant, user_id=user, aad_object_id=aad,
                                       conversation_id=conversation, activity_id="1700000000123")
        for server in (one, one, two):
            status, _ = await server.post(activity)
            assert status in (200, 201)
        assert await one.count(CustomerMoment) == 1
        assert len(one.connector.activities_in(conversation)) == 1
