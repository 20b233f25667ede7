"""Who sent a Slack request: a Caller with the name, time zone and locale Slack knows for them.

Why a cache: users.info is a network round trip (Tier 4) and a person's profile rarely changes; the
`user_change` event refreshes an entry, and entries expire after a day either way.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ttl_cache import TtlCache
from handlers.cx.emails import clean_email
from handlers.identity import Caller

log = logging.getLogger("tandem.slack.identity")
PLATFORM = "slack"
TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Profile:
    name: str
    timezone: str | None
    locale: str | None
    email: str | None = None  # only with the users:read.email scope


def profile_from_user(user: dict[str, Any]) -> Profile:
    """The parts of a Slack user object Tandem keeps (users.info answer or user_change event)."""
    profile = found if isinstance(found := user.get("profile"), dict) else {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name") or "")
    timezone, locale = user.get("tz"), user.get("locale")
    return Profile(name=str(name)[:200], timezone=timezone if isinstance(timezone, str) and timezone else None,
                   locale=locale[:16] if isinstance(locale, str) and locale else None,
                   email=clean_email(profile.get("email")))


class ProfileCache:
    """users.info answers per (team, user), kept for a day; refreshed on user_change."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self._entries: TtlCache[tuple[str, str], Profile] = TtlCache(ttl)

    def remember(self, team_id: str, user_id: str, profile: Profile) -> None:
        self._entries.put((team_id, user_id), profile)

    def cached(self, team_id: str, user_id: str) -> Profile | None:
        return self._entries.get((team_id, user_id))[1]

    async def lookup(self, client: AsyncWebClient, team_id: str, user_id: str) -> Profile | None:
        found = self.cached(team_id, user_id)
        if found is not None:
            return found
        try:
            answer = await client.users_info(user=user_id, include_locale=True)
        except SlackApiError as error:
            log.warning("users.info failed for a user of %s: %s", team_id, error.response.get("error"))
            return None
        profile = profile_from_user(answer.get("user") or {})
        self.remember(team_id, user_id, profile)
        return profile


def team_of(body: dict[str, Any]) -> str:
    """The workspace id of any Slack request body (slash command, interaction or event)."""
    team = body.get("team")
    if isinstance(team, dict) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, dict) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id") or (team if isinstance(team, str) else "") or body.get("enterprise_id") or "")


def user_of(body: dict[str, Any]) -> tuple[str, str]:
    """(user id, the name the request carries) of a slash command or interaction body."""
    user = body.get("user")
    if isinstance(user, dict):
        return str(user.get("id") or ""), str(user.get("name") or user.get("username") or "")
    return str(body.get("user_id") or ""), str(body.get("user_name") or "")


async def caller_from(cache: ProfileCache, client: AsyncWebClient, team_id: str, user_id: str,
                      fallback_name: str = "") -> Caller:
    profile = await cache.lookup(client, team_id, user_id)
    if profile is None:
        return Caller(platform=PLATFORM, workspace_id=team_id, user_id=user_id, display_name=fallback_name)
    return Caller(platform=PLATFORM, workspace_id=team_id, user_id=user_id,
                  display_name=profile.name or fallback_name, timezone=profile.timezone, locale=profile.locale,
                  email=profile.email)
