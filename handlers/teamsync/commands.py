"""`/tandem team sync TEAM SOURCE [managers]`, `team sync status` and `team unsync TEAM` (admins).

Setting a source only records it, due at once: the sync itself reads the platform outside any
transaction (bot/teamsync/), and the admin who asked gets a DM saying what changed.
"""
from __future__ import annotations

from datetime import datetime

from handlers import commands as c
from handlers.admin import resolve_team
from handlers.context import Ctx
from handlers.errors import BadArguments
from handlers.identity import person_today
from handlers.messages import Reply, Text
from handlers.teamsync.sources import (
    KIND_NAMES,
    ORG_CHART,
    OWNED_KINDS,
    PLATFORM_KINDS,
    SLACK_CHANNEL,
    SLACK_GROUP,
    TEAMS_TEAM,
)
from storage import team_sources, teams
from storage.models import Person, Team, TeamSource

ORG_IMPORT = "`python -m bot org import FILE.csv`"


def source_kind(platform: str, source: str) -> tuple[str, str, str]:
    """(kind, reference, label) of a typed source on this platform, or why it cannot be followed there."""
    if source.startswith(c.THIS_TEAM):
        team_id = source[len(c.THIS_TEAM) + 1:]
        if platform != "teams":
            raise BadArguments(f"`{c.THIS_TEAM}` means the Teams team the command is typed in; in Slack, name a "
                               "user group (@support-team) or a channel (#support).")
        if not team_id:
            raise BadArguments(f"Type this in a channel of the Teams team to follow: `{c.THIS_TEAM}` means the "
                               "team of that channel (a personal chat has none).")
        return TEAMS_TEAM, team_id, "this Teams team"
    kind = SLACK_GROUP if source.startswith("@") else SLACK_CHANNEL
    if platform != "slack":
        raise BadArguments(f"{KIND_NAMES[kind]}s exist only in Slack. In Teams, type `tandem team sync TEAM "
                           f"{c.THIS_TEAM}` in a channel of the team to follow.")
    return kind, source, source


async def sync(ctx: Ctx, person: Person, command: c.TeamSync) -> Reply:
    workspace = person.workspace
    if workspace.platform not in PLATFORM_KINDS:
        raise BadArguments(f"The console has no directory to follow. Import an org chart with {ORG_IMPORT}.")
    kind, reference, label = source_kind(workspace.platform, command.source)
    if command.managers and kind not in OWNED_KINDS:
        raise BadArguments(f"A {KIND_NAMES[kind]} has no owners Tandem can read (Teams does not tell apps who "
                           "owns a team, a channel has none), so it cannot name managers; follow it without "
                           "`managers` and name them with `/tandem team manager TEAM @person`.")
    now = ctx.clock.now()
    team = await teams.find_team(ctx.session, workspace.id, command.team)
    created = team is None
    if team is None:
        team = await teams.add_team(ctx.session, workspace.id, command.team, now)
    previous = await team_sources.source_of(ctx.session, team.id)
    if previous is not None and (previous.kind, previous.managers_from_source) == (kind, command.managers) and (
            reference.lower() in (previous.reference.lower(), previous.label.lower())):
        return Reply.of(Text(f"{team.name} already follows {previous.label}; nothing changed. "
                             "`/tandem team sync status` shows how its last sync went."))
    if previous is not None and previous.kind == ORG_CHART:
        raise BadArguments(f"{team.name} follows the org chart. Take it out of the file (or `/tandem team unsync "
                           f"\"{team.name}\"`) before it follows {label}.")
    before = previous.label if previous is not None else None
    await team_sources.follow(ctx.session, workspace_id=workspace.id, team_id=team.id, kind=kind, reference=reference,
                              label=label, managers_from_source=command.managers, requested_by=person.id, now=now)
    lines = [f"Created team “{team.name}”." if created else "",
             f"{team.name} now follows {label} instead of {before}." if before and before != label
             else f"{team.name} now follows {label}.",
             "I'm reading its members now and will message you what changed (usually within a minute). From then "
             "on I keep the team current, on the platform's change events and every few hours; a person who "
             "leaves stops counting from that day and past digests don't change.",
             "Its managers will come from the source." if command.managers
             else "Managers stay as you set them (`/tandem team manager`).",
             "Each person synced in gets one short welcome DM explaining what Tandem is and what managers can "
             "and cannot see."]
    return Reply.of(Text("\n".join(line for line in lines if line)))


async def unsync(ctx: Ctx, person: Person, command: c.TeamUnsync) -> Reply:
    team = await resolve_team(ctx, person.workspace_id, command.team)
    source = await team_sources.unfollow(ctx.session, team.id)
    if source is None:
        raise BadArguments(f"{team.name} doesn't follow a source; its members are managed by hand.")
    return Reply.of(Text(f"{team.name} no longer follows {source.label}. Its members stay as they are; change them "
                         "with `/tandem team add` and `/tandem team remove`."))


def _ago(then: datetime, now: datetime) -> str:
    minutes = int((now - then).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    return f"{hours} h ago" if hours < 48 else f"{hours // 24} days ago"


def describe_source(source: TeamSource, team: Team, members: int, now: datetime) -> str:
    """One status line: the team, its source, the last sync and what it changed, and any error."""
    line = f"{team.name} ← {source.label} ({KIND_NAMES.get(source.kind, source.kind)}"
    line += ", managers too)" if source.managers_from_source else ")"
    line += f": {members} member(s)"
    if source.last_synced_at is not None:
        verb = "imported" if source.kind == ORG_CHART else "synced"
        line += f"; {verb} {_ago(source.last_synced_at, now)}, +{source.last_added} −{source.last_removed}"
    elif source.last_error is None:
        line += "; first sync pending"
    if source.last_error is not None and source.last_error_at is not None:
        line += f"\n    ⚠ failed {_ago(source.last_error_at, now)}: {source.last_error}"
    return line


async def status_lines(ctx: Ctx, workspace_id: int, today_of: Person) -> list[str]:
    today, now = person_today(ctx, today_of), ctx.clock.now()
    lines = []
    for source, team in await team_sources.sources_of_workspace(ctx.session, workspace_id):
        members = len(await teams.current_member_ids(ctx.session, team.id, "member", today))
        lines.append(describe_source(source, team, members, now))
    return lines


async def status(ctx: Ctx, person: Person, _: c.TeamSyncStatus) -> Reply:
    lines = await status_lines(ctx, person.workspace_id, person)
    if not lines:
        return Reply.of(Text("No team follows a source yet. `/tandem team sync TEAM @user-group` (Slack), `tandem team "
                             f"sync TEAM this-team` in a Teams channel, or {ORG_IMPORT}."))
    return Reply.of(Text("Synced teams:\n" + "\n".join(f"  {line}" for line in lines)))
