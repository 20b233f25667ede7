"""Admin use cases: schedules, teams, admins, holiday calendars, the privacy threshold."""
from __future__ import annotations

from collections.abc import Sequence

import holidays as holiday_calendars

from handlers import commands as c
from handlers.context import Ctx
from handlers.errors import BadArguments, NotAuthorized, NotFound
from handlers.identity import person_today
from handlers.localtime import format_hhmm
from handlers.messages import Reply, Text
from handlers.schedule import describe_schedule
from storage import people, team_sources, teams, workspaces
from storage.models import Person, Schedule, Team


async def _schedule(ctx: Ctx, person: Person) -> Schedule:
    schedule = await workspaces.get_schedule(ctx.session, person.workspace_id)
    if schedule is None:
        raise NotFound("This workspace has no schedule yet.")
    return schedule


async def show_schedule(ctx: Ctx, person: Person, _: c.ScheduleShow) -> Reply:
    return Reply.of(Text(describe_schedule(await _schedule(ctx, person))))


async def change_schedule(ctx: Ctx, person: Person, command: c.Command) -> Reply:
    """Apply a schedule command; the next scheduling tick uses it."""
    schedule = await _schedule(ctx, person)
    if isinstance(command, c.ScheduleCheckin):
        schedule.checkin_days = ",".join(str(d) for d in command.weekdays)
        schedule.checkin_time = format_hhmm(command.at)
    elif isinstance(command, c.ScheduleDigest):
        schedule.digest_day, schedule.digest_time = command.weekday, format_hhmm(command.at)
    elif isinstance(command, c.ScheduleReminder):
        schedule.reminder_hours = command.hours
    elif isinstance(command, c.ScheduleEnabled):
        schedule.enabled = command.enabled
    schedule.updated_at = ctx.clock.now()
    return Reply.of(Text("Saved. " + describe_schedule(schedule)))


async def resolve_person(ctx: Ctx, workspace_id: int, handle: str) -> Person:
    person = await people.find_person_by_handle(ctx.session, workspace_id, handle)
    if person is None:
        raise NotFound(f"I don't know @{handle[:60]} in this workspace yet. People appear once they have "
                       "talked to Tandem or been looked up in Slack or Teams.")
    return person


async def resolve_team(ctx: Ctx, workspace_id: int, name: str) -> Team:
    team = await teams.find_team(ctx.session, workspace_id, name)
    if team is None:
        known = [t.name for t in await teams.teams_of_workspace(ctx.session, workspace_id)]
        hint = f" Teams: {', '.join(known)}." if known else " There are no teams yet: `/tandem team create NAME`."
        raise NotFound(f"There is no team called “{name[:60]}”.{hint}")
    return team


def require_in_charge(person: Person, team: Team, managed: Sequence[Team], doing: str, action: str) -> None:
    """Managers act for the teams they manage (`managed`, as of today), admins for any team; `doing` completes
    "Only managers of TEAM (and admins) can ...", `action` names what was refused."""
    if not person.is_admin and team.id not in {t.id for t in managed}:
        raise NotAuthorized(f"Only managers of {team.name} (and admins) can {doing}.", action)


async def _refuse_if_synced(ctx: Ctx, team: Team, *, managers: bool) -> None:
    """A team that follows a source takes its members (and, if so set, managers) from there alone."""
    source = await team_sources.source_of(ctx.session, team.id)
    if source is None or (managers and not source.managers_from_source):
        return
    what = "managers" if managers else "members"
    raise BadArguments(f"{team.name} follows {source.label}, so its {what} come from there: change them in the "
                       f"source, or `/tandem team unsync \"{team.name}\"` to manage the team by hand.")


