"""The team-sync Directory for Teams: a team's members, owners and name through the Bot Connector.

Calling the Connector needs a service URL, and Tandem only trusts one that came with an authenticated
activity: the reference of the team's General channel (its id is the team id) when Tandem has it, else the
newest conversation reference of the tenant (service URLs are per region, the same for a tenant's chats and
teams). The roster is read a page at a time (`pagedmembers`, the non-paged call is deprecated and
throttled); a 429 or 5xx is waited out (Retry-After, else a backoff), within bounds, and the same page asked
again. The SDK's clients would retry a GET themselves inside their HTTP session, sleeping out a Retry-After in
a worker thread that no timeout can stop, so the reads go through clients of their own with that switched off.
A team that is gone (404) or that no longer has Tandem in it (403) is SourceGone; anything else is
SourceUnavailable, retried by the next run.

A Teams roster names no owners: the Connector's `userRole` is only "user", "guest" or "anonymous" (a bot
cannot learn who owns a team without Graph and resource-specific consent), so `managers` is refused for a
Teams team and its managers are set by hand.
"""
from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

from aiohttp import ClientError
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.schema import ConversationReference
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector.aio import ConnectorClient
from botframework.connector.teams import TeamsConnectorClient
from msrest.exceptions import ClientRequestError, HttpOperationError
from urllib3.util.retry import Retry

from bot.teams.connectors import ClientCache
from handlers.cx.emails import clean_email
from handlers.teamsync.sources import Roster, RosterMember, SourceGone, SourceRef, SourceUnavailable

log = logging.getLogger("tandem.teams.directory")

PAGE_SIZE = 500  # Teams serves at most 500 members a page (fewer than 50 count as 50)
MAX_PAGES = 200  # 100,000 members: beyond any Teams team, so a token that never ends stops here
CALL_TIMEOUT = 30.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is not waited out in a sync run: the next run retries
MAX_RETRIES = 10  # 429s and 5xx waited out per call in one run
DEFAULT_RETRY_AFTER = 1.0  # a 429 without Retry-After; 5xx back off from here, doubling
TRANSIENT = frozenset({412, 429, 500, 502, 503, 504})  # what Microsoft says to retry with backoff
SKIPPED_ROLES = {"anonymous"}  # meeting guests without an account: nobody to check in with

Sleep = Callable[[float], Awaitable[None]]
#: (tenant, team id) -> the newest stored reference of the tenant, one in the team's channel first
ReferenceLookup = Callable[[str, str], Awaitable[dict[str, Any] | None]]


class TeamsDirectory:
    """Reads Teams teams for team sync; one Connector turn per team."""

    def __init__(self, adapter: BotAdapter, app_id: str, references: ReferenceLookup, *, sleep: Sleep = asyncio.sleep,
                 page_size: int = PAGE_SIZE, call_timeout: float = CALL_TIMEOUT) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.references = references
        self.sleep = sleep
        self.page_size = page_size
        self.call_timeout = call_timeout
        self._clients = ClientCache()

    async def rosters(self, workspace: str, sources: Sequence[SourceRef]) -> list[Roster | Exception]:
        answers: list[Roster | Exception] = []
        for source in sources:
            try:
                answers.append(await self._roster(workspace, source))
            except (SourceGone, SourceUnavailable) as error:
                answers.append(error)
        return answers

    async def _roster(self, tenant: str, source: SourceRef) -> Roster:
        reference = await self._reference(tenant, source.reference)
        found: dict[str, Any] = {}

        async def read(turn_context: TurnContext) -> None:
            found["name"] = await self._team_name(turn_context, source.reference)
            found["members"] = await self._members(turn_context, source.reference)

        try:
            await self.adapter.continue_conversation(ConversationReference().deserialize(reference), read,
                                                     self.app_id)
        except HttpOperationError as error:
            raise _failure(error, source) from error
        except (TimeoutError, ClientError, ClientRequestError, OSError) as error:
            raise SourceUnavailable(f"the Bot Connector could not be reached ({type(error).__name__}); "
                                    "I'll try again in a few minutes.") from error
        people = [(account, _member(account, reference, tenant, source.reference))
                  for account in found["members"] if _is_person(account)]
        return Roster(reference=source.reference, label=found["name"] or source.label,
                      members=tuple(member for _, member in people))

    async def _reference(self, tenant: str, team_id: str) -> dict[str, Any]:
        """The newest authenticated reference of the tenant, the team's own channel first (see module doc)."""
        reference = await self.references(tenant, team_id)
        if not reference or not reference.get("serviceUrl") or not (reference.get("bot") or {}).get("id"):
            raise SourceUnavailable("I have no Teams conversation of this organisation to read the team through "
                                    "yet; type the command again in a channel of the team.")
        return reference

    def _readers(self, turn_context: TurnContext) -> tuple[ConnectorClient, TeamsConnectorClient]:
        """The Connector and Teams clients for this turn's service URL, with the turn's credentials and no retries
        of their own (see the module doc); built once per service URL."""
        service_url = str(turn_context.activity.service_url)
        found = self._clients.get((service_url,))
        if found is None:
            credentials = turn_context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY].config.credentials
            found = (ConnectorClient(credentials, base_url=service_url), TeamsConnectorClient(credentials, service_url))
            for client in found:
                _without_retries(client.config.retry_policy.policy)
            self._clients.put((service_url,), found)
        return found

    async def _team_name(self, turn_context: TurnContext, team_id: str) -> str:
        """GET /v3/teams/{id}. The SDK's Teams client is synchronous, so it runs in a worker thread."""
        teams = self._readers(turn_context)[1].teams
        details = await self._call(partial(asyncio.to_thread, teams.get_team_details, team_id))
        return str(getattr(details, "name", "") or "").strip()[:200]

    async def _members(self, turn_context: TurnContext, team_id: str) -> list[TeamsChannelAccount]:
        conversations = self._readers(turn_context)[0].conversations
        members: dict[str, TeamsChannelAccount] = {}  # a later page may repeat someone (the docs say so)
        token: str | None = None
        for _ in range(MAX_PAGES):
            page = await self._call(partial(conversations.get_teams_conversation_paged_members, team_id,
                                            self.page_size, token))
            for account in page.members or []:
                if account is not None and account.id:
                    members.setdefault(str(account.id), account)
            token = page.continuation_token
            if not token:
                return list(members.values())
        raise SourceUnavailable(f"the team's roster did not end after {MAX_PAGES} pages ({len(members)} members); "
                                "I kept the team as it was rather than sync part of it.")

    async def _call(self, call: Callable[[], Awaitable[Any]]) -> Any:
        """One Connector call under a timeout; a 429 or 5xx is waited out (Retry-After, else a doubling backoff,
        both bounded) and the same call made again, so paging resumes at the same continuation token."""
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(call(), self.call_timeout)
            except HttpOperationError as error:
                status = _status(error)
                if status not in TRANSIENT:
                    raise
                wait = _retry_after(error, DEFAULT_RETRY_AFTER * 2 ** attempt)
                if wait > MAX_RETRY_AFTER or attempt == MAX_RETRIES:
                    verb = "throttling Tandem" if status == 429 else "failing"
                    raise SourceUnavailable(f"Teams kept {verb} (HTTP {status}, wait {wait:g} s); I'll try again "
                                            "in a few minutes.") from error
                log.info("Teams roster read answered HTTP %s; waiting %s s", status, wait)
                await self.sleep(wait)
                attempt += 1


