"""Slack installations (multi-workspace OAuth) in Tandem's database, with the bot lookup cached.

Why a cache: Bolt authorizes every request before its listener can acknowledge it, so an uncached
lookup puts a database round trip (and a wait for a pooled connection under load) in front of every
ack. Entries live a minute and are dropped at once when this process saves or deletes an installation;
another replica sees a change within the minute.
"""
from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from bot.ttl_cache import TtlCache

BOT_TTL_SECONDS = 60.0


class CachedInstallationStore(AsyncSQLAlchemyInstallationStore):
    def __init__(self, *args: Any, ttl: float = BOT_TTL_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bots: TtlCache[tuple[str | None, str | None], Bot | None] = TtlCache(ttl)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        key = (enterprise_id, None if is_enterprise_install else team_id)
        found, cached = self._bots.get(key)
        if found:
            return cached
        bot = await super().async_find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                           is_enterprise_install=is_enterprise_install)
        self._bots.put(key, bot)
        return bot

    async def async_save(self, installation: Installation) -> None:
        self._bots.clear()
        await super().async_save(installation)
        self._bots.clear()

    async def async_save_bot(self, bot: Bot) -> None:
        self._bots.clear()
        await super().async_save_bot(bot)
        self._bots.clear()

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._bots.clear()
        await super().async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self._bots.clear()
