"""App Home: published when the tab opens; its buttons start a check-in in the DM or open the moment form."""
from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids, render
from bot.slack.flow import run_use_case
from bot.slack.identity import ProfileCache, caller_from, team_of, user_of
from bot.slack.ack_first import AckFirst
from bot.slack.replies import Surface, deliver, open_dm
from bot.wiring import Deps
from handlers import checkins, moments
from handlers.home import HomePage, home_page
from handlers.messages import Reply


def register(app: AsyncApp, deps: Deps, profiles: ProfileCache, pacing: AckFirst) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        await pacing.quiet()
        caller = await caller_from(profiles, client, team_of(body), str(event["user"]))
        page = await run_use_case(deps, caller, home_page, dm_channel=event.get("channel"))
        if isinstance(page, HomePage):
            await client.views_publish(user_id=str(event["user"]), view=render.home_view(page))

    @app.action(ids.CHECKIN_HOME_ACTION)
    async def on_home_checkin(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await pacing.quiet()
        user_id, name = user_of(body)
        channel = await open_dm(client, user_id)
        caller = await caller_from(profiles, client, team_of(body), user_id, name)
        reply = await run_use_case(deps, caller, checkins.start_checkin, dm_channel=channel)
        await deliver(reply, Surface(client=client, user_id=user_id, channel_id=channel))

    @app.action(ids.MOMENT_HOME_ACTION)
    async def on_home_moment(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user_id, name = user_of(body)
        caller = await caller_from(profiles, client, team_of(body), user_id, name)
        form = await run_use_case(deps, caller, lambda ctx, person: _form(ctx))
        await deliver(form, Surface(client=client, user_id=user_id, trigger_id=body.get("trigger_id")))


async def _form(ctx) -> Reply:  # noqa: ANN001 - a Ctx
    return Reply.of(moments.moment_form(ctx))