def _without_retries(policy: Retry) -> None:
    """msrest's session policy (a urllib3 Retry it keeps its own attributes on), made to answer every status."""
    policy.total = policy.connect = policy.read = 0
    policy.status_forcelist = frozenset()
    policy.respect_retry_after_header = False
    policy.raise_on_status = False


def _role(account: TeamsChannelAccount) -> str:
    return str(account.user_role or "").lower()


def _is_person(account: TeamsChannelAccount) -> bool:
    return not str(account.id).startswith("28:") and _role(account) not in SKIPPED_ROLES


def _member(account: TeamsChannelAccount, reference: dict[str, Any], tenant: str, team_id: str) -> RosterMember:
    """A roster member Tandem can reach: keyed by AAD object id as callers are (bot.teams.identity), with the
    team's channel reference addressed to them, so the messenger can open their 1:1 chat."""
    extra = account.additional_properties or {}
    user_id = str(account.aad_object_id or extra.get("objectId") or account.id)
    name = account.name or " ".join(p for p in (account.given_name, account.surname) if p)
    conversation = {
        "channelId": reference.get("channelId") or "msteams",
        "serviceUrl": reference["serviceUrl"],
        "bot": reference["bot"],
        "conversation": {"id": team_id, "conversationType": "channel", "isGroup": True, "tenantId": tenant},
        "user": {"id": str(account.id), "name": name or None, "aadObjectId": user_id},
    }
    return RosterMember(user_id=user_id, name=name or "", conversation=conversation,
                        email=clean_email(account.email) or clean_email(account.user_principal_name))


def _status(error: HttpOperationError) -> int:
    return int(getattr(getattr(error, "response", None), "status_code", 0) or 0)


def _retry_after(error: HttpOperationError, otherwise: float) -> float:
    raw = (getattr(getattr(error, "response", None), "headers", None) or {}).get("Retry-After")
    try:
        return max(float(raw), 0.0) if raw is not None else otherwise
    except (TypeError, ValueError):
        return otherwise


def _code(error: HttpOperationError) -> str:
    """The Connector's error code: deserialised on an ErrorResponseException, else read from the body."""
    code = getattr(getattr(getattr(error, "error", None), "error", None), "code", None)
    if code:
        return str(code)
    text = getattr(getattr(error, "response", None), "text", None)
    try:
        body = json.loads(text() if callable(text) else text or "{}")
    except (TypeError, ValueError):
        return ""
    found = body.get("error") if isinstance(body, dict) else None
    return str(found.get("code") or "") if isinstance(found, dict) else ""


def _failure(error: HttpOperationError, source: SourceRef) -> Exception:
    status, code = _status(error), _code(error)
    detail = f"HTTP {status}{f' {code}' if code else ''}"
    if status == 404:
        return SourceGone(f"Teams says the team no longer exists ({detail}). If it was archived or deleted, "
                          "recreate it and type the command in one of its channels.")
    if status == 403:
        return SourceGone(f"Teams no longer lets Tandem read the team ({detail}): Tandem was probably removed "
                          "from it. Add the Tandem app to the team again (Apps → Tandem → Add to a team).")
    if status == 401:
        return SourceUnavailable(f"the Bot Connector refused Tandem's credentials ({detail}); check "
                                 "MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.")
    log.warning("Teams roster of %s failed: %s", source.reference, detail)
    return SourceUnavailable(f"Teams could not answer ({detail}); I'll try again in a few minutes.")
