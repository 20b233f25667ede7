"""Bad and hostile requests: refused with a 4xx or answered with a friendly ephemeral reply, never a 500,
and nothing stored from a rejected request."""
from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from bot.slack import ids
from storage.models import CustomerMoment, MoodEntry, Person, SeenEvent, Workspace
from tests.e2e.slack_support import SECRET, SlackRig, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import block_actions_payload, event_body, im_message_event, slash_command_form

TABLES = (Workspace, Person, MoodEntry, CustomerMoment, SeenEvent)


async def nothing_stored(rig: SlackRig) -> bool:
    return all([await rig.count(table) == 0 for table in TABLES])


async def test_wrong_signature_stale_timestamp_and_missing_headers_get_401(rig: SlackRig) -> None:
    body = slash_command_form("/moment", "should never be stored", response_url=rig.sink.url())
    wrong = await rig.post(body, secret="not-the-secret")
    stale = await rig.post(body, timestamp=int(time.time()) - 6 * 60)
    future = await rig.post(body, timestamp=int(time.time()) + 6 * 60)
    bare = await rig.client.post("/slack/events", data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    only_ts = await rig.client.post("/slack/events", data=body, headers={"X-Slack-Request-Timestamp": "1"})
    event = await rig.post(json.dumps(event_body(im_message_event("moment hi"))), "application/json", secret="x")
    assert [r.status for r in (wrong, stale, future, bare, only_ts, event)] == [401] * 6
    assert await nothing_stored(rig)
    assert rig.fake.calls == [] and rig.sink.posts == []


async def test_tampered_body_with_a_valid_signature_of_another_body_gets_401(rig: SlackRig) -> None:
    from tests.fakes.slack_signing import signed_headers

    signed = signed_headers(slash_command_form("/tandem", "help"), SECRET)
    response = await rig.client.post("/slack/events", data=slash_command_form("/moment", "evil"), headers=signed)
    assert response.status == 401
    assert await nothing_stored(rig)


async def test_malformed_json_in_payload_gets_400(rig: SlackRig) -> None:
    for body in (urlencode({"payload": "{not json"}), urlencode({"payload": "[1, 2]"}), "{broken",
                 urlencode({"payload": json.dumps("just a string")})):
        response = await rig.post(body)
        assert response.status == 400, body
        assert "error" in await response.json()
    assert await nothing_stored(rig)


async def test_unknown_action_id_gets_a_friendly_ephemeral_reply(rig: SlackRig) -> None:
    payload = block_actions_payload("launch_rockets", "1")
    payload["response_url"] = rig.sink.url("unknown")
    response = await rig.interact(payload)
    assert response.status == 200
    reply = (await eventually(lambda: rig.sink.to("unknown")))[0]
    assert reply["response_type"] == "ephemeral" and "/tandem help" in reply["text"]
    assert await nothing_stored(rig)


async def test_mood_click_with_missing_or_bad_value_is_answered_not_stored(rig: SlackRig) -> None:
    for value in (None, "abc", "99999999", "³", "²:1"):  # superscripts pass str.isdigit but not int()
        payload = block_actions_payload(ids.mood_action_id(3), value)
        payload["response_url"] = rig.sink.url("bad")
        response = await rig.interact(payload)
        assert response.status == 200
    replies = await eventually(lambda: len(rig.sink.to("bad")) == 5 and rig.sink.to("bad"))
    assert all(r["replace_original"] is False for r in replies)
    assert sum("can't find that check-in" in r["text"] for r in replies) == 1  # the well-formed unknown id
    assert sum("doesn't do anything any more" in r["text"] for r in replies) == 4
    assert await rig.count(MoodEntry) == 0


async def test_slash_command_with_missing_fields_or_unknown_text_never_500s(rig: SlackRig) -> None:
    fields = {"command": "/tandem", "text": "frobnicate", "team_id": "T111", "user_id": "U111",
                  "response_url": rig.sink.url("unknown_cmd"), "trigger_id": "1.2.3"}
    response = await rig.post(urlencode(fields))
    assert response.status == 200
    reply = (await eventually(lambda: rig.sink.to("unknown_cmd")))[0]
    assert "Usage" in reply["text"] or "help" in reply["text"]
    no_command = await rig.post(urlencode({"text": "hi", "team_id": "T111", "user_id": "U111"}))
    assert no_command.status < 500


async def test_forty_thousand_character_moment_is_refused_with_the_limit(rig: SlackRig) -> None:
    response = await rig.post(slash_command_form("/moment", "z" * 40_000, response_url=rig.sink.url("long")))
    assert response.status == 200
    reply = (await eventually(lambda: rig.sink.to("long")))[0]
    assert "40,000 characters" in reply["text"] and "3,000" in reply["text"] and "Usage" in reply["text"]
    assert await rig.count(CustomerMoment) == 0
