"""One aiohttp session for all of Tandem's outbound Slack HTTP (Web API and response_url posts).

Why: slack_sdk and Bolt's respond() otherwise open a new session — and a new TCP/TLS connection — for
every call, which under load costs more CPU than the work itself and slows every acknowledgement.
"""
from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient
from slack_sdk.webhook.webhook_response import WebhookResponse


class WebClients:
    """One Web API client per bot token, on the server's shared session once it runs (`session`). The SDK's own
    retries are off: the outbox and the directory's pacer decide when to try again."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session: aiohttp.ClientSession | None = None
        self._by_token: dict[str, AsyncWebClient] = {}

    def for_token(self, token: str) -> AsyncWebClient:
        client = self._by_token.get(token)
        if client is None:
            client = self._by_token[token] = AsyncWebClient(token=token, base_url=self.base_url, retry_handlers=[],
                                                            session=self.session)
        return client


class SharedHttp:
    """Opened when the server starts (inside the event loop), closed when it stops."""

    def __init__(self) -> None:
        self.session: aiohttp.ClientSession | None = None

    async def open(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()
            self.session = None


class Responder:
    """Posts to a response_url like Bolt's respond(), over the shared session."""

    def __init__(self, url: str, http: SharedHttp) -> None:
        self.response_url, self.http = url, http

    async def __call__(self, text: str = "", blocks: list[dict[str, Any]] | None = None,
                       response_type: str | None = None, replace_original: bool | None = None,
                       **extra: Any) -> WebhookResponse:
        client = AsyncWebhookClient(self.response_url, session=self.http.session)
        return await client.send(text=text, blocks=blocks, response_type=response_type,
                                 replace_original=replace_original, **extra)
