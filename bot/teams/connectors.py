"""Bot Framework authentication that reuses its Connector and user-token clients across turns.

The SDK's CloudAdapter builds a new ConnectorClient and UserTokenClient for every activity, and building
one costs about 5 ms of CPU (msrest's retry policy computes its status list with a quadratic scan) — more
than Tandem's own work on a turn. The older BotFrameworkAdapter cached Connector clients per service URL;
this does the same, bounded, keyed by the bot's app id as well so credentials never cross.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

from botbuilder.integration.aiohttp import ConfigurationBotFrameworkAuthentication
from botbuilder.schema import Activity
from botframework.connector import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    ClaimsIdentity,
    ConnectorFactory,
    UserTokenClient,
)

#: Service URLs are few in practice (a handful of Teams regions); the bound keeps odd ones from piling up.
MAX_CLIENTS = 64


def app_id_of(claims: ClaimsIdentity | None) -> str | None:
    """The bot's app id a request was addressed to (the JWT audience; the Emulator uses `appid`)."""
    if claims is None:
        return None
    return claims.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM) or claims.get_claim_value(
        AuthenticationConstants.APP_ID_CLAIM)


class ClientCache:
    """A small LRU of clients by key."""

    def __init__(self, limit: int = MAX_CLIENTS) -> None:
        self.limit = limit
        self._clients: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Any | None:
        client = self._clients.get(key)
        if client is not None:
            self._clients.move_to_end(key)
        return client

    def put(self, key: tuple[Any, ...], client: Any) -> None:
        self._clients[key] = client
        self._clients.move_to_end(key)
        while len(self._clients) > self.limit:
            self._clients.popitem(last=False)


class ReusingConnectorFactory(ConnectorFactory):
    """Hands out the cached ConnectorClient for a service URL and audience, building it once."""

    def __init__(self, inner: ConnectorFactory, cache: ClientCache, app_id: str | None) -> None:
        self.inner, self.cache, self.app_id = inner, cache, app_id

    async def create(self, service_url: str, audience: str) -> ConnectorClient:
        key = ("connector", self.app_id, service_url, audience)
        client = self.cache.get(key)
        if client is None:
            client = await self.inner.create(service_url, audience)
            self.cache.put(key, client)
        return client


class ReusingAuthentication(ConfigurationBotFrameworkAuthentication):
    """The SDK's configuration-based authentication, with its per-turn clients reused."""

    def __init__(self, configuration: Any) -> None:
        super().__init__(configuration)
        self.clients = ClientCache()

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return ReusingConnectorFactory(super().create_connector_factory(claims_identity), self.clients,
                                       app_id_of(claims_identity))

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await super().authenticate_request(activity, auth_header)
        if result.connector_factory is not None:
            result.connector_factory = ReusingConnectorFactory(result.connector_factory, self.clients,
                                                               app_id_of(result.claims_identity))
        return result

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        key = ("user_token", app_id_of(claims_identity))
        client = self.clients.get(key)
        if client is None:
            client = await super().create_user_token_client(claims_identity)
            self.clients.put(key, client)
        return client
