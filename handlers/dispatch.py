"""From a typed command to the use case that answers it, with authorization and the audit trail.

Every command runs inside a savepoint: a refused or malformed request leaves the data unchanged,
and only its audit entry (for refused admin attempts) is written.
"""
from __future__ import annotations

from handlers import admin, checkins, commands as c, digest, moments, personal, status
from handlers.context import Ctx
from handlers.errors import NotAuthorized, TandemError
from handlers.help import help_for
from handlers.identity import Caller, identify, person_zone_name
from handlers.localtime import zone
from handlers.messages import Reply, Text
from storage import audit, teams
from storage.models import Person

ADMIN_REFUSAL = "Only Tandem admins can do that. Ask an admin, or see `/tandem help` for what you can do."


def _admin_only(command: c.Command) -> bool:
    if isinstance(command, c.SetHolidays):
        return command.workspace
    return isinstance(command, c.ADMIN_ONLY)


async def _is_manager(ctx: Ctx, person: Person) -> bool:
    today = ctx.clock.now().astimezone(zone(person_zone_name(person))).date()
    return bool(await teams.managed_teams(ctx.session, person.id, today))


async def run_command(ctx: Ctx, person: Person, command: c.Command) -> Reply:
    """Run one command for a known person; TandemErrors become replies, refusals are audited."""
    try:
        async with ctx.session.begin_nested():
            if _admin_only(command) and not person.is_admin:
                raise NotAuthorized(ADMIN_REFUSAL, type(command).__name__)
            reply = await _route(ctx, person, command)
    except NotAuthorized as refusal:
        await audit.record(ctx.session, workspace_id=person.workspace_id, actor_id=person.id,
                           action=refusal.action, allowed=False, detail=refusal.reply, now=ctx.clock.now())
        return Reply.of(Text(refusal.text()))
    except TandemError as error:
        return Reply.of(Text(error.text()))
    if _admin_only(command) and not isinstance(command, (c.ShowStatus, c.ScheduleShow, c.TeamList)):
        await audit.record(ctx.session, workspace_id=person.workspace_id, actor_id=person.id,
                           action=type(command).__name__, allowed=True, detail=repr(command)[:500],
                           now=ctx.clock.now())
    return reply


def _asks_for_form(command: c.Command) -> bool:
    """`/moment` without text: answered with the moment form instead of being run."""
    return isinstance(command, c.LogMoment) and command.text is None


def opens_form(text: str) -> bool:
    """Whether answering this line opens a form: chat platforms allow that only for a few seconds."""
    try:
        return _asks_for_form(c.parse(text))
    except TandemError:
        return False


async def handle_text(ctx: Ctx, caller: Caller, text: str) -> Reply:
    """One line typed in any channel: identify the sender, parse, run."""
    person = await identify(ctx, caller)
    try:
        command = c.parse(text)
    except TandemError as error:
        return Reply.of(Text(error.text()))
    return await run_command(ctx, person, command)


async def _route(ctx: Ctx, person: Person, command: c.Command) -> Reply:  # noqa: C901, PLR0911 - a routing table
    if _asks_for_form(command):
        return Reply.of(moments.moment_form(ctx))
    match command:
        case c.StartCheckin():
            return await checkins.start_checkin(ctx, person)
        case c.AnswerMood(score=score):
            return await checkins.answer_latest(ctx, person, score)
        case c.AddNote(text=text):
            return await checkins.add_note(ctx, person, text)
        case c.LogMoment(text=text, outcome=outcome, touchpoint=touchpoint, customer=customer):
            return await moments.log_moment(ctx, person, text, outcome=outcome, touchpoint=touchpoint,
                                            customer=customer)
        case c.ShowHelp():
            return Reply.of(help_for(await _is_manager(ctx, person), person.is_admin))
        case c.ShowHistory():
            return await personal.history(ctx, person)
        case c.ExportData():
            return await personal.export(ctx, person)
        case c.ForgetMe(confirmed=confirmed):
            reply, _ = await personal.forget_me(ctx, person, confirmed)
            return reply
        case c.Pause(until=until):
            return await personal.pause(ctx, person, until)
        case c.Resume():
            return await personal.resume(ctx, person)
        case c.ShowDigest():
            return await digest.show_digest(ctx, person, command)
        case c.ShowStatus():
            return await status.status(ctx, person)
        case c.ScheduleShow():
            return await admin.show_schedule(ctx, person)
        case c.ScheduleCheckin() | c.ScheduleDigest() | c.ScheduleReminder() | c.ScheduleEnabled():
            return await admin.change_schedule(ctx, person, command)
        case c.TeamList() | c.TeamCreate() | c.TeamAdd() | c.TeamRemove() | c.TeamManager():
            return await admin.team_command(ctx, person, command)
        case c.AdminAdd() | c.AdminRemove():
            return await admin.admin_command(ctx, person, command)
        case c.SetHolidays():
            return await admin.set_holidays(ctx, person, command)
        case c.SetMinGroup(value=value):
            return await admin.set_min_group(ctx, person, value)
    raise TandemError("I can't do that yet.")