async def team_command(ctx: Ctx, person: Person,
                       command: c.TeamList | c.TeamCreate | c.TeamAdd | c.TeamRemove | c.TeamManager) -> Reply:
    workspace_id, today = person.workspace_id, person_today(ctx, person)
    if isinstance(command, c.TeamList):
        rows = []
        for team in await teams.teams_of_workspace(ctx.session, workspace_id):
            members = await teams.people_in_team(ctx.session, team.id, "member", today)
            managers = await teams.people_in_team(ctx.session, team.id, "manager", today)
            source = await team_sources.source_of(ctx.session, team.id)
            rows.append(f"  {team.name}: {len(members)} member(s); managed by "
                        f"{', '.join(m.display_name for m in managers) or 'nobody yet'}"
                        + (f"; follows {source.label}" if source else ""))
        return Reply.of(Text("Teams:\n" + "\n".join(rows) if rows else "No teams yet: `/tandem team create NAME`."))
    if isinstance(command, c.TeamCreate):
        if await teams.find_team(ctx.session, workspace_id, command.name) is not None:
            raise BadArguments(f"A team called “{command.name}” already exists.")
        await teams.add_team(ctx.session, workspace_id, command.name, ctx.clock.now())
        return Reply.of(Text(f"Created team “{command.name}”. Add people with "
                             f"`/tandem team add \"{command.name}\" @person ...`."))
    team = await resolve_team(ctx, workspace_id, command.team)
    await _refuse_if_synced(ctx, team, managers=isinstance(command, c.TeamManager))
    if isinstance(command, c.TeamManager):
        target = await resolve_person(ctx, workspace_id, command.person)
        if await teams.current_membership(ctx.session, team.id, target.id, "manager", today):
            return Reply.of(Text(f"{target.display_name} already manages {team.name}."))
        await teams.add_membership(ctx.session, team.id, target.id, "manager", today)
        return Reply.of(Text(f"{target.display_name} now manages {team.name} and will get its weekly digest."))
    targets = [await resolve_person(ctx, workspace_id, handle) for handle in command.people]
    done = []
    for target in targets:
        if isinstance(command, c.TeamAdd):
            if not await teams.current_membership(ctx.session, team.id, target.id, "member", today):
                await teams.add_membership(ctx.session, team.id, target.id, "member", today)
                done.append(target.display_name)
        elif await teams.end_memberships(ctx.session, team.id, target.id, today):
            done.append(target.display_name)
    verb = "Added to" if isinstance(command, c.TeamAdd) else "Removed from"
    if not done:
        return Reply.of(Text(f"Nothing to change in {team.name}."))
    return Reply.of(Text(f"{verb} {team.name}: {', '.join(done)}."))


async def admin_command(ctx: Ctx, person: Person, command: c.AdminAdd | c.AdminRemove) -> Reply:
    target = await resolve_person(ctx, person.workspace_id, command.person)
    if isinstance(command, c.AdminAdd):
        target.is_admin = True
        return Reply.of(Text(f"{target.display_name} is now an admin."))
    remaining = [a for a in await people.admins(ctx.session, person.workspace_id) if a.id != target.id]
    if not remaining:
        raise BadArguments("That would leave the workspace without an admin; add another admin first.")
    target.is_admin = False
    return Reply.of(Text(f"{target.display_name} is no longer an admin."))


def _check_country(code: str) -> str:
    if code == "NONE":
        return ""
    if code not in holiday_calendars.list_supported_countries():
        raise BadArguments(f"I have no public-holiday calendar for “{code}”. Use an ISO 3166 code such as "
                           "GB, US, DE, IN or AU, or `none`.")
    return code


async def set_holidays(ctx: Ctx, person: Person, command: c.SetHolidays) -> Reply:
    """Show or set the person's own holiday calendar."""
    workspace = person.workspace
    if command.country is None:
        own = person.holiday_country
        shown = own if own is not None else workspace.holiday_country
        source = "your own setting" if own is not None else "the workspace default"
        return Reply.of(Text(f"Public holidays: {shown or 'none'} ({source}). No check-ins on those days."))
    code = _check_country(command.country)
    person.holiday_country = code
    return Reply.of(Text(f"Your holiday calendar is now {code or 'none'}: no check-ins on its public holidays."))


async def set_workspace_holidays(ctx: Ctx, person: Person, command: c.SetWorkspaceHolidays) -> Reply:
    """The workspace's default calendar, for everyone without their own (admins)."""
    code = _check_country(command.country)
    person.workspace.holiday_country = code
    return Reply.of(Text(f"Workspace holiday calendar set to {code or 'none'}."))


async def set_min_group(ctx: Ctx, person: Person, command: c.SetMinGroup) -> Reply:
    person.workspace.min_group = command.value
    return Reply.of(Text(f"Figures now need at least {command.value} respondents before managers see them."))


