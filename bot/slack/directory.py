"""Team sync's Directory on Slack: who is in a user group or a channel now, with their profiles.

Call plan per workspace and run (the fewest calls Slack's limits allow):
- every user group source is answered by ONE `usergroups.list` (include_users, include_disabled);
- channel sources: one paged `conversations.list` pass (names to ids, archived or invisible channels, renames),
  stopped as soon as every channel asked for was seen, then `conversations.members` per channel, paged;
- profiles come from the ProfileCache; when more than USERS_INFO_AT_MOST people are unknown, `users.list` is
  paged (200 a page, 10 pages answer 2,000 people where users.info would take 2,000 calls), started as soon as
  the user groups show that many unknowns so it runs while the channels are read; a few unknowns: `users.info`.

Slack's limits are per workspace and per method (Tier 2: 20 calls a minute, Tier 4: 100): a TierPacer spaces
each method's calls so a run does not trip a 429 it can foresee; a 429 anyway waits Retry-After and retries the
same page (bounded), beyond that the source is SourceUnavailable and the next run retries. Slack user groups
have no owners: the group's creator (`created_by`) stands for its manager. Tokens never reach errors or logs.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.http import WebClients
from bot.slack.identity import Profile, ProfileCache, profile_from_user
from bot.ttl_cache import TtlCache
from handlers.teamsync.sources import (
    SLACK_CHANNEL,
    SLACK_GROUP,
    Roster,
    RosterMember,
    SourceGone,
    SourceRef,
    SourceUnavailable,
)

log = logging.getLogger("tandem.slack.directory")
TokenLookup = Callable[[str], Awaitable[str | None]]

#: Calls a minute per workspace and method (Slack's published tiers).
TIER_2, TIER_3, TIER_4 = 20, 50, 100
METHOD_TIERS: dict[str, int] = {"usergroups.list": TIER_2, "usergroups.users.list": TIER_2,
                                "conversations.list": TIER_2, "conversations.members": TIER_4,
                                "users.list": TIER_2, "users.info": TIER_4}
#: Page sizes: Slack's maximum for members and channels ("under 1000"), its advice of 200 for users.list.
PAGE_SIZES = {"conversations.list": 1000, "conversations.members": 1000, "users.list": 200}
#: users.info (Tier 4, one person a call) for up to this many unknown people, else users.list (Tier 2, 200 a
#: page): 25 users.info calls take 15 s, as long as 5 users.list pages (a workspace of 1,000 people).
USERS_INFO_AT_MOST = 25
RATE_LIMIT_TRIES = 5  # 429s on one call before the run gives up on the source (the next run retries)
MAX_RETRY_AFTER_S = 120.0
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{6,}$")
NOT_READABLE = frozenset({"missing_scope", "paid_teams_only", "not_allowed_token_type", "no_permission"})


class TierPacer:
    """Spaces calls per (workspace, method) at the method's tier; `scale` > 1 speeds every tier up alike (tests
    and the bench run a fake Slack whose limits are scaled the same way)."""

    def __init__(self, scale: float = 1.0, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.scale, self._monotonic, self._sleep = scale, monotonic, sleep
        self._next: dict[tuple[str, str], float] = {}

    def interval(self, method: str) -> float:
        return 60.0 / (METHOD_TIERS.get(method, TIER_2) * self.scale)

    async def wait_turn(self, workspace: str, method: str) -> None:
        key = (workspace, method)
        now = self._monotonic()
        slot = max(now, self._next.get(key, now))
        self._next[key] = slot + self.interval(method)
        if slot > now:
            await self._sleep(slot - now)
        # a late wake-up (a busy loop) must not bunch this call with the next one
        self._next[key] = max(self._next[key], self._monotonic() + self.interval(method))

    def push_back(self, workspace: str, method: str, seconds: float) -> None:
        """Slack said wait: nobody calls this method of this workspace before then."""
        key = (workspace, method)
        self._next[key] = max(self._next.get(key, 0.0), self._monotonic() + seconds)


@dataclass
class _Found:
    """A source's answer before profiles are known: ids of members and owners."""

    reference: str
    label: str
    members: list[str]
    owners: list[str] = field(default_factory=list)


class SlackDirectory:
    """The Directory port for Slack (see the module docstring for the call plan)."""

    def __init__(self, base_url: str, tokens: TokenLookup, profiles: ProfileCache, *, rate_scale: float = 1.0,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep) -> None:
        self.tokens, self.profiles = tokens, profiles
        self.clients = WebClients(base_url)
        self.pacer = TierPacer(rate_scale)
        self.sleep = sleep
        self._not_people: TtlCache[tuple[str, str], bool] = TtlCache(24 * 3600)  # bots and deleted users

    async def rosters(self, workspace: str, sources: Sequence[SourceRef]) -> list[Roster | Exception]:
        token = await self.tokens(workspace)
        if not token:
            return [SourceUnavailable("there is no Slack token for this workspace.") for _ in sources]
        run = _Run(self, self.clients.for_token(token), workspace)
        groups = [s for s in sources if s.kind == SLACK_GROUP]
        channels = [s for s in sources if s.kind == SLACK_CHANNEL]
        found: dict[int, _Found | Exception] = {}
        channels_done = asyncio.Event()

        async def read_groups() -> None:
            found.update(await run.groups(groups))
            run.want(found.values())
            if run.unknown_count() > USERS_INFO_AT_MOST:
                run.start_users_list(channels_done)

        async def read_channels() -> None:
            try:
                found.update(await run.channels(channels))
            finally:
                channels_done.set()

        await asyncio.gather(read_groups(), read_channels())
        run.want(found.values())
        profiles = await run.profiles(channels_done)
        answers: list[Roster | Exception] = []
        for source in sources:
            answer = found.get(source.source_id, SourceGone(f"Tandem cannot follow a {source.kind} on Slack."))
            answers.append(answer if isinstance(answer, Exception) else run.roster(answer, profiles))
        return answers


