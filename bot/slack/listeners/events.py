"""Events API: DMs to the bot, profile changes, uninstall/revocation, and the once-only rule for retries.

Slack retries an event it thinks failed (X-Slack-Retry-Num) and may deliver one twice; the first
delivery of each (team, event id) is recorded in SeenEvent and any later one is acknowledged and dropped.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.flow import run_plain, run_text
from bot.slack.identity import PLATFORM, ProfileCache, caller_from, profile_from_user
from bot.slack.ack_first import AckFirst
from bot.slack.replies import Surface, deliver
from bot.slack.text import from_slack
from bot.wiring import Deps
from handlers import workspaces
from handlers.identity import Caller

log = logging.getLogger("tandem.slack.events")


def register(app: AsyncApp, deps: Deps, profiles: ProfileCache, pacing: AckFirst,
             installations: AsyncInstallationStore | None = None) -> None:
    @app.middleware
    async def once_per_event(body: dict[str, Any], next: Callable[[], Awaitable[None]]) -> BoltResponse | None:  # noqa: A002
        if body.get("type") == "event_callback" and body.get("event_id"):
            team = str(body.get("team_id") or body.get("enterprise_id") or "")
            first = await run_plain(deps, lambda ctx: workspaces.first_delivery(ctx, PLATFORM, team,
                                                                                  str(body["event_id"])))
            if not first:
                return BoltResponse(status=200, body="")
        return await next()

    @app.event("message")
    async def on_dm(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        await pacing.quiet()
        caller = await caller_from(profiles, client, str(body.get("team_id") or ""), str(event["user"]))
        reply = await run_text(deps, caller, from_slack(event.get("text")), dm_channel=event.get("channel"))
        await deliver(reply, Surface(client=client, user_id=str(event["user"]), channel_id=event.get("channel")))

    @app.event("user_change")
    async def on_user_change(body: dict[str, Any], event: dict[str, Any]) -> None:
        user, team = event.get("user") or {}, str(body.get("team_id") or "")
        if not isinstance(user, dict) or not user.get("id"):
            return
        await pacing.quiet()
        profile = profile_from_user(user)
        profiles.remember(team, str(user["id"]), profile)
        caller = Caller(platform=PLATFORM, workspace_id=team, user_id=str(user["id"]), display_name=profile.name,
                        timezone=profile.timezone, locale=profile.locale)
        await run_plain(deps, lambda ctx: workspaces.refresh_profile(ctx, caller))

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await _stop_sending(body)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await _stop_sending(body)

    async def _stop_sending(body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        await run_plain(deps, lambda ctx: workspaces.deactivate(ctx, PLATFORM, team))
        if installations is not None:
            await installations.async_delete_all(enterprise_id=body.get("enterprise_id"), team_id=team)
        log.info("Slack workspace %s uninstalled Tandem or revoked its token: sending stopped", team)
