"""Build inbound Slack requests exactly as Slack sends them: signed, and in the real wire format.

Why: end-to-end tests post to ``/slack/events`` through the real signature check, so bodies start from
the captured payloads in ``../shared/specs/slack/payloads/`` and only the fields a test cares about
are overridden. Defaults describe a plain (non-Enterprise Grid) workspace: ``enterprise_id`` fields
are dropped unless given, because a stray enterprise id changes how bolt looks up installations.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, urlencode

from tests.fakes.slack_api import slack_specs_dir

JsonDict = dict[str, Any]

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"


def sign_request(body: bytes | str, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """Slack's v0 signature headers: ``v0=`` + hex HMAC-SHA256(secret, ``v0:{ts}:{raw body}``)."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode("utf-8"), b"v0:" + ts.encode("ascii") + b":" + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def signed_headers(body: bytes | str, secret: str, *, content_type: str = FORM_CONTENT_TYPE,
                   timestamp: int | None = None) -> dict[str, str]:
    """Signature headers plus the Content-Type Slack sends with that kind of body."""
    return {"Content-Type": content_type, **sign_request(body, secret, timestamp)}


@lru_cache(maxsize=64)
def _payload_text(name: str) -> str:
    return (slack_specs_dir() / "payloads" / name).read_text(encoding="utf-8")


def load_raw_payload(name: str) -> str:
    """A captured body exactly as stored (e.g. ``slash_command.form.txt``)."""
    return _payload_text(name)


def load_payload(name: str) -> JsonDict:
    """A captured payload as a fresh dict: ``block_actions`` / ``block_actions.json``, or a ``.form.txt`` parsed."""
    if name.endswith(".txt"):
        return dict(parse_qsl(_payload_text(name).strip(), keep_blank_values=True))
    file_name = name if name.endswith(".json") else f"{name}.json"
    return json.loads(_payload_text(file_name))


def _drop_enterprise_unless(body: JsonDict, enterprise_id: str | None) -> None:
    if enterprise_id is None:
        body.pop("enterprise_id", None)
        body.pop("enterprise_name", None)
    else:
        body["enterprise_id"] = enterprise_id


def fresh_trigger_id() -> str:
    """Slack gives every slash command and interaction its own trigger_id, so no two real bodies are equal
    (and a body sent twice with the same timestamp is a replay)."""
    return f"{secrets.randbelow(10**10)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"


def slash_command_form(
    command: str = "/tandem",
    text: str = "",
    *,
    user_id: str = "U111",
    team_id: str = "T111",
    channel_id: str = "D111",
    enterprise_id: str | None = None,
    **overrides: str,
) -> str:
    """A slash-command body with the real form's fields and encoding (``+`` for spaces, ``%2F`` for ``/``)."""
    fields = load_payload("slash_command.form.txt")
    fields.update(command=command, text=text, user_id=user_id, team_id=team_id, channel_id=channel_id,
                  trigger_id=fresh_trigger_id())
    _drop_enterprise_unless(fields, enterprise_id)
    fields.update(overrides)
    return urlencode(fields)


def interactive_form(payload: JsonDict) -> str:
    """Interactivity bodies travel as form field ``payload`` holding the JSON."""
    return urlencode({"payload": json.dumps(payload)})


def _team_and_user(body: JsonDict, user_id: str, team_id: str, enterprise_id: str | None) -> None:
    body["user"].update(id=user_id, team_id=team_id)
    team = body["team"]
    team["id"] = team_id
    if enterprise_id is None:
        team.pop("enterprise_id", None)
        team.pop("enterprise_name", None)
    else:
        team["enterprise_id"] = enterprise_id


def block_actions_payload(
    action_id: str,
    value: str | None = None,
    *,
    block_id: str = "b",
    user_id: str = "U111",
    team_id: str = "T111",
    channel_id: str = "D111",
    message_ts: str = "111.222",
    container: JsonDict | None = None,
    message: JsonDict | None = None,
    view: JsonDict | None = None,
    trigger_id: str | None = None,
    enterprise_id: str | None = None,
) -> JsonDict:
    """A button click (block_actions) built on bolt-python's captured body; pass ``view`` for a Home/modal click."""
    body = load_payload("block_actions")
    _team_and_user(body, user_id, team_id, enterprise_id)
    action = body["actions"][0]
    action.update(action_id=action_id, block_id=block_id)
    if value is None:
        action.pop("value", None)
    else:
        action["value"] = value
    body["trigger_id"] = trigger_id or fresh_trigger_id()
    if view is not None:
        body["container"] = container or {"type": "view", "view_id": view.get("id", "V111")}
        body["view"] = view
        body.pop("channel", None)
    else:
        body["container"] = container or {
            "type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": False
        }
        body["channel"] = {"id": channel_id, "name": "directmessage" if channel_id.startswith("D") else "channel"}
    if message is not None:
        body["message"] = message
    return body


