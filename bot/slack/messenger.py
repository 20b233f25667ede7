"""SlackMessenger: the outbox's way to reach a person on Slack (check-in DMs, reminders, digests).

Errors become DeliveryFailed so the outbox owns retries: 429 carries Retry-After, 5xx and network
trouble are retried with backoff, a revoked token or a deactivated user is permanent.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import render
from bot.slack.http import WebClients
from bot.slack.replies import upload_chart
from bot.units import unit_of_work
from bot.wiring import Deps
from handlers.delivery import reachability
from handlers.messages import DigestMessage, Message
from handlers.ports import DeliveryFailed, Recipient

PERMANENT_ERRORS = frozenset({"account_inactive", "token_revoked", "invalid_auth", "user_not_found",
                              "not_authed", "user_disabled", "cannot_dm_bot", "missing_scope",
                              "team_access_not_granted"})
TokenLookup = Callable[[str], Awaitable[str | None]]


def delivery_failure(error: SlackApiError) -> DeliveryFailed:
    """A Web API error as the outbox understands it (never with the token or message text)."""
    status = error.response.status_code
    code = str(error.response.get("error") or f"http_{status}")
    if status == 429:
        retry_after = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after")
        return DeliveryFailed(f"slack rate limited ({code})", retry_after=float(retry_after or 1))
    if status >= 500:
        return DeliveryFailed(f"slack server error {status} ({code})")
    return DeliveryFailed(f"slack refused: {code}", permanent=code in PERMANENT_ERRORS)


class SlackMessenger:
    """chat.postMessage into the person's DM (conversations.open once, then remembered)."""

    def __init__(self, deps: Deps, base_url: str, tokens: TokenLookup) -> None:
        self.deps, self.tokens = deps, tokens
        self.clients = WebClients(base_url)

    async def send(self, recipient: Recipient, message: Message) -> None:
        token = await self.tokens(recipient.workspace_external_id)
        if not token:
            raise DeliveryFailed(f"no Slack token for workspace {recipient.workspace_external_id}", permanent=True)
        client = self.clients.for_token(token)
        try:
            channel = recipient.channel_id or await self._open_dm(client, recipient)
            await client.chat_postMessage(channel=channel, **render.message_payload(message))
        except SlackApiError as error:
            raise delivery_failure(error) from None
        except (aiohttp.ClientError, TimeoutError) as error:
            raise DeliveryFailed(f"slack unreachable: {type(error).__name__}") from None
        if isinstance(message, DigestMessage) and message.chart_png:
            await upload_chart(client, channel, message)

    async def _open_dm(self, client: AsyncWebClient, recipient: Recipient) -> str:
        opened = await client.conversations_open(users=recipient.platform_user_id)
        channel = str(opened["channel"]["id"])
        async with unit_of_work(self.deps) as ctx:
            await reachability.remember(ctx, recipient.person_id, "slack", channel_id=channel)
        return channel
