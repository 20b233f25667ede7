"""Events API: DMs to the bot, profile changes, user group and channel membership changes (team sync),
uninstall/revocation, and the once-only rule for retries.

Slack retries an event it thinks failed (X-Slack-Retry-Num) and may deliver one twice; the first
delivery of each (team, event id) is recorded in SeenEvent and any later one is acknowledged and dropped.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import units
from bot.slack.identity import PLATFORM, profile_from_user, team_of
from bot.slack.listening import Listening
from bot.slack.replies import Surface, deliver
from bot.slack.text import from_slack
from handlers import workspaces
from handlers.identity import Caller
from handlers.teamsync.events import source_changed
from handlers.teamsync.sources import SLACK_CHANNEL, SLACK_GROUP

log = logging.getLogger("tandem.slack.events")


def register(app: AsyncApp, listening: Listening) -> None:
    deps = listening.deps

    @app.middleware
    async def once_per_event(body: dict[str, Any],
                             next_: Callable[[], Awaitable[BoltResponse | None]]) -> BoltResponse | None:
        if body.get("type") == "event_callback" and body.get("event_id"):
            first = await units.run_plain(deps, partial(workspaces.first_delivery, platform=PLATFORM,
                                                        workspace_key=team_of(body), event_id=str(body["event_id"])))
            if not first:
                return BoltResponse(status=200, body="")
        return await next_()

    @app.event("message")
    async def on_dm(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return
        await listening.pacing.quiet()
        user, channel = str(event["user"]), event.get("channel")
        reply = await units.run(deps, await listening.caller(body, client, user), from_slack(event.get("text")),
                                channel=units.Channel(PLATFORM, str(channel)) if channel else None)
        if reply is not None:
            await deliver(reply, Surface(client=client, user_id=user, channel_id=channel))

    @app.event("user_change")
    async def on_user_change(body: dict[str, Any], event: dict[str, Any]) -> None:
        user, team = event.get("user") or {}, team_of(body)
        if not isinstance(user, dict) or not user.get("id"):
            return
        await listening.pacing.quiet()
        profile = profile_from_user(user)
        listening.profiles.remember(team, str(user["id"]), profile)
        caller = Caller(platform=PLATFORM, workspace_id=team, user_id=str(user["id"]), display_name=profile.name,
                        timezone=profile.timezone, locale=profile.locale, email=profile.email)
        await units.run_plain(deps, partial(workspaces.refresh_profile, caller=caller))

    async def _source_changed(body: dict[str, Any], kind: str, reference: Any) -> None:
        if isinstance(reference, str) and reference:
            await units.run_plain(deps, partial(source_changed, platform=PLATFORM, workspace=team_of(body),
                                                kind=kind, reference=reference))

    @app.event("subteam_updated")
    async def on_subteam_updated(body: dict[str, Any], event: dict[str, Any]) -> None:
        subteam = event.get("subteam")
        await _source_changed(body, SLACK_GROUP, subteam.get("id") if isinstance(subteam, dict) else None)

    @app.event("subteam_members_changed")
    async def on_subteam_members_changed(body: dict[str, Any], event: dict[str, Any]) -> None:
        await _source_changed(body, SLACK_GROUP, event.get("subteam_id"))

    @app.event("member_joined_channel")
    async def on_member_joined(body: dict[str, Any], event: dict[str, Any]) -> None:
        await _source_changed(body, SLACK_CHANNEL, event.get("channel"))

    @app.event("member_left_channel")
    async def on_member_left(body: dict[str, Any], event: dict[str, Any]) -> None:
        await _source_changed(body, SLACK_CHANNEL, event.get("channel"))

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await _stop_sending(body)

    @app.event("tokens_revoked")
    async def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await _stop_sending(body)

    async def _stop_sending(body: dict[str, Any]) -> None:
        team = team_of(body)
        await units.run_plain(deps, partial(workspaces.deactivate, platform=PLATFORM, external_id=team))
        if listening.installations is not None:
            await listening.installations.async_delete_all(enterprise_id=body.get("enterprise_id"), team_id=team)
        log.info("Slack workspace %s uninstalled Tandem or revoked its token: sending stopped", team)
