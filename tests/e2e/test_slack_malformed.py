"""Signed requests whose shape Slack never sends: a 4xx, never a 500, and nothing stored (found by fuzzing)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from tests.e2e.slack_support import SlackRig, backend, rig  # noqa: F401
from tests.fakes.slack_signing import JSON_CONTENT_TYPE, JsonDict, interactive_form, signed_headers

EVENT_BODIES = {
    "event is null": {"type": "event_callback", "team_id": "T1", "event_id": "Ev1", "event": None},
    "event is a list": {"type": "event_callback", "team_id": "T1", "event_id": "Ev2", "event": []},
    "event channel is an object": {"type": "event_callback", "team_id": "T1", "event_id": "Ev3",
                                   "event": {"type": "message", "channel_type": "im", "user": "U1",
                                             "channel": {"id": "D1"}, "text": "help"}},
    "tokens is a list": {"type": "event_callback", "team_id": "T1", "event_id": "Ev4",
                         "event": {"type": "tokens_revoked", "tokens": []}},
    "no type at all": {"hello": "world"},
}
INTERACTIONS: dict[str, JsonDict] = {
    "view is a list": {"type": "view_submission", "user": {"id": "U1"}, "view": []},
    "unknown type with a view list": {"type": "x", "view": []},
    "actions is text": {"type": "block_actions", "user": {"id": "U1"}, "actions": "x"},
    "action without action_id": {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"value": "1"}]},
    "interactive_message without actions": {"type": "interactive_message", "user": {"id": "U1"}, "actions": []},
    "dialog with an object callback_id": {"type": "dialog_submission", "user": {"id": "U1"}, "callback_id": {}},
    "state values not objects": {"type": "view_submission", "user": {"id": "U1"},
                                 "view": {"callback_id": "note_modal", "state": {"values": {"b": "x"}}}},
    "shortcut channel is text": {"type": "message_action", "user": {"id": "U1"}, "callback_id": "log_customer_moment",
                                 "channel": "C1", "message": {"text": "hi"}},
}


async def _table_counts(rig: SlackRig) -> dict[str, int]:
    async with rig.deps.engine.connect() as connection:
        names = await connection.run_sync(lambda c: inspect(c).get_table_names())
        return {n: (await connection.execute(text(f'SELECT count(*) FROM "{n}"'))).scalar_one() for n in names}


@pytest.mark.parametrize("name", list(EVENT_BODIES))
async def test_malformed_events_are_refused_and_store_nothing(rig: SlackRig, name: str) -> None:
    before = await _table_counts(rig)
    response = await rig.post(json.dumps(EVENT_BODIES[name]), JSON_CONTENT_TYPE)
    assert 400 <= response.status < 500, (name, response.status)
    assert "Traceback" not in await response.text()
    assert await _table_counts(rig) == before


@pytest.mark.parametrize("name", list(INTERACTIONS))
async def test_malformed_interactions_are_refused_and_store_nothing(rig: SlackRig, name: str) -> None:
    before = await _table_counts(rig)
    response = await rig.post(interactive_form(INTERACTIONS[name]))
    assert 400 <= response.status < 500, (name, response.status)
    assert await _table_counts(rig) == before


async def test_a_slash_command_without_user_or_team_is_refused_and_creates_no_one(rig: SlackRig) -> None:
    before = await _table_counts(rig)
    response = await rig.post("command=%2Ftandem&text=help")
    assert response.status == 400
    assert await _table_counts(rig) == before
    assert rig.fake.calls == [] or all(c.method != "users.info" for c in rig.fake.calls)


async def test_a_timestamp_that_is_not_a_number_is_401(rig: SlackRig) -> None:
    body = "command=%2Fcheckin&user_id=U1&team_id=T1"
    headers = {**signed_headers(body, "test-signing-secret"), "X-Slack-Request-Timestamp": "not-a-number"}
    response = await rig.client.post("/slack/events", data=body.encode(), headers=headers)
    assert response.status == 401
