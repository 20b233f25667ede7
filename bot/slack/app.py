"""Build Tandem's Bolt AsyncApp from Deps: single bot token, or multi-workspace OAuth on Tandem's database.

Listeners only translate and render; every decision is in handlers/. Web API calls go to SLACK_API_URL
when it is set, and the client never retries by itself (the outbox owns retries).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.ack_first import AckFirst
from bot.slack.directory import SlackDirectory
from bot.slack.http import Responder, SharedHttp
from bot.slack.identity import PLATFORM, ProfileCache
from bot.slack.installations import CachedInstallationStore
from bot.slack.listeners import actions, commands, events, home, views
from bot.slack.listening import Listening
from bot.slack.manifest import BOT_SCOPES
from bot.slack.messenger import SlackMessenger
from bot.units import run_plain
from bot.wiring import Deps
from handlers import workspaces

log = logging.getLogger("tandem.slack")
DEFAULT_API_URL = "https://slack.com/api/"
OAUTH_STATE_SECONDS = 600


@dataclass
class SlackAdapter:
    bolt: AsyncApp
    messenger: SlackMessenger
    http: SharedHttp
    pacing: AckFirst
    directory: SlackDirectory
    installations: CachedInstallationStore | None = None

    async def start(self) -> None:
        """Inside the running loop: one HTTP session for the Web API client, respond() and the messenger."""
        session = await self.http.open()
        self.bolt.client.session = session
        self.messenger.clients.session = session
        self.directory.clients.session = session

    async def stop(self) -> None:
        self.pacing.stop()
        await self.http.close()


def api_url(deps: Deps) -> str:
    url = deps.settings.env.slack_api_url or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def slack_configured(deps: Deps) -> bool:
    """Slack is on when a request can be verified (signing secret) or arrives over Socket Mode."""
    env = deps.settings.env
    can_receive = bool(env.slack_signing_secret or env.slack_app_token)
    can_send = bool(env.slack_bot_token or (env.slack_client_id and env.slack_client_secret))
    return can_receive and can_send


def _oauth(deps: Deps, installations: CachedInstallationStore) -> AsyncOAuthSettings:
    env = deps.settings.env

    async def installed(args: AsyncSuccessArgs) -> BoltResponse:
        team = args.installation.team_id or args.installation.enterprise_id or ""
        await run_plain(deps, partial(workspaces.activate, platform=PLATFORM, external_id=team,
                                      name=args.installation.team_name or ""))
        log.info("Tandem installed in Slack workspace %s", team)
        return await args.default.success(args)

    async def failed(args: AsyncFailureArgs) -> BoltResponse:
        log.warning("Slack install failed: %s", args.reason)
        return await args.default.failure(args)

    settings = AsyncOAuthSettings(
        client_id=env.slack_client_id, client_secret=env.slack_client_secret, scopes=list(BOT_SCOPES),
        installation_store=installations, installation_store_bot_only=True,
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=OAUTH_STATE_SECONDS, engine=deps.engine),
        callback_options=AsyncCallbackOptions(success=installed, failure=failed))
    # Bolt's default calls auth.test on every request before the ack; one answer per token is enough.
    settings.authorize = AsyncInstallationStoreAuthorize(
        logger=log, client_id=settings.client_id, client_secret=settings.client_secret,
        installation_store=installations, bot_only=True, cache_enabled=True)
    return settings


def build_slack_app(deps: Deps) -> SlackAdapter:
    env = deps.settings.env
    base_url = api_url(deps)
    options: dict[str, Any] = {}
    installations = None
    if env.slack_client_id and env.slack_client_secret:
        installations = CachedInstallationStore(client_id=env.slack_client_id, engine=deps.engine)
        options["oauth_settings"] = _oauth(deps, installations)
        client = AsyncWebClient(base_url=base_url, retry_handlers=[])

        async def tokens(team_id: str) -> str | None:
            bot = await installations.async_find_bot(enterprise_id=None, team_id=team_id)
            return bot.bot_token if bot is not None else None
    else:
        client = AsyncWebClient(token=env.slack_bot_token, base_url=base_url, retry_handlers=[])

        async def tokens(team_id: str) -> str | None:
            return env.slack_bot_token or None
    # The signature is checked once, in routes.py, before the body is parsed; Socket Mode is not signed.
    bolt = AsyncApp(signing_secret=env.slack_signing_secret or None, client=client, process_before_response=False,
                    request_verification_enabled=False, name="tandem", **options)
    profiles, http, pacing = ProfileCache(), SharedHttp(), AckFirst()

    @bolt.middleware
    async def shared_session_respond(body: dict[str, Any], context: AsyncBoltContext,
                                     next_: Callable[[], Awaitable[BoltResponse]]) -> BoltResponse:
        if isinstance(body.get("response_url"), str):
            context["respond"] = Responder(body["response_url"], http)
        return await next_()

    listening = Listening(deps=deps, profiles=profiles, pacing=pacing, http=http, installations=installations)
    # Bolt asks listeners in order, each costing a match on every request: the most common first
    for group in (commands, actions, home, views, events):
        group.register(bolt, listening)
    actions.register_fallback(bolt, pacing)

    @bolt.error
    async def on_error(error: Exception) -> None:
        log.error("Slack listener failed: %s", type(error).__name__, exc_info=error)

    return SlackAdapter(bolt=bolt, messenger=SlackMessenger(deps, base_url, tokens), http=http, pacing=pacing,
                        directory=SlackDirectory(base_url, tokens, profiles), installations=installations)
