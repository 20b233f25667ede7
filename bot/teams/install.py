"""Teams on the shared aiohttp server: `POST /api/messages` and the Teams Messenger.

With MICROSOFT_APP_ID set every request must carry a valid Bot Framework JWT (else 401, nothing done).
Without it the endpoint runs in local emulator mode — unauthenticated, for the Bot Framework Emulator and
tests — and says so in the log at start.
"""
from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from types import SimpleNamespace
from typing import Any

from aiohttp import web
from botbuilder.core import serializer_helper
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticateRequestResult, BotFrameworkAuthentication
from msrest.serialization import Model

from bot import units
from bot.http.observe import tag_request
from bot.teams.bot import TandemTeamsBot
from bot.teams.connectors import ReusingAuthentication
from bot.teams.directory import TeamsDirectory
from bot.teams.identity import TEAMS_PLATFORM
from bot.teams.messenger import TeamsMessenger
from bot.wiring import Deps
from handlers.context import Ctx
from handlers.delivery import reachability

log = logging.getLogger("tandem.teams")
AUTH_TIMEOUT = 10.0
ADAPTER_KEY: web.AppKey[CloudAdapter] = web.AppKey("teams_adapter", CloudAdapter)


def _auth_config(deps: Deps) -> SimpleNamespace:
    env = deps.settings.env
    return SimpleNamespace(APP_ID=env.microsoft_app_id, APP_PASSWORD=env.microsoft_app_password,
                           APP_TYPE=env.microsoft_app_type or "MultiTenant", APP_TENANTID=env.microsoft_app_tenant_id)


async def _team_reference(deps: Deps, tenant: str, team_id: str) -> dict[str, Any] | None:
    """Where team sync calls the Connector from: a reference Tandem stored for the tenant, the team's first."""
    async def newest(ctx: Ctx) -> dict[str, Any] | None:
        return await reachability.workspace_reference(ctx, TEAMS_PLATFORM, tenant, prefer_channel=team_id)

    return await units.run_plain(deps, newest)


def install_teams(app: web.Application, deps: Deps) -> None:
    env = deps.settings.env
    try:
        adapter = CloudAdapter(ReusingAuthentication(_auth_config(deps)))
    except Exception as error:  # the SDK raises bare Exception for missing settings
        raise RuntimeError(f"Teams settings are incomplete: {error} (MICROSOFT_APP_TYPE={env.microsoft_app_type}; "
                           "SingleTenant needs MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and "
                           "MICROSOFT_APP_TENANT_ID)") from error
    messenger = TeamsMessenger(adapter, env.microsoft_app_id, deps.context)
    deps.messengers[TEAMS_PLATFORM] = messenger
    deps.directories[TEAMS_PLATFORM] = TeamsDirectory(adapter, env.microsoft_app_id, partial(_team_reference, deps))
    bot = TandemTeamsBot(deps, messenger, allowed_tenant=env.microsoft_app_tenant_id or None)
    app[ADAPTER_KEY] = adapter
    app.router.add_post("/api/messages", _endpoint(adapter, bot, authenticated=bool(env.microsoft_app_id)))
    if env.microsoft_app_id:
        log.info("Teams: POST /api/messages requires Bot Framework tokens for app id %s", env.microsoft_app_id)
    else:
        log.warning("Teams: MICROSOFT_APP_ID is not set, so POST /api/messages runs in LOCAL EMULATOR MODE: "
                    "requests are not authenticated. Use it with the Bot Framework Emulator only; set "
                    "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD to connect real Teams "
                    "(README: Connecting Microsoft Teams).")


def _problem(status: int, detail: str) -> web.Response:
    return web.json_response({"error": detail}, status=status)


async def _authenticate(auth: BotFrameworkAuthentication, activity: Activity, header: str,
                        authenticated: bool) -> AuthenticateRequestResult:
    """The SDK's JWT check. It fetches signing keys with blocking `requests`, so with an app id it runs in a
    worker thread under a timeout: the server never stalls, and an unverifiable token is a fast 401."""
    if not authenticated:
        return await auth.authenticate_request(activity, header)
    return await asyncio.wait_for(asyncio.to_thread(asyncio.run, auth.authenticate_request(activity, header)),
                                  AUTH_TIMEOUT)


def _endpoint(adapter: CloudAdapter, bot: TandemTeamsBot, *, authenticated: bool):
    async def messages(request: web.Request) -> web.Response:
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _problem(415, "Content-Type must be application/json")
        try:
            body = json.loads(await request.read())
            activity = Activity().deserialize(body) if isinstance(body, dict) else None
        except (ValueError, TypeError, AttributeError):
            activity = None
        if activity is None or not activity.type:
            return _problem(400, "the body must be a Bot Framework activity (JSON object with a type)")
        tenant = (activity.channel_data or {}).get("tenant", {}) if isinstance(activity.channel_data, dict) else {}
        tag_request(request, workspace=tenant.get("id") if isinstance(tenant, dict) else None, event_id=activity.id)
        header = request.headers.get("Authorization", "")
        if authenticated and not header:
            return _problem(401, "missing Authorization header")
        try:
            auth = await _authenticate(adapter.bot_framework_authentication, activity, header, authenticated)
        except Exception as error:  # noqa: BLE001 - PermissionError, bad JWT, unreachable key service, timeout
            log.warning("Teams request rejected (401): %s: %s", type(error).__name__, error)
            return _problem(401, "invalid Bot Framework token")
        try:
            invoke = await adapter.process_activity(auth, activity, bot.on_turn)
        except Exception:  # e.g. the reply could not be delivered; the work itself is committed
            log.exception("Teams %s activity could not be completed", activity.type)
            return web.Response(status=200)
        if invoke is not None:
            body = serializer_helper(invoke.body) if isinstance(invoke.body, Model) else invoke.body
            return web.json_response(body, status=invoke.status)
        return web.Response(status=200)

    return messages
