"""What a team can follow, and the port through which adapters read a source's current members.

The core never talks to Slack or Teams: an adapter's Directory answers with a Roster per source, or says
why it could not (SourceGone: the source no longer exists, so nothing changes and admins are told;
SourceUnavailable: try again later).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

SLACK_GROUP = "slack-group"
SLACK_CHANNEL = "slack-channel"
TEAMS_TEAM = "teams-team"
ORG_CHART = "org-chart"
KIND_NAMES = {SLACK_GROUP: "Slack user group", SLACK_CHANNEL: "Slack channel", TEAMS_TEAM: "Teams team",
              ORG_CHART: "org chart"}
PLATFORM_KINDS = {"slack": (SLACK_GROUP, SLACK_CHANNEL), "teams": (TEAMS_TEAM,)}
OWNED_KINDS = (SLACK_GROUP, ORG_CHART)  # sources that can name the team's managers (Teams tells bots no owners)

RESYNC_EVERY = timedelta(hours=6)  # a full re-read, even when no change event arrived
CHANGE_DEBOUNCE = timedelta(seconds=15)  # a burst of join/leave events costs one sync
RETRY_AFTER_FAILURE = timedelta(minutes=5)
LEASE = timedelta(minutes=10)


@dataclass(frozen=True)
class RosterMember:
    """One person as the source knows them. `user_id` is the platform id ("" for an org chart row known only
    by email); `conversation`: on Teams, the reference through which Tandem can open a 1:1 chat with them."""

    user_id: str
    name: str = ""
    email: str | None = None
    timezone: str | None = None
    locale: str | None = None
    country: str | None = None
    conversation: dict[str, Any] | None = None


@dataclass(frozen=True)
class Roster:
    """A source's members now; `reference` and `label` as the platform resolved them (a handle to an id).

    `owners`: who may manage the team when the admin asked for managers from the source (a Slack user group's
    creator, the org chart's manager column)."""

    reference: str
    label: str
    members: tuple[RosterMember, ...]
    owners: tuple[RosterMember, ...] = ()


@dataclass(frozen=True)
class SourceRef:
    """A source as stored, handed to a Directory."""

    source_id: int
    kind: str
    reference: str
    label: str
    managers: bool


class SourceGone(Exception):
    """The source does not exist (any more), or Tandem may not read it: memberships stay as they are."""


class SourceUnavailable(Exception):
    """The platform could not answer now (rate limits beyond patience, outage): the next run retries."""


class Directory(Protocol):
    """An adapter's way to read sources of one platform; one call per workspace so it can batch."""

    async def rosters(self, workspace: str, sources: Sequence[SourceRef]) -> list[Roster | Exception]: ...
