"""/checkin, /moment and /tandem: acknowledged at once, answered ephemerally through the response_url."""
from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.flow import run_text
from bot.slack.identity import ProfileCache, caller_from, team_of, user_of
from bot.slack.ids import SLASH_COMMANDS
from bot.slack.ack_first import AckFirst
from bot.slack.replies import Surface, deliver
from bot.slack.text import from_slack
from bot.wiring import Deps
from handlers.dispatch import opens_form

COMMANDS = re.compile("^(" + "|".join(re.escape(c) for c in SLASH_COMMANDS) + ")$")


def register(app: AsyncApp, deps: Deps, profiles: ProfileCache, pacing: AckFirst) -> None:
    @app.command(COMMANDS)
    async def on_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        line = f"{body.get('command', '')} {from_slack(body.get('text'))}"
        if not opens_form(line):
            await pacing.quiet()
        user_id, name = user_of(body)
        caller = await caller_from(profiles, client, team_of(body), user_id, name)
        reply = await run_text(deps, caller, line)
        await deliver(reply, Surface(client=client, user_id=user_id, respond=respond,
                                     trigger_id=body.get("trigger_id")))