class _Run:
    """One workspace's reading: its calls, paced and retried, and the profiles it gathers."""

    def __init__(self, directory: SlackDirectory, client: AsyncWebClient, workspace: str) -> None:
        self.directory, self.client, self.workspace = directory, client, workspace
        self.wanted: set[str] = set()
        self.seen: dict[str, Profile] = {}
        self._users_list: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ calls

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        """One Web API call at its tier's pace; 429 waits Retry-After and tries again. Raises SourceUnavailable
        (transient) or SlackApiError (Slack's answer, e.g. channel_not_found)."""
        pacer = self.directory.pacer
        for _ in range(RATE_LIMIT_TRIES):
            await pacer.wait_turn(self.workspace, method)
            try:
                response = await self.client.api_call(method, http_verb="GET", params=params)
                return dict(response.data) if isinstance(response.data, dict) else {}
            except SlackApiError as error:
                status = error.response.status_code
                if status == 429:
                    headers = error.response.headers or {}
                    wait = float(headers.get("Retry-After") or headers.get("retry-after") or 1)
                    wait = min(max(wait, 0.0), MAX_RETRY_AFTER_S)
                    log.info("%s rate-limited in %s: waiting %.0f s", method, self.workspace, wait)
                    pacer.push_back(self.workspace, method, wait)
                    continue
                if status >= 500:
                    raise SourceUnavailable(f"Slack answered {method} with a server error ({status}).") from None
                raise
            except (aiohttp.ClientError, TimeoutError) as error:
                raise SourceUnavailable(f"Slack could not be reached ({type(error).__name__}).") from None
        raise SourceUnavailable(f"Slack kept rate-limiting {method}; the next run tries again.")

    async def pages(self, method: str, key: str, **params: Any) -> Any:
        """Every item of a cursor-paged method (response_metadata.next_cursor, "" at the end), page by page."""
        cursor = ""
        while True:
            page = await self.call(method, limit=PAGE_SIZES[method], **params, **({"cursor": cursor} if cursor else {}))
            yield page.get(key) or []
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                return

    # ------------------------------------------------------------------ user groups

    async def groups(self, sources: Sequence[SourceRef]) -> dict[int, _Found | Exception]:
        if not sources:
            return {}
        try:
            answer = await self.call("usergroups.list", include_users=True, include_disabled=True)
        except SourceUnavailable as error:
            return {s.source_id: error for s in sources}
        except SlackApiError as error:
            return {s.source_id: _refused(error, "user groups") for s in sources}
        by_key: dict[str, dict[str, Any]] = {}
        for group in answer.get("usergroups") or []:
            if isinstance(group, dict):
                by_key[str(group.get("id") or "")] = group
                by_key[str(group.get("handle") or "").lower()] = group
        found: dict[int, _Found | Exception] = {}
        for source in sources:
            key = source.reference if GROUP_ID.match(source.reference) else source.reference.lstrip("@").lower()
            group = by_key.get(key)
            label = f"@{group['handle']}" if group and group.get("handle") else _as_handle(source)
            if group is None or int(group.get("date_delete") or 0) > 0:
                found[source.source_id] = SourceGone(f"there is no user group {label} any more (deleted or disabled).")
                continue
            creator = str(group.get("created_by") or "")
            found[source.source_id] = _Found(
                reference=str(group["id"]), label=label, members=[str(u) for u in group.get("users") or []],
                owners=[creator] if source.managers and creator else [])
        return found

    # ------------------------------------------------------------------ channels

    async def channels(self, sources: Sequence[SourceRef]) -> dict[int, _Found | Exception]:
        if not sources:
            return {}
        wanted = {_channel_key(s) for s in sources}
        visible: dict[str, dict[str, Any]] = {}
        try:
            async for page in self.pages("conversations.list", "channels", exclude_archived=True,
                                         types="public_channel,private_channel"):
                for channel in page:
                    if isinstance(channel, dict):
                        visible[str(channel.get("id"))] = visible[str(channel.get("name", "")).lower()] = channel
                if wanted <= visible.keys():
                    break
        except SourceUnavailable as error:
            return {s.source_id: error for s in sources}
        except SlackApiError as error:
            return {s.source_id: _refused(error, "channels") for s in sources}
        found: dict[int, _Found | Exception] = {}
        for source in sources:
            channel = visible.get(_channel_key(source))
            if channel is None:
                label = source.label if source.label.startswith("#") else "#" + source.reference.lstrip("#")
                found[source.source_id] = SourceGone(
                    f"Tandem cannot see the channel {label} any more: it was archived or deleted, or it is private "
                    f"and Tandem is not in it (invite @Tandem to {label}).")
                continue
            found[source.source_id] = await self._channel_members(channel)
        return found

    async def _channel_members(self, channel: dict[str, Any]) -> _Found | Exception:
        label, members = f"#{channel.get('name')}", list[str]()
        try:
            async for page in self.pages("conversations.members", "members", channel=str(channel["id"])):
                members.extend(str(m) for m in page)
        except SourceUnavailable as error:
            return error
        except SlackApiError as error:
            return _refused(error, "channel", label)
        return _Found(reference=str(channel["id"]), label=label, members=members)

    # ------------------------------------------------------------------ profiles

    def want(self, answers: Any) -> None:
        for answer in answers:
            if isinstance(answer, _Found):
                self.wanted.update(answer.members, answer.owners)

    def _unknown(self) -> set[str]:
        cache, not_people = self.directory.profiles, self.directory._not_people
        return {u for u in self.wanted if u not in self.seen and cache.cached(self.workspace, u) is None
                and not not_people.get((self.workspace, u))[0]}

    def unknown_count(self) -> int:
        return len(self._unknown())

    def _learn(self, user: dict[str, Any]) -> None:
        user_id = str(user.get("id") or "")
        if not user_id:
            return
        if user.get("is_bot") or user.get("deleted") or user_id == "USLACKBOT":
            self.directory._not_people.put((self.workspace, user_id), True)
            return
        profile = profile_from_user(user)
        self.seen[user_id] = profile
        self.directory.profiles.remember(self.workspace, user_id, profile)

    def start_users_list(self, channels_done: asyncio.Event) -> None:
        if self._users_list is None:
            self._users_list = asyncio.create_task(self._page_users(channels_done))

    async def _page_users(self, channels_done: asyncio.Event) -> None:
        """users.list until every wanted person was seen (known only once the channels are read) or the end."""
        try:
            async for page in self.pages("users.list", "members", include_locale=True):
                for user in page:
                    if isinstance(user, dict):
                        self._learn(user)
                if channels_done.is_set() and not self._unknown():
                    return
        except (SourceUnavailable, SlackApiError) as error:
            log.warning("users.list failed in %s: %s", self.workspace, _code(error))

    async def profiles(self, channels_done: asyncio.Event) -> dict[str, Profile | None]:
        await channels_done.wait()
        if self._users_list is None and self.unknown_count() > USERS_INFO_AT_MOST:
            self.start_users_list(channels_done)
        if self._users_list is not None:
            await self._users_list
        for user_id in sorted(self._unknown())[:USERS_INFO_AT_MOST * 4]:
            try:
                answer = await self.call("users.info", user=user_id, include_locale=True)
            except (SourceUnavailable, SlackApiError) as error:
                log.warning("users.info failed in %s: %s", self.workspace, _code(error))
                continue
            self._learn(answer.get("user") or {})
        cache, not_people = self.directory.profiles, self.directory._not_people
        return {u: None if not_people.get((self.workspace, u))[0] else cache.cached(self.workspace, u)
                for u in self.wanted}

    def roster(self, found: _Found, profiles: dict[str, Profile | None]) -> Roster:
        def people(ids: list[str]) -> tuple[RosterMember, ...]:
            chosen: list[RosterMember] = []
            for user_id in dict.fromkeys(ids):
                if self.directory._not_people.get((self.workspace, user_id))[0]:
                    continue
                profile = profiles.get(user_id)
                chosen.append(RosterMember(user_id=user_id) if profile is None else RosterMember(
                    user_id=user_id, name=profile.name, email=profile.email, timezone=profile.timezone,
                    locale=profile.locale))
            return tuple(chosen)

        return Roster(reference=found.reference, label=found.label, members=people(found.members),
                      owners=people(found.owners))


def _as_handle(source: SourceRef) -> str:
    if source.label.startswith("@"):
        return source.label
    return source.reference if source.reference.startswith("@") else "@" + source.reference


def _channel_key(source: SourceRef) -> str:
    name = source.reference.lstrip("#")
    return name if CHANNEL_ID.match(name) else name.lower()


def _code(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error") or error.response.status_code)
    return str(error)


def _refused(error: SlackApiError, what: str, label: str = "") -> Exception:
    """Slack's refusal as the core understands it: an admin must act (gone), or try again later."""
    code = _code(error)
    if code == "channel_not_found":
        return SourceGone(f"Tandem cannot read {label} any more: it was deleted, or it is private and Tandem is "
                          f"not in it (invite @Tandem to {label}).")
    if code in NOT_READABLE:
        return SourceGone(f"Slack does not let Tandem read {what} ({code}): reinstall Tandem with the scopes in "
                          f"the README, or check the workspace's plan.")
    return SourceUnavailable(f"Slack refused to list {what} ({code}).")
