"""Socket Mode: Slack over a websocket the server opens, for hosts without a public URL (SLACK_APP_TOKEN)."""
from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bot.config import Settings
from bot.slack.routes import SLACK_KEY

log = logging.getLogger("tandem.slack")


async def start_socket_mode(app: web.Application, settings: Settings) -> AsyncSocketModeHandler | None:
    """Connect when SLACK_APP_TOKEN is set and Slack is configured; None otherwise."""
    adapter = app.get(SLACK_KEY)
    if adapter is None or not settings.env.slack_app_token:
        return None
    handler = AsyncSocketModeHandler(adapter.bolt, settings.env.slack_app_token)
    await handler.connect_async()
    log.info("Slack Socket Mode connected")
    return handler


async def stop_socket_mode(handler: AsyncSocketModeHandler | None) -> None:
    if handler is not None:
        await handler.close_async()
