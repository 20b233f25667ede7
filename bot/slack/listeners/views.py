"""Modal submissions (note, customer moment, a digest's action) and the "Log as customer moment" message shortcut.

A submission is validated by the handler before it is acknowledged, so a refusal shows next to the
field (`response_action: errors`) and nothing is stored; a good one closes the modal and confirms.
"""
from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import units
from bot.slack import ids, render
from bot.slack.http import Responder
from bot.slack.identity import user_of
from bot.slack.listening import Listening, replay_of
from bot.slack.replies import Surface, deliver
from bot.slack.text import clip, from_slack
from handlers import commands as c
from handlers.errors import TandemError
from handlers.messages import Reply

ERROR_LIMIT = 150


def _metadata(view: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _value(view: dict[str, Any], block_id: str) -> str | None:
    """A plain_text_input's value or a select's chosen option, from state.values."""
    entry = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(block_id) or {}
    if entry.get("selected_option"):
        return str(entry["selected_option"].get("value") or "") or None
    value = entry.get("value")
    return str(value) if value is not None else None


async def _permalink(client: AsyncWebClient, channel: str, ts: str) -> str | None:
    """The message's link, or None where the bot may not read the channel (the moment is still logged)."""
    try:
        answer = await client.chat_getPermalink(channel=channel, message_ts=ts)
    except SlackApiError:
        return None
    return str(answer["permalink"]) if answer.get("permalink") else None


def _note(view: dict[str, Any]) -> c.AddNote | None:
    prompt_id = _metadata(view).get("prompt_id")
    if not isinstance(prompt_id, int) or isinstance(prompt_id, bool):
        return None
    return c.AddNote(_value(view, ids.NOTE_INPUT) or "", prompt_id, share=_ticked(view, ids.NOTE_SHARE_INPUT))


def _ticked(view: dict[str, Any], block_id: str) -> bool:
    """Whether the share checkbox was ticked (anything else, including a forged value, means private)."""
    entry = ((view.get("state") or {}).get("values") or {}).get(block_id, {}).get(block_id) or {}
    chosen = entry.get("selected_options")
    return isinstance(chosen, list) and any(isinstance(o, dict) and o.get("value") == ids.NOTE_SHARE_VALUE
                                            for o in chosen)


def _note_turn(view: dict[str, Any]) -> c.ReplyToNote | c.AnswerNote | None:
    """The typed `tandem reply|answer N text`, from the form (the handler checks the text and who may send)."""
    turn = ids.note_turn_from_value(_metadata(view).get("turn"))
    if turn is None:
        return None
    verb, number = turn
    text = _value(view, ids.NOTE_TURN_INPUT) or ""
    return c.NOTE_TURNS[verb](number, text)


def _action(view: dict[str, Any]) -> c.ActionAdd | None:
    """The digest's "Record an action" form: the team comes from the form, never from the typed text."""
    team = _metadata(view).get("team")
    if not isinstance(team, str) or not team.strip():
        return None
    return c.ActionAdd(_value(view, ids.ACTION_TEXT_INPUT) or "", team=team)


def _moment(view: dict[str, Any]) -> c.LogMoment:
    link = _metadata(view).get("link")
    return c.LogMoment(_value(view, ids.MOMENT_TEXT_INPUT) or "", outcome=_value(view, ids.MOMENT_OUTCOME_INPUT),
                       touchpoint=_value(view, ids.MOMENT_TOUCHPOINT_INPUT),
                       customer=_value(view, ids.MOMENT_CUSTOMER_INPUT),
                       source_link=link if isinstance(link, str) else None)


def register(app: AsyncApp, listening: Listening) -> None:
    async def submitted(command: c.Command, field: str, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> Reply | None:
        """Run a form's command before the ack: a refusal goes back beside `field`; None: refused or replayed."""
        try:
            reply = await units.run(listening.deps, await listening.caller(body, client), command,
                                    replay=replay_of(context), raise_refusals=True)
        except TandemError as refusal:
            await ack(response_action="errors", errors={field: clip(refusal.reply, ERROR_LIMIT)})
            return None
        await ack()
        if reply is not None:
            await listening.pacing.quiet()
        return reply

    @app.view(ids.NOTE_MODAL)
    async def on_note(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                      context: AsyncBoltContext) -> None:
        command = _note(view)
        if command is None:
            await ack(response_action="errors", errors={ids.NOTE_INPUT: clip(
                "I lost track of which check-in this note is for. Type /checkin and try again.", ERROR_LIMIT)})
            return
        reply = await submitted(command, ids.NOTE_INPUT, ack, body, client, context)
        if reply is None:
            return
        url = _metadata(view).get("response_url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            await Responder(url, listening.http)(**render.message_payload(reply.messages[0]),
                                                 response_type="ephemeral", replace_original=False)
        else:
            await deliver(reply, Surface(client=client, user_id=user_of(body)[0]))

    async def answered_here(command: c.Command | None, field: str, lost: str,
                            ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                            context: AsyncBoltContext) -> None:
        """Run a form's command and answer in the person's DM; a form that lost its context says so by the field."""
        if command is None:
            await ack(response_action="errors", errors={field: clip(lost, ERROR_LIMIT)})
            return
        reply = await submitted(command, field, ack, body, client, context)
        if reply is not None:
            await deliver(reply, Surface(client=client, user_id=user_of(body)[0]))

    @app.view(ids.NOTE_TURN_MODAL)
    async def on_note_turn(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                           context: AsyncBoltContext) -> None:
        await answered_here(_note_turn(view), ids.NOTE_TURN_INPUT,
                            "I lost track of which note this is for. Type `tandem notes` and try again.",
                            ack, body, client, context)

    @app.view(ids.ACTION_MODAL)
    async def on_action(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
        await answered_here(_action(view), ids.ACTION_TEXT_INPUT,
                            "I lost track of which team this action is for. Use `/tandem action add TEAM TEXT`.",
                            ack, body, client, context)

    @app.view(ids.MOMENT_MODAL)
    async def on_moment(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                        context: AsyncBoltContext) -> None:
        await answered_here(_moment(view), ids.MOMENT_TEXT_INPUT, "", ack, body, client, context)

    @app.shortcut(ids.MESSAGE_SHORTCUT)
    async def on_message_shortcut(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                                  context: AsyncBoltContext) -> None:
        await ack()
        message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
        link = None
        if channel and message.get("ts"):
            link = await _permalink(client, channel, str(message["ts"]))
        form = await units.run(listening.deps, await listening.caller(body, client),
                               c.OpenMomentForm(from_slack(message.get("text")), link), replay=replay_of(context))
        if form is not None:
            await deliver(form, Surface(client=client, user_id=user_of(body)[0], trigger_id=body.get("trigger_id")))
