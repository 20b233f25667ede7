"""The Messenger port for Teams: proactive messages through the Bot Connector (`continue_conversation`).

Connector answers become DeliveryFailed so the outbox owns retries: 429 with its Retry-After, 412/5xx and
network errors with backoff, 403 MessageWritesBlocked (the user blocked or removed Tandem) for good, with the
person marked inactive.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from aiohttp import ClientError
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import (
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from msrest.exceptions import ClientRequestError

from bot.teams import references
from bot.teams.render import render
from handlers.context import Ctx
from handlers.delivery import reachability
from handlers.messages import Message
from handlers.ports import DeliveryFailed, Recipient

log = logging.getLogger("tandem.teams")
SEND_TIMEOUT = 30.0
TRANSIENT = {408, 412, 429, 500, 502, 503, 504}


class TeamsMessenger:
    def __init__(self, adapter: BotAdapter, app_id: str, context: Callable[[], AbstractAsyncContextManager[Ctx]],
                 *, send_timeout: float = SEND_TIMEOUT) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.context = context
        self.send_timeout = send_timeout

    async def send(self, recipient: Recipient, message: Message) -> None:
        if not recipient.conversation:
            raise DeliveryFailed(f"no Teams conversation reference for person {recipient.person_id}: they have not "
                                 "installed or messaged Tandem yet", permanent=True)
        reference = ConversationReference().deserialize(recipient.conversation)
        activities = render(message)
        try:
            if references.is_personal(recipient.conversation):
                await asyncio.wait_for(self._continue(reference, activities), self.send_timeout)
            else:
                await asyncio.wait_for(self._open_personal(recipient, reference, activities), self.send_timeout)
        except ErrorResponseException as error:
            await self._raise_for(error, recipient)
        except (TimeoutError, ClientError, ClientRequestError, OSError) as error:
            raise DeliveryFailed(f"Bot Connector unreachable: {type(error).__name__}: {error}") from error

    async def _continue(self, reference: ConversationReference, activities: list[Any]) -> None:
        async def send_all(turn_context: TurnContext) -> None:
            turn_context.activity.id = None  # a new message in the chat, not a reply to the continuation event
            for activity in activities:
                await turn_context.send_activity(activity)

        await self.adapter.continue_conversation(reference, send_all, self.app_id)

    async def _open_personal(self, recipient: Recipient, reference: ConversationReference,
                             activities: list[Any]) -> None:
        """Only a team channel is known: open the 1:1 chat with the user, send there, keep its reference."""
        tenant = recipient.workspace_external_id
        params = ConversationParameters(is_group=False, bot=reference.bot, tenant_id=tenant,
                                        members=[ChannelAccount(id=reference.user.id)],
                                        channel_data={"tenant": {"id": tenant}})
        opened: dict[str, Any] = {}

        async def send_all(turn_context: TurnContext) -> None:
            opened.update(references.reference_of(turn_context.activity))
            for activity in activities:
                await turn_context.send_activity(activity)

        await self.adapter.create_conversation(self.app_id, send_all, params, channel_id=reference.channel_id,
                                               service_url=reference.service_url)
        if opened:
            opened.setdefault("conversation", {})["conversationType"] = "personal"
            async with self.context() as ctx:
                await references.save_personal(ctx, recipient.person_id, opened)

    async def _raise_for(self, error: ErrorResponseException, recipient: Recipient) -> None:
        response = getattr(error, "response", None)
        status = getattr(response, "status_code", 0) or 0
        code = _error_code(error)
        reason = f"Bot Connector answered HTTP {status}{f' {code}' if code else ''}"
        if status == 429:
            raise DeliveryFailed(reason, retry_after=_retry_after(response)) from error
        if status in TRANSIENT or status >= 500:
            raise DeliveryFailed(reason) from error
        if status == 403 or code in {"MessageWritesBlocked", "BotDisabledByAdmin"}:
            async with self.context() as ctx:
                await reachability.unreachable(ctx, recipient.person_id)
            log.info("person %s blocked or removed Tandem in Teams (%s); marked inactive", recipient.person_id, code)
            raise DeliveryFailed(f"{reason}: the user blocked or removed Tandem", permanent=True) from error
        raise DeliveryFailed(reason, permanent=True) from error


def _error_code(error: ErrorResponseException) -> str:
    inner = getattr(getattr(error, "error", None), "error", None)
    return str(getattr(inner, "code", "") or "")


def _retry_after(response: Any) -> float | None:
    raw = (getattr(response, "headers", None) or {}).get("Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else None
    except (TypeError, ValueError):
        return None
