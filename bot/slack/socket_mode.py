"""Socket Mode: Slack over a websocket the server opens, for hosts without a public URL (SLACK_APP_TOKEN).

Envelopes take the same path as HTTP requests after the signature check: the shape check first (a body
Tandem can't handle is acknowledged, logged and dropped, so Slack doesn't resend it), then Bolt, counted
by the same ack-first pacing (bot/slack/ack_first.py).
"""
from __future__ import annotations

import logging
from time import time

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.async_internals import run_async_bolt_app, send_async_response
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.config import Settings
from bot.slack import shape
from bot.slack.ack_first import AckFirst
from bot.slack.routes import SLACK_KEY

log = logging.getLogger("tandem.slack")


class CheckedSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler with Tandem's shape check and pacing in front of the dispatch."""

    def __init__(self, app, app_token: str, pacing: AckFirst) -> None:  # AsyncApp
        super().__init__(app, app_token)
        self.pacing = pacing

    async def handle(self, client: AsyncBaseSocketModeClient, req: SocketModeRequest) -> None:
        started = time()
        wrong = shape.problem(req.payload) if isinstance(req.payload, dict) else "the payload is not an object"
        if wrong is not None:
            log.warning("Socket Mode envelope dropped: %s", wrong)
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))
            return
        with self.pacing.request():
            response = await run_async_bolt_app(self.app, req)
        await send_async_response(client, req, response, started)


async def start_socket_mode(app: web.Application, settings: Settings) -> CheckedSocketModeHandler | None:
    """Connect when SLACK_APP_TOKEN is set and Slack is configured; None otherwise."""
    adapter = app.get(SLACK_KEY)
    if adapter is None or not settings.env.slack_app_token:
        return None
    handler = CheckedSocketModeHandler(adapter.bolt, settings.env.slack_app_token, adapter.pacing)
    await handler.connect_async()
    log.info("Slack Socket Mode connected")
    return handler


async def stop_socket_mode(handler: AsyncSocketModeHandler | None) -> None:
    if handler is not None:
        await handler.close_async()
