"""App Home: published when the tab opens; its buttons start a check-in in the DM or open the moment form."""
from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot import units
from bot.slack import ids, render
from bot.slack.identity import PLATFORM, user_of
from bot.slack.listening import Listening, replay_of
from bot.slack.replies import Surface, deliver, open_dm
from handlers import commands as c
from handlers.home import HomePage, home_page


def register(app: AsyncApp, listening: Listening) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") != "home" or not event.get("user"):
            return
        await listening.pacing.quiet()
        channel = units.Channel(PLATFORM, str(event["channel"])) if event.get("channel") else None
        page = await units.run_job(listening.deps, await listening.caller(body, client, str(event["user"])),
                                   home_page, channel=channel)
        if isinstance(page, HomePage):
            await client.views_publish(user_id=str(event["user"]), view=render.home_view(page))

    @app.action(ids.CHECKIN_HOME_ACTION)
    async def on_home_checkin(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                              context: AsyncBoltContext) -> None:
        await ack()
        await listening.pacing.quiet()
        user_id = user_of(body)[0]
        channel = await open_dm(client, user_id)
        reply = await units.run(listening.deps, await listening.caller(body, client), c.StartCheckin(),
                                replay=replay_of(context), channel=units.Channel(PLATFORM, channel))
        if reply is not None:
            await deliver(reply, Surface(client=client, user_id=user_id, channel_id=channel))

    @app.action(ids.MOMENT_HOME_ACTION)
    async def on_home_moment(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient,
                             context: AsyncBoltContext) -> None:
        await ack()
        form = await units.run(listening.deps, await listening.caller(body, client), c.OpenMomentForm(),
                               replay=replay_of(context))
        if form is not None:
            await deliver(form, Surface(client=client, user_id=user_of(body)[0], trigger_id=body.get("trigger_id")))
