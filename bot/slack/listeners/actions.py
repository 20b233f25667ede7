"""Buttons and selects on Tandem's messages: mood, note, moment outcome/touchpoint, action feedback, confirmations.

Each click is acknowledged first, then becomes a typed command run through the one unit-of-work runner;
the message that was clicked is updated in place through the response_url (it works for ephemeral and
DM messages alike). Clicks Tandem does not know get a polite ephemeral answer instead of Slack's error
triangle.
"""
from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import units
from bot.slack import ids, render
from bot.slack.ack_first import AckFirst
from bot.slack.identity import user_of
from bot.slack.listening import Listening, replay_of
from bot.slack.replies import Surface, deliver
from handlers import commands as c
from handlers.messages import OUTCOMES, Reply, Text, replaces_clicked

MOOD = re.compile(r"^mood_[1-5]$")
NOTE_TURN = re.compile("^" + re.escape(ids.NOTE_TURN_ACTION_PREFIX) + r"\d{1,2}$")
OUTCOME = re.compile("^" + re.escape(ids.MOMENT_OUTCOME_ACTION_PREFIX) + "(" + "|".join(OUTCOMES) + ")$")
STALE = "That button doesn't do anything any more. Type `/checkin` or `/tandem help` to carry on."
MAX_ID_DIGITS = 12


def _action(body: dict[str, Any]) -> dict[str, Any]:
    actions = body.get("actions") or [{}]
    return actions[0] if isinstance(actions[0], dict) else {}


def _number(value: Any) -> int | None:
    text = str(value or "").split(":", 1)[0]
    return int(text) if text.isdecimal() and len(text) < MAX_ID_DIGITS else None


async def answer(reply: Reply, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                 replace: bool | None = None) -> None:
    """The reply to a click, through its response_url: replacing the clicked message, or beside it.

    By default as messages.replaces_clicked says.
    """
    if replace is None:
        replace = replaces_clicked(reply)
    await deliver(reply, Surface(client=client, user_id=user_of(body)[0], respond=respond,
                                 trigger_id=body.get("trigger_id"), replace_original=replace))


async def stale(body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
    """A click Tandem can't act on (an old message, a tampered value): say so beside it."""
    await answer(Reply.of(Text(STALE)), body, respond, client)


def register(app: AsyncApp, listening: Listening) -> None:
    async def clicked(command: c.Command | str | None, body: dict[str, Any], respond: AsyncRespond,
                      client: AsyncWebClient, context: AsyncBoltContext, replace: bool | None = None) -> None:
        """Run the click's command and answer it; a click that names no command is stale."""
        await listening.pacing.quiet()
        if command is None:
            return await stale(body, respond, client)
        reply = await units.run(listening.deps, await listening.caller(body, client), command,
                                replay=replay_of(context))
        if reply is not None:
            await answer(reply, body, respond, client, replace)

    @app.action(MOOD)
    async def on_mood(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                      context: AsyncBoltContext) -> None:
        await ack()
        action = _action(body)
        prompt_id, score = _number(action.get("value")), ids.mood_score_from_action(str(action.get("action_id")))
        command = c.AnswerMood(score, prompt_id) if prompt_id is not None and score is not None else None
        await clicked(command, body, respond, client, context)

    @app.action(ids.ADD_NOTE_ACTION)
    async def on_add_note(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                          client: AsyncWebClient) -> None:
        await ack()
        prompt_id = _number(_action(body).get("value"))
        if prompt_id is None or not body.get("trigger_id"):
            return await stale(body, respond, client)
        await client.views_open(trigger_id=body["trigger_id"],
                                view=render.note_modal(prompt_id, body.get("response_url")))

    @app.action(NOTE_TURN)
    async def on_note_turn(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                           client: AsyncWebClient) -> None:
        """Reply / Answer on a shared note: the form only; who may send is decided when it is submitted."""
        await ack()
        turn = ids.note_turn_from_value(_action(body).get("value"))
        if turn is None or not body.get("trigger_id"):
            return await stale(body, respond, client)
        await client.views_open(trigger_id=body["trigger_id"], view=render.note_turn_modal(*turn))

    @app.action(OUTCOME)
    async def on_outcome(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
        await ack()
        action = _action(body)
        moment_id = _number(action.get("value"))
        outcome = str(action.get("action_id"))[len(ids.MOMENT_OUTCOME_ACTION_PREFIX):]
        command = c.SetMomentDetails(moment_id, outcome=outcome) if moment_id is not None else None
        await clicked(command, body, respond, client, context)

    @app.action(ids.MOMENT_TOUCHPOINT_ACTION)
    async def on_touchpoint(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                            context: AsyncBoltContext) -> None:
        await ack()
        value = str((_action(body).get("selected_option") or {}).get("value") or "")
        moment_id, _, touchpoint = value.partition(":")
        number = _number(moment_id)
        command = c.SetMomentDetails(number, touchpoint=touchpoint) if number is not None and touchpoint else None
        await clicked(command, body, respond, client, context)

    @app.action(re.compile(f"^({ids.ACTION_HELPS_ACTION}|{ids.ACTION_NO_HELP_ACTION})$"))
    async def on_action_feedback(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                                 client: AsyncWebClient, context: AsyncBoltContext) -> None:
        await ack()
        action = _action(body)
        action_id, helps = _number(action.get("value")), action.get("action_id") == ids.ACTION_HELPS_ACTION
        command = c.ActionFeedback(None, 0, helps, action_id=action_id) if action_id is not None else None
        await clicked(command, body, respond, client, context)

    @app.action(ids.ACTION_RECORD_ACTION)
    async def on_record_action(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                               client: AsyncWebClient) -> None:
        await ack()
        team = _action(body).get("value")
        if not isinstance(team, str) or not team.strip() or not body.get("trigger_id"):
            return await stale(body, respond, client)
        await client.views_open(trigger_id=body["trigger_id"], view=render.action_modal(team, body.get("response_url")))

    @app.action(ids.CONFIRM_ACTION)
    async def on_confirm(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
        await ack()
        line = str(_action(body).get("value") or "")
        await clicked(line if line.startswith("/tandem ") else None, body, respond, client, context, replace=True)


def register_fallback(app: AsyncApp, pacing: AckFirst) -> None:
    """Last of all listeners: Bolt asks them in order, and this one takes every click nobody else knows."""
    @app.action(re.compile(".*"))
    async def on_unknown(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        if body.get("response_url"):
            await stale(body, respond, client)
