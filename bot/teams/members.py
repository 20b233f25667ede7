"""People's email from the Bot Connector (Teams activities carry none), to match helpdesk agents to people.

Why a cache: the member lookup is a Connector round trip; an email rarely changes, so each person is
looked up at most once a day per replica, and a failed lookup (no email, a forged service URL, a slow
Connector) is remembered too, so it never slows every message.
"""
from __future__ import annotations

import asyncio
import logging

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo

from bot.ttl_cache import TtlCache
from handlers.cx.emails import clean_email

log = logging.getLogger("tandem.teams.members")
TTL_SECONDS = 24 * 3600
LOOKUP_SECONDS = 3.0


class MemberEmails:
    """Email (or UPN, which is an address too) per (tenant, user), kept for a day."""

    def __init__(self, ttl: float = TTL_SECONDS) -> None:
        self._entries: TtlCache[tuple[str, str], str | None] = TtlCache(ttl)

    async def email_of(self, turn_context: TurnContext, tenant: str, member_id: str) -> str | None:
        found, email = self._entries.get((tenant, member_id))
        if not found:
            email = await self._look_up(turn_context, member_id)
            self._entries.put((tenant, member_id), email)
        return email

    @staticmethod
    async def _look_up(turn_context: TurnContext, member_id: str) -> str | None:
        try:
            member = await asyncio.wait_for(TeamsInfo.get_member(turn_context, member_id), LOOKUP_SECONDS)
        except Exception as error:  # noqa: BLE001 - any Connector failure only means no email this time
            log.info("Teams member lookup failed (%s); the person keeps the email Tandem has", type(error).__name__)
            return None
        return clean_email(getattr(member, "email", None)) or clean_email(
            getattr(member, "user_principal_name", None))
