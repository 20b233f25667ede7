"""Who is asking: the workspace and person behind an inbound message, created on first contact."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import IntegrityError

from handlers.context import Ctx
from handlers.localtime import format_hhmm, is_known_zone, zone
from storage import people, teams, workspaces
from storage.models import Person, Schedule, Workspace


@dataclass(frozen=True)
class Caller:
    """The platform's view of the sender, as an adapter found it."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str = ""
    workspace_name: str = ""
    timezone: str | None = None
    locale: str | None = None
    email: str | None = None  # lower-cased; what helpdesk ratings and the org chart match people by


async def ensure_workspace(ctx: Ctx, platform: str, external_id: str, name: str = "") -> Workspace:
    """The workspace, created with app.yaml's defaults and schedule the first time it is seen."""
    found = await workspaces.find_workspace(ctx.session, platform, external_id)
    if found is not None:
        return found
    now = ctx.clock.now()
    defaults = ctx.config
    try:
        async with ctx.session.begin_nested():
            workspace = await workspaces.add_workspace(
                ctx.session, platform=platform, external_id=external_id, name=name or external_id,
                timezone=defaults.workspace.timezone, holiday_country=defaults.workspace.holiday_country,
                min_group=defaults.privacy.min_group, now=now)
            await workspaces.add_schedule(ctx.session, Schedule(
                workspace_id=workspace.id, checkin_days=",".join(str(d) for d in defaults.checkin.weekdays),
                checkin_time=format_hhmm(defaults.checkin.at), digest_day=defaults.digest.weekday,
                digest_time=format_hhmm(defaults.digest.at), reminder_hours=defaults.reminder.after_hours,
                enabled=True, updated_at=now))
    except IntegrityError:  # first contact raced another request from the same workspace: use its row
        found = await workspaces.find_workspace(ctx.session, platform, external_id)
        if found is None:
            raise
        return found
    return workspace


async def identify(ctx: Ctx, caller: Caller) -> Person:
    """The person behind a message; the first person of an empty workspace becomes its admin."""
    workspace = await ensure_workspace(ctx, caller.platform, caller.workspace_id, caller.workspace_name)
    person = await people.find_person(ctx.session, workspace.id, caller.user_id)
    if person is None:  # first contacts of one workspace take turns, so exactly one of them becomes its admin
        await workspaces.lock_workspace(ctx.session, workspace.id)
        person = await people.find_person(ctx.session, workspace.id, caller.user_id)
    timezone = caller.timezone if caller.timezone and is_known_zone(caller.timezone) else None
    if person is None and caller.email:  # the org chart named them before they first wrote
        person = await people.find_person(ctx.session, workspace.id, people.placeholder_id(caller.email))
        if person is not None:
            person.platform_user_id = caller.user_id
    if person is None:
        first = await people.count_people(ctx.session, workspace.id) == 0
        try:
            async with ctx.session.begin_nested():
                person = await people.add_person(
                    ctx.session, workspace_id=workspace.id, platform_user_id=caller.user_id,
                    display_name=caller.display_name or caller.user_id, timezone=timezone, locale=caller.locale,
                    is_admin=first or caller.user_id in ctx.config.workspace.admins, now=ctx.clock.now(),
                    email=caller.email)
        except IntegrityError:  # the same person's other request created them a moment ago
            person = await people.find_person(ctx.session, workspace.id, caller.user_id)
            if person is None:
                raise
            return person
        person.workspace = workspace
        await people.clear_opt_outs(ctx.session, person)  # they're back
        return person
    if caller.display_name and caller.display_name != person.display_name:
        person.display_name = caller.display_name
    if timezone and timezone != person.timezone:
        person.timezone = timezone
    if caller.locale and caller.locale != person.locale:
        person.locale = caller.locale
    if caller.email and caller.email != person.email:
        person.email = caller.email
    if not person.active:
        person.active = True  # they are talking to us again
    if caller.user_id in ctx.config.workspace.admins and not person.is_admin:
        person.is_admin = True
    return person


def person_zone_name(person: Person) -> str:
    return person.timezone or person.workspace.timezone


def person_today(ctx: Ctx, person: Person) -> date:
    """Today's date where the person is: days, weeks and team memberships are all local."""
    return ctx.clock.now().astimezone(zone(person_zone_name(person))).date()


async def is_manager(ctx: Ctx, person: Person) -> bool:
    """Whether the person manages any team today."""
    return bool(await teams.managed_teams(ctx.session, person.id, person_today(ctx, person)))
