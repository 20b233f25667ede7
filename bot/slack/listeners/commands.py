"""/checkin, /moment and /tandem: acknowledged at once, answered ephemerally through the response_url."""
from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import units
from bot.slack.identity import user_of
from bot.slack.ids import SLASH_COMMANDS
from bot.slack.listening import Listening, replay_of
from bot.slack.replies import Surface, deliver
from bot.slack.text import from_slack
from handlers.dispatch import opens_form

COMMANDS = re.compile("^(" + "|".join(re.escape(c) for c in SLASH_COMMANDS) + ")$")


def register(app: AsyncApp, listening: Listening) -> None:
    @app.command(COMMANDS)
    async def on_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                         context: AsyncBoltContext) -> None:
        await ack()
        line = f"{body.get('command', '')} {from_slack(body.get('text'))}"
        if not opens_form(line):
            await listening.pacing.quiet()
        reply = await units.run(listening.deps, await listening.caller(body, client), line, replay=replay_of(context))
        if reply is not None:
            await deliver(reply, Surface(client=client, user_id=user_of(body)[0], respond=respond,
                                         trigger_id=body.get("trigger_id")))
