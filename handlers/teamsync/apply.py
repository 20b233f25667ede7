"""Bringing a team in line with its source: who joined and who left today, with the history kept.

A person who leaves stops counting from that day and their past weeks stay where they were, so digests of
past weeks never change. People the source knows but Tandem doesn't are created (an org chart row known
only by email gets a placeholder until that person first appears on their platform). Each newly synced
person gets one welcome DM, ever, through the outbox.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from handlers.context import Ctx
from handlers.delivery import reachability
from handlers.localtime import is_known_zone
from handlers.teamsync.sources import Roster, RosterMember
from handlers.teamsync.welcome import queue_welcomes
from storage import people, teams
from storage.models import Person, Team, Workspace


@dataclass
class SyncChange:
    """What one sync changed (names for the admin's report; counts for status)."""

    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    managers_added: list[str] = field(default_factory=list)
    managers_removed: list[str] = field(default_factory=list)
    created: int = 0
    welcomed: int = 0
    members: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.joined or self.left or self.managers_added or self.managers_removed)


async def resolve_people(ctx: Ctx, workspace: Workspace, members: Sequence[RosterMember],
                         change: SyncChange) -> list[Person]:
    """The Person of each roster member, in order: found by platform id, else by email, else created (the new
    ones written in one batch)."""
    session, now = ctx.session, ctx.clock.now()
    by_id = await people.people_by_platform_ids(session, workspace.id, sorted({m.user_id for m in members
                                                                                if m.user_id}))
    by_email = await people.people_by_emails(session, workspace.id, sorted({m.email for m in members
                                                                             if m.email}))
    resolved: list[Person] = []
    for member in members:
        person = by_id.get(member.user_id) if member.user_id else None
        if person is None and member.email:
            found = by_email.get(member.email)
            if found is not None and (not member.user_id or people.is_placeholder(found)):
                person = found
        if person is None:
            person = people.stage_synced_person(session, workspace, member.user_id or people.placeholder_id(
                member.email or ""), (member.name or member.email or member.user_id)[:200], member.email, now)
            change.created += 1
        elif member.user_id and people.is_placeholder(person):  # they appeared on their platform
            person.platform_user_id, person.active = member.user_id, True
        _refresh(person, member)
        if member.user_id:
            by_id[member.user_id] = person
        if member.email:
            by_email[member.email] = person
        resolved.append(person)
    await people.write_staged(session)
    return resolved


def _refresh(person: Person, member: RosterMember) -> None:
    """What the source says about the person replaces what Tandem had (never blanks a value)."""
    if member.name and member.name != person.display_name:
        person.display_name = member.name[:200]
    if member.email and member.email != person.email:
        person.email = member.email
    if member.timezone and is_known_zone(member.timezone) and member.timezone != person.timezone:
        person.timezone = member.timezone
    if member.locale and member.locale != person.locale:
        person.locale = member.locale[:16]
    if member.country and member.country != person.holiday_country:
        person.holiday_country = member.country


async def apply_roster(ctx: Ctx, workspace: Workspace, team: Team, roster: Roster, *, platform: str,
                       managers: bool, today: date, welcome: bool = True) -> SyncChange:
    """Make the team's members (and, when `managers`, its managers) what the roster says, from `today`."""
    change = SyncChange()
    listed = await _not_opted_out(ctx, workspace, roster.members)
    members = await resolve_people(ctx, workspace, listed, change)
    await _reach(ctx, platform, members, listed)
    joined = await _set_role(ctx, team, members, "member", today, change.joined, change.left)
    change.members = len({p.id for p in members})
    if managers:
        owners = await resolve_people(ctx, workspace, await _not_opted_out(ctx, workspace, roster.owners), change)
        await _set_role(ctx, team, owners, "manager", today, change.managers_added, change.managers_removed)
    if welcome:
        change.welcomed = await queue_welcomes(ctx, workspace, team, joined)
    return change


def _keys(member: RosterMember) -> list[str]:
    return [key for key in (member.user_id, people.placeholder_id(member.email) if member.email else "") if key]


async def _not_opted_out(ctx: Ctx, workspace: Workspace, members: Sequence[RosterMember]) -> list[RosterMember]:
    """The members who did not ask Tandem to forget them (their one kept key says they did)."""
    out = await people.opted_out(ctx.session, workspace.id, sorted({k for m in members for k in _keys(m)}))
    return [m for m in members if not out.intersection(_keys(m))] if out else list(members)


async def _set_role(ctx: Ctx, team: Team, wanted: list[Person], role: str, today: date, added: list[str],
                    removed: list[str]) -> list[Person]:
    session = ctx.session
    current = await teams.current_member_ids(session, team.id, role, today)
    wanted_by_id = {p.id: p for p in wanted}
    joining = [p for pid, p in wanted_by_id.items() if pid not in current]
    leaving = sorted(current - wanted_by_id.keys())
    await teams.add_memberships(session, team.id, [p.id for p in joining], role, today)
    if leaving:
        gone = await people.people_by_id(session, leaving)
        await teams.end_role(session, team.id, leaving, role, today)
        removed.extend(sorted(gone[pid].display_name for pid in leaving if pid in gone))
    added.extend(sorted(p.display_name for p in joining))
    return joining


async def _reach(ctx: Ctx, platform: str, persons: list[Person], members: Sequence[RosterMember]) -> None:
    """Teams: a member Tandem has never talked to is reached through the team's conversation (the messenger
    opens the 1:1 chat from it); a way to reach them that Tandem already has is kept."""
    with_reference = [(p, m) for p, m in zip(persons, members, strict=True) if m.conversation]
    if not with_reference:
        return
    known = await reachability.known(ctx, [p.id for p, _ in with_reference])
    for person, member in with_reference:
        if person.id not in known:
            await reachability.remember(ctx, person.id, platform, reference=dict(member.conversation or {}))
