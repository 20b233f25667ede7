"""What every Slack listener needs, in one bundle: `register(app, listening)` for each listener group.

It also answers, once, the questions every listener asks of a request: who sent it (a Caller with the
profile Slack knows), and what makes this delivery unique (its signature, for refusing replays).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.ack_first import AckFirst
from bot.slack.http import SharedHttp
from bot.slack.identity import ProfileCache, caller_from, team_of, user_of
from bot.slack.installations import CachedInstallationStore
from bot.units import Replay
from bot.wiring import Deps
from handlers.identity import Caller

REPLAY_KEY = "tandem_replay"  # where routes.py leaves the request's Replay in Bolt's context
REQUEST_PLATFORM = "slack-request"  # seen-events namespace of signed request signatures


@dataclass(frozen=True)
class Listening:
    deps: Deps
    profiles: ProfileCache
    pacing: AckFirst
    http: SharedHttp
    installations: CachedInstallationStore | None = None

    async def caller(self, body: dict[str, Any], client: AsyncWebClient, user_id: str | None = None) -> Caller:
        """The sender of a slash command, interaction or event (`user_id` where the body names it elsewhere)."""
        found, name = user_of(body)
        return await caller_from(self.profiles, client, team_of(body), user_id or found, name)


def replay_of(context: AsyncBoltContext) -> Replay | None:
    """The request's signature, set by routes.py after verifying it (None over Socket Mode: not signed)."""
    found = context.get(REPLAY_KEY)
    return found if isinstance(found, Replay) else None


def signed_replay(body: dict[str, Any], signature: str) -> Replay:
    return Replay(REQUEST_PLATFORM, team_of(body), signature)
