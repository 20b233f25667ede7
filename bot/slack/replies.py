"""Put a handler's Reply where the person will see it: a modal, the response_url, or their DM.

Why here and not in each listener: the same Reply type can come from a slash command, a button or a
DM message, and each surface has its own Slack call (views.open needs a trigger, ephemeral replies
need the response_url, a DM needs conversations.open first).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import limits, render
from handlers.messages import DigestMessage, Export, MomentForm, Reply

log = logging.getLogger("tandem.slack.replies")


@dataclass
class Surface:
    """Where a reply can go for this request."""

    client: AsyncWebClient
    user_id: str
    respond: AsyncRespond | None = None
    trigger_id: str | None = None
    channel_id: str | None = None  # post here when there is no response_url (a DM event)
    replace_original: bool = False


async def open_dm(client: AsyncWebClient, user_id: str) -> str:
    opened = await client.conversations_open(users=user_id)
    return str(opened["channel"]["id"])


def _chart_name(message: DigestMessage) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", str(message.report.team)).strip("-").lower() or "team"
    return f"tandem-{slug}-{message.report.iso_week}.png"


async def upload_chart(client: AsyncWebClient, channel: str, message: DigestMessage) -> None:
    """The chart follows the digest text, with its alt text; if only the upload fails the digest stays sent."""
    try:
        await client.files_upload_v2(channel=channel, content=message.chart_png, filename=_chart_name(message),
                                     title=f"{message.report.team} · {message.report.iso_week}",
                                     alt_txt=message.chart_alt[:limits.FILE_ALT_TEXT] or "Weekly team digest chart",
                                     request_file_info=False)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
        log.warning("digest chart upload failed (the digest text was delivered): %s", type(error).__name__)


async def deliver(reply: Reply, surface: Surface) -> None:
    """Each message of the reply, in order; only the first may replace the message that was clicked."""
    replace = surface.replace_original
    for message in reply.messages:
        if isinstance(message, MomentForm) and surface.trigger_id:
            await surface.client.views_open(trigger_id=surface.trigger_id, view=render.moment_modal(message))
            continue
        if isinstance(message, Export):
            channel = surface.channel_id or await open_dm(surface.client, surface.user_id)
            await surface.client.files_upload_v2(channel=channel, content=message.content.encode("utf-8"),
                                                 filename=message.filename, title=message.filename,
                                                 request_file_info=False)
        payload = render.message_payload(message)
        if surface.respond is not None and getattr(surface.respond, "response_url", None):  # none: answer by DM
            await surface.respond(**payload, response_type="ephemeral", replace_original=replace)
        else:
            channel = surface.channel_id or await open_dm(surface.client, surface.user_id)
            await surface.client.chat_postMessage(channel=channel, **payload)
        if isinstance(message, DigestMessage) and message.chart_png:  # into the DM: a chart is never public
            await upload_chart(surface.client, surface.channel_id or await open_dm(surface.client, surface.user_id),
                               message)
        replace = False
