"""The shape of a Slack request body, checked before Bolt sees it.

Slack's own requests always have these shapes; a body that doesn't (a forged or broken client, a test)
is answered 400 here instead of failing inside Bolt or a listener, and nothing is stored from it.
"""
from __future__ import annotations

from typing import Any, TypeGuard

HANDLED_INTERACTIONS = {"block_actions", "view_submission", "view_closed", "message_action", "shortcut",
                        "block_suggestion"}


def _text(value: Any, *, required: bool = True) -> bool:
    return isinstance(value, str) and (bool(value) or not required)


def _object(value: Any) -> TypeGuard[dict[str, Any]]:
    return isinstance(value, dict)


def _optional(body: dict[str, Any], key: str, check) -> bool:  # a predicate
    return key not in body or body[key] is None or check(body[key])


def _url(value: Any) -> bool:
    """A response_url: Slack's are https; empty counts as absent."""
    return isinstance(value, str) and (value == "" or value.startswith(("https://", "http://")))


def _texts(body: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    """The first of `keys` present with a value that is not text, as a problem."""
    for key in keys:
        if not _optional(body, key, lambda v: _text(v, required=False)):
            return f"{key} must be text"
    return None


def _user_id(body: dict[str, Any]) -> bool:
    user = body.get("user")
    return _object(user) and _text(user.get("id")) and _texts(user, ("name", "team_id", "username")) is None


def _slash_command(body: dict[str, Any]) -> str | None:
    if not (_text(body.get("command")) and body["command"].startswith("/")):
        return "a slash command needs a command"
    if not (_text(body.get("user_id")) and _text(body.get("team_id"))):
        return "a slash command needs user_id and team_id"
    if not _optional(body, "response_url", _url):
        return "response_url must be an http(s) URL"
    return _texts(body, ("text", "trigger_id", "channel_id", "user_name"))


def _event(body: dict[str, Any]) -> str | None:
    event = body.get("event")
    if not (_object(event) and _text(event.get("type"))):
        return "an event callback needs an event object with a type"
    if not (_text(body.get("event_id")) and _text(body.get("team_id"), required=False)):
        return "an event callback needs an event_id"
    if event.get("text") is not None and not isinstance(event["text"], str | dict):
        return "event.text has the wrong type"
    if "channel" in event and not _optional(event, "channel", _text):
        return "event.channel must be a channel id"
    wrong = _texts(event, ("channel_type", "subtype", "bot_id", "tab", "team", "ts", "event_ts", "thread_ts"))
    if wrong is not None:
        return f"event.{wrong}"
    user = event.get("user")
    if user is not None and not isinstance(user, str) and not (
            _object(user) and _text(user.get("id")) and _optional(user, "profile", _object)
            and _texts(user, ("tz", "locale", "name", "real_name")) is None):
        return "event.user must be a user id or a user object with an id"
    if not _optional(event, "tokens", _object):
        return "event.tokens must be an object"
    return None


def _interaction(payload: dict[str, Any]) -> str | None:
    kind = payload.get("type")
    if kind not in HANDLED_INTERACTIONS:
        return f"interactions of type {str(kind)[:40]!r} are not used by Tandem"
    if not _user_id(payload):
        return "an interaction needs a user with an id"
    if not _optional(payload, "team", lambda t: _object(t) and _text(t.get("id"), required=False)):
        return "team must be an object with an id"
    wrong = _texts(payload, ("trigger_id", "token", "api_app_id", "callback_id"))
    if wrong is not None:
        return wrong
    if not _optional(payload, "response_url", _url):
        return "response_url must be an http(s) URL"
    for key in ("container", "message", "view", "channel", "state"):
        if not _optional(payload, key, _object):
            return f"{key} must be an object"
    if _texts(payload.get("message") or {}, ("text", "ts")) or _texts(payload.get("channel") or {}, ("id",)):
        return "message.text, message.ts and channel.id must be text"
    if kind == "block_actions":
        actions = payload.get("actions")
        if not (isinstance(actions, list) and actions and all(_object(a) and _text(a.get("action_id"))
                                                              for a in actions)):
            return "block_actions needs a list of actions, each with an action_id"
    if kind in {"view_submission", "view_closed"}:
        view = payload.get("view")
        if not (_object(view) and _text(view.get("callback_id"), required=False)):
            return "a view submission needs a view object"
        state = view.get("state")
        if state is not None and not (_object(state) and _optional(state, "values", lambda v: _object(v) and all(
                _object(block) and all(_object(element) for element in block.values()) for block in v.values()))):
            return "view.state.values must map blocks to objects"
        if not _text(view.get("private_metadata", ""), required=False):
            return "view.private_metadata must be text"
    if kind in {"message_action", "shortcut"}:
        if not _text(payload.get("callback_id")):
            return "a shortcut needs a callback_id"
        if not _optional(payload, "channel", lambda c: _object(c) and _text(c.get("id"))):
            return "channel must be an object with an id"
    return None


def problem(body: dict[str, Any]) -> str | None:
    """What is wrong with a Slack body, or None when it has the shape Slack sends.

    Bolt has already turned an interactivity form (`payload=...`) into the payload object itself.
    """
    kind = body.get("type")
    if kind is None and "command" in body:
        return _slash_command(body)
    if kind == "url_verification":
        return None if _text(body.get("challenge")) else "url_verification needs a challenge"
    if kind == "event_callback":
        return _event(body)
    if kind == "app_rate_limited":
        return None
    if _text(kind):
        return _interaction(body)
    return "not a Slack request: no command, interaction or event type"