def view_submission_payload(
    callback_id: str,
    values: dict[str, dict[str, JsonDict]] | None = None,
    *,
    private_metadata: str = "",
    user_id: str = "U111",
    team_id: str = "T111",
    view_id: str = "V111",
    enterprise_id: str | None = None,
) -> JsonDict:
    """A modal submit; ``values`` is ``state.values``: ``{block_id: {action_id: {"type": ..., "value": ...}}}``."""
    body = load_payload("view_submission")
    _team_and_user(body, user_id, team_id, enterprise_id)
    view = body["view"]
    view.update(id=view_id, root_view_id=view_id, team_id=team_id, app_installed_team_id=team_id,
                callback_id=callback_id, private_metadata=private_metadata, state={"values": values or {}})
    body["trigger_id"] = fresh_trigger_id()
    return body


def plain_text_value(value: str | None) -> JsonDict:
    """One ``state.values`` entry for a plain_text_input."""
    return {"type": "plain_text_input", "value": value}


def message_shortcut_payload(
    callback_id: str,
    text: str,
    *,
    user_id: str = "U111",
    author_id: str = "U222",
    team_id: str = "T111",
    channel_id: str = "C111",
    message_ts: str = "1583636382.000300",
    enterprise_id: str | None = None,
) -> JsonDict:
    """A message shortcut ("Log as customer moment") on a message written by ``author_id``."""
    body = load_payload("shortcut_message")
    body["user"]["id"] = user_id
    body["team"]["id"] = team_id
    if enterprise_id is None:
        body["team"].pop("enterprise_id", None)
        body["team"].pop("enterprise_name", None)
    body.update(callback_id=callback_id, message_ts=message_ts, trigger_id=fresh_trigger_id())
    body["channel"]["id"] = channel_id
    message = body["message"]
    message.update(text=text, user=author_id, ts=message_ts, team=team_id)
    message["blocks"] = [{"type": "rich_text", "block_id": "m1", "elements": [
        {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}]
    return body


def event_body(
    event: JsonDict,
    *,
    team_id: str = "T111",
    event_id: str = "Ev111",
    event_time: int | None = None,
    api_app_id: str = "A111",
    bot_user_id: str = "U0BOT",
    enterprise_id: str | None = None,
) -> JsonDict:
    """An Events API ``event_callback`` wrapper (from a captured body) around ``event``."""
    body = load_payload("event_message_user")
    body.update(event=event, team_id=team_id, event_id=event_id, api_app_id=api_app_id,
                event_time=int(time.time()) if event_time is None else event_time)
    body.pop("event_context", None)
    if enterprise_id is None:
        body.pop("enterprise_id", None)
    else:
        body["enterprise_id"] = enterprise_id
    body["authorizations"] = [{"enterprise_id": enterprise_id, "team_id": team_id, "user_id": bot_user_id,
                               "is_bot": True, "is_enterprise_install": False}]
    return body


def im_message_event(text: str, *, user_id: str = "U111", channel_id: str = "D111", ts: str | None = None,
                     team_id: str = "T111") -> JsonDict:
    """A ``message.im`` event: a person writing to the bot in its DM."""
    event = load_payload("event_message_user")["event"]
    ts = ts or f"{time.time():.6f}"
    event.update(text=text, user=user_id, channel=channel_id, channel_type="im", ts=ts, event_ts=ts, team=team_id)
    event["blocks"][0]["elements"][0]["elements"][0]["text"] = text
    return event


def app_home_opened_event(user_id: str = "U111", *, tab: str = "home", channel_id: str = "D111") -> JsonDict:
    """An ``app_home_opened`` event (the Home or Messages tab was opened)."""
    event = load_payload("event_app_home_opened_org_app")["event"]
    event.update(user=user_id, tab=tab, channel=channel_id, event_ts=f"{time.time():.6f}")
    return event


def url_verification_body(challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") -> JsonDict:
    body = load_payload("url_verification")
    body["challenge"] = challenge
    return body
