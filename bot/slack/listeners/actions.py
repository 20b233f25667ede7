"""Buttons and selects on Tandem's messages: mood, note, moment outcome/touchpoint, confirmations.

Each click is acknowledged first; the message that was clicked is then updated in place through the
response_url (it works for ephemeral and DM messages alike). Clicks Tandem does not know get a polite
ephemeral answer instead of Slack's error triangle.
"""
from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids, render
from bot.slack.flow import run_text, run_use_case
from bot.slack.identity import ProfileCache, caller_from, team_of, user_of
from bot.slack.ack_first import AckFirst
from bot.slack.replies import Surface, deliver
from bot.wiring import Deps
from handlers import checkins, moments
from handlers.messages import OUTCOMES, Reply, Text

MOOD = re.compile(r"^mood_[1-5]$")
OUTCOME = re.compile("^" + re.escape(ids.MOMENT_OUTCOME_ACTION_PREFIX) + "(" + "|".join(OUTCOMES) + ")$")
STALE = "That button doesn't do anything any more. Type `/checkin` or `/tandem help` to carry on."


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def _number(value: Any) -> int | None:
    text = str(value or "").split(":", 1)[0]
    return int(text) if text.isdecimal() and len(text) < 12 else None


async def answer(reply: Reply, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                 replace: bool | None = None) -> None:
    """The reply to a click, through its response_url: replacing the clicked message, or beside it.

    By default a card (the flow's next step) replaces the clicked message and plain text (a refusal, an
    error) goes beside it, so the buttons stay there to try again.
    """
    if replace is None:
        replace = not isinstance(reply.messages[0], Text)
    await deliver(reply, Surface(client=client, user_id=user_of(body)[0], respond=respond,
                                 trigger_id=body.get("trigger_id"), replace_original=replace))


async def stale(body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
    """A click Tandem can't act on (an old message, a tampered value): say so beside it."""
    await answer(Reply.of(Text(STALE)), body, respond, client)


def register(app: AsyncApp, deps: Deps, profiles: ProfileCache, pacing: AckFirst) -> None:
    async def caller(body: dict[str, Any], client: AsyncWebClient):  # noqa: ANN202 - a Caller
        user_id, name = user_of(body)
        return await caller_from(profiles, client, team_of(body), user_id, name)

    @app.action(MOOD)
    async def on_mood(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        action, prompt_id = _action(body), _number(_action(body).get("value"))
        score = ids.mood_score_from_action(str(action.get("action_id")))
        if prompt_id is None or score is None:
            return await stale(body, respond, client)
        reply = await run_use_case(deps, await caller(body, client),
                                   lambda ctx, person: checkins.record_mood(ctx, person, prompt_id, score))
        await answer(reply, body, respond, client)

    @app.action(ids.ADD_NOTE_ACTION)
    async def on_add_note(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient) -> None:
        await ack()
        prompt_id = _number(_action(body).get("value"))
        if prompt_id is None or not body.get("trigger_id"):
            return await stale(body, respond, client)
        await client.views_open(trigger_id=body["trigger_id"],
                                view=render.note_modal(prompt_id, body.get("response_url")))

    @app.action(OUTCOME)
    async def on_outcome(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        action = _action(body)
        moment_id = _number(action.get("value"))
        outcome = str(action.get("action_id"))[len(ids.MOMENT_OUTCOME_ACTION_PREFIX):]
        if moment_id is None:
            return await stale(body, respond, client)
        reply = await run_use_case(deps, await caller(body, client), lambda ctx, person: moments.set_moment_details(
            ctx, person, moment_id, outcome=outcome))
        await answer(reply, body, respond, client)

    @app.action(ids.MOMENT_TOUCHPOINT_ACTION)
    async def on_touchpoint(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                            client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        value = str((_action(body).get("selected_option") or {}).get("value") or "")
        moment_id, _, touchpoint = value.partition(":")
        if _number(moment_id) is None or not touchpoint:
            return await stale(body, respond, client)
        reply = await run_use_case(deps, await caller(body, client), lambda ctx, person: moments.set_moment_details(
            ctx, person, int(moment_id), touchpoint=touchpoint))
        await answer(reply, body, respond, client)

    @app.action(ids.CONFIRM_ACTION)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        command = str(_action(body).get("value") or "")
        if not command.startswith("/tandem "):
            return await stale(body, respond, client)
        reply = await run_text(deps, await caller(body, client), command)
        await answer(reply, body, respond, client, replace=True)


def register_fallback(app: AsyncApp, pacing: AckFirst) -> None:
    """Last of all listeners: Bolt asks them in order, and this one takes every click nobody else knows."""
    @app.action(re.compile(".*"))
    async def on_unknown(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        if body.get("response_url"):
            await stale(body, respond, client)
