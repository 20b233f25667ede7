"""Modal submissions (note, customer moment) and the "Log as customer moment" message shortcut.

A submission is validated by the handler before it is acknowledged, so a refusal shows next to the
field (`response_action: errors`) and nothing is stored; a good one closes the modal and confirms.
"""
from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import ids, render
from bot.slack.flow import run_use_case
from bot.slack.identity import ProfileCache, caller_from, team_of, user_of
from bot.slack.ack_first import AckFirst
from bot.slack.replies import Surface, deliver
from bot.slack.text import clip, from_slack
from bot.wiring import Deps
from handlers import checkins, moments
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


def register(app: AsyncApp, deps: Deps, profiles: ProfileCache, pacing: AckFirst) -> None:
    async def caller(body: dict[str, Any], client: AsyncWebClient):  # noqa: ANN202 - a Caller
        user_id, name = user_of(body)
        return await caller_from(profiles, client, team_of(body), user_id, name)

    @app.view(ids.NOTE_MODAL)
    async def on_note(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        meta, note = _metadata(view), _value(view, ids.NOTE_INPUT) or ""
        prompt_id = meta.get("prompt_id")
        try:
            if not isinstance(prompt_id, int):
                raise TandemError("I lost track of which check-in this note is for. Type /checkin and try again.")
            reply = await run_use_case(deps, await caller(body, client), lambda ctx, person: checkins.add_note(
                ctx, person, note, prompt_id=prompt_id), raise_refusals=True)
        except TandemError as refusal:
            return await ack(response_action="errors", errors={ids.NOTE_INPUT: clip(refusal.reply, ERROR_LIMIT)})
        await ack()
        await pacing.quiet()
        url = meta.get("response_url")
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            await AsyncWebhookClient(url).send(**render.message_payload(reply.messages[0]),
                                               response_type="ephemeral", replace_original=False)
        else:
            await deliver(reply, Surface(client=client, user_id=user_of(body)[0]))

    @app.view(ids.MOMENT_MODAL)
    async def on_moment(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient) -> None:
        link = _metadata(view).get("link")
        text, customer = _value(view, ids.MOMENT_TEXT_INPUT) or "", _value(view, ids.MOMENT_CUSTOMER_INPUT)
        outcome, touchpoint = _value(view, ids.MOMENT_OUTCOME_INPUT), _value(view, ids.MOMENT_TOUCHPOINT_INPUT)
        try:
            reply = await run_use_case(deps, await caller(body, client), lambda ctx, person: moments.log_moment(
                ctx, person, text, outcome=outcome, touchpoint=touchpoint, customer=customer,
                source_link=link if isinstance(link, str) else None), raise_refusals=True)
        except TandemError as refusal:
            return await ack(response_action="errors",
                             errors={ids.MOMENT_TEXT_INPUT: clip(refusal.reply, ERROR_LIMIT)})
        await ack()
        await pacing.quiet()
        await deliver(reply, Surface(client=client, user_id=user_of(body)[0]))

    @app.shortcut(ids.MESSAGE_SHORTCUT)
    async def on_message_shortcut(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id")
        link = None
        if channel and message.get("ts"):
            link = await _permalink(client, channel, str(message["ts"]))
        text = from_slack(message.get("text"))
        form = await run_use_case(deps, await caller(body, client),
                                  lambda ctx, person: _form(ctx, text, link))
        await deliver(form, Surface(client=client, user_id=user_of(body)[0], trigger_id=body.get("trigger_id")))


async def _form(ctx, text: str, link: str | None) -> Reply:  # noqa: ANN001 - a Ctx
    return Reply.of(moments.moment_form(ctx, text, link))
