"""The one command table: for every command its words, usage line, who may run it, parser and handler.

`help`, the authorisation check, the audit rule and every usage reply read this table, so they cannot
disagree. A row is one word people type (`/tandem schedule`) or one kind of click; it lists the commands
its parser can produce, each with its role and its handler. Clicks and submits (a mood button, the
moment form) have no parser: adapters build their command, and the table still decides who may run it.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import Any

from handlers import actions, admin, checkins, digest, moments, personal, status
from handlers import commands as c
from handlers.context import Ctx
from handlers.cx import commands as cx
from handlers.errors import BadArguments, TandemError, UnknownCommand
from handlers.help import HelpLine, help_for
from handlers.identity import is_manager
from handlers.messages import Help, Reply
from handlers.sharing import conversation, feed
from handlers.teamsync import commands as teamsync
from storage.models import Person


class Role(IntEnum):
    """Who may run a command; each role includes the ones below it."""

    EMPLOYEE = 0
    MANAGER = 1
    ADMIN = 2


Handler = Callable[[Ctx, Person, Any], Awaitable[Reply]]


@dataclass(frozen=True)
class Action:
    """One command a row can produce: who may run it, what runs it, and whether running it is audited."""

    command: type
    run: Handler
    role: Role = Role.EMPLOYEE
    changes: bool = True  # an admin command that changes something is written to the audit log


@dataclass(frozen=True)
class Row:
    name: str  # the words that select it: "checkin", "tandem schedule"; a click row has no words
    usage: str | None
    summary: str
    section: str | None  # help section; None: not listed
    parse: Callable[[str], Any] | None
    actions: tuple[Action, ...]
    aliases: tuple[str, ...] = ()  # other words for the same row ("help" for "tandem help")


OWN = "Check-ins and moments"
DATA = "Your data (only you see it)"
MANAGERS = "Managers"
ADMINS = "Admins"
SECTIONS = (OWN, DATA, MANAGERS, ADMINS)
SECTION_ROLE = {OWN: Role.EMPLOYEE, DATA: Role.EMPLOYEE, MANAGERS: Role.MANAGER, ADMINS: Role.ADMIN}


def help_for_role(role: Role) -> Help:
    """Every listed row whose section the role may use."""
    lines = [HelpLine(row.section, row.usage, row.summary) for row in TABLE
             if row.section is not None and row.usage is not None and SECTION_ROLE[row.section] <= role]
    return help_for(lines, SECTIONS)


SYNCED = "Synced teams (admins)"


async def show_help(ctx: Ctx, person: Person, _: c.ShowHelp) -> Reply:
    """The commands the person may use; admins also see which teams follow a source, and how each sync went."""
    role = role_of(person, await is_manager(ctx, person))
    shown = help_for_role(role)
    if role == Role.ADMIN:
        synced = await teamsync.status_lines(ctx, person.workspace_id, person)
        shown = replace(shown, sections=(*shown.sections, (SYNCED, tuple(synced) or (
            "none yet — `/tandem team sync TEAM SOURCE` keeps a team current from Slack or Teams",))))
    return Reply.of(shown)


def role_of(person: Person, manages: bool) -> Role:
    if person.is_admin:
        return Role.ADMIN
    return Role.MANAGER if manages else Role.EMPLOYEE


TABLE: tuple[Row, ...] = (
    Row("checkin", "/checkin", "answer today's check-in now (mood 1–5, then an optional note)", OWN,
        c.parse_checkin, (Action(c.StartCheckin, checkins.start_checkin),)),
    Row("note", "note <text>", "add or replace the note of your latest check-in", OWN, c.parse_note,
        (Action(c.AddNote, checkins.add_note),)),
    Row("moment", "/moment [what happened] [outcome:positive|mixed|negative] [touchpoint:NAME] [customer:REF]",
        "log a notable customer moment", OWN, c.parse_moment,
        (Action(c.LogMoment, moments.log_moment), Action(c.OpenMomentForm, moments.open_form))),
    Row("mood", "mood 1-5", "answer your newest open check-in", None, c.parse_mood,
        (Action(c.AnswerMood, checkins.answer_mood),)),
    Row("", None, "a moment's outcome or touchpoint, picked on its card", None, None,
        (Action(c.SetMomentDetails, moments.set_details), Action(c.Dismiss, moments.dismiss))),
    Row("tandem history", "/tandem history", "your last 8 weeks", DATA, c.parse_history,
        (Action(c.ShowHistory, personal.history),)),
    Row("tandem export", "/tandem export", "everything Tandem holds about you, as JSON", DATA, c.parse_export,
        (Action(c.ExportData, personal.export),)),
    Row("tandem forget-me", "/tandem forget-me   (then /tandem forget-me confirm)", "delete all of it", DATA,
        c.parse_forget_me, (Action(c.ForgetMe, personal.forget_me),)),
    Row("tandem pause", "/tandem pause [until YYYY-MM-DD]", "stop check-ins while you're away", DATA, c.parse_pause,
        (Action(c.Pause, personal.pause),)),
    Row("tandem resume", "/tandem resume", "start them again", DATA, c.parse_resume,
        (Action(c.Resume, personal.resume),)),
    Row("tandem holidays", "/tandem holidays [CC]   (your own calendar) | holidays workspace CC   (admins)",
        "public holidays without check-ins (ISO country code, or none)", DATA, c.parse_holidays,
        (Action(c.SetHolidays, admin.set_holidays),
         Action(c.SetWorkspaceHolidays, admin.set_workspace_holidays, Role.ADMIN))),
    Row("tandem help", "/tandem help", "this list", DATA, c.parse_help, (Action(c.ShowHelp, show_help),),
        aliases=("help",)),
    Row("tandem digest", "/tandem digest [team] [YYYY-Www]",
        "the weekly digest of a team you manage (whole weeks, never individual answers)", MANAGERS, c.parse_digest,
        (Action(c.ShowDigest, digest.show_digest, Role.MANAGER),)),
    Row("tandem action", "/tandem action add [team] TEXT | action list [team] | action done [team] N [what happened]"
        " | action helps N | action no-help N",
        "what your team will do about what it said; members hear it once and say whether it helps (totals only)",
        MANAGERS, c.parse_action, (Action(c.ActionAdd, actions.add, Role.MANAGER),
                                   Action(c.ActionList, actions.list_actions, Role.MANAGER),
                                   Action(c.ActionDone, actions.done, Role.MANAGER),
                                   Action(c.ActionFeedback, actions.feedback))),
    Row("tandem status", "/tandem status", "next check-ins, delivery backlog and counts", ADMINS, c.parse_status,
        (Action(c.ShowStatus, status.status, Role.ADMIN, changes=False),)),
    Row("tandem schedule", "/tandem schedule show | checkin DAYS HH:MM | digest DAY HH:MM | reminder HOURS | off | on"
        "   (DAYS: mon-fri, mon,wed,fri, weekdays or daily)", "when check-ins, reminders and digests go out", ADMINS,
        c.parse_schedule, (
            Action(c.ScheduleShow, admin.show_schedule, Role.ADMIN, changes=False),
            Action(c.ScheduleCheckin, admin.change_schedule, Role.ADMIN),
            Action(c.ScheduleDigest, admin.change_schedule, Role.ADMIN),
            Action(c.ScheduleReminder, admin.change_schedule, Role.ADMIN),
            Action(c.ScheduleEnabled, admin.change_schedule, Role.ADMIN))),
    Row("tandem team",
        "/tandem team list | create NAME | add TEAM @user... | remove TEAM @user... | manager TEAM @user"
        " | sync TEAM @user-group|#channel|this-team [managers] | sync status | unsync TEAM",
        "teams and their managers, by hand or kept in sync with a Slack user group or channel, or the Teams team "
        "(history is kept when people move)", ADMINS, c.parse_team, (
            Action(c.TeamList, admin.team_command, Role.ADMIN, changes=False),
            Action(c.TeamCreate, admin.team_command, Role.ADMIN),
            Action(c.TeamAdd, admin.team_command, Role.ADMIN),
            Action(c.TeamRemove, admin.team_command, Role.ADMIN),
            Action(c.TeamManager, admin.team_command, Role.ADMIN),
            Action(c.TeamSync, teamsync.sync, Role.ADMIN),
            Action(c.TeamUnsync, teamsync.unsync, Role.ADMIN),
            Action(c.TeamSyncStatus, teamsync.status, Role.ADMIN, changes=False))),
    Row("tandem admin", "/tandem admin add @user | admin remove @user", "admins (the last admin cannot be removed)",
        ADMINS, c.parse_admin, (Action(c.AdminAdd, admin.admin_command, Role.ADMIN),
                                Action(c.AdminRemove, admin.admin_command, Role.ADMIN))),
    Row("tandem privacy", "/tandem privacy min-group N", "fewest respondents behind any figure (never below 3)",
        ADMINS, c.parse_privacy, (Action(c.SetMinGroup, admin.set_min_group, Role.ADMIN),)),
    Row("tandem cx", "/tandem cx status | cx unlinked | cx link @user EMAIL | cx link @user SOURCE:ID",
        "customer ratings from the helpdesk: what arrived, agents who match nobody, linking them", ADMINS,
        c.parse_cx, (Action(c.CxStatus, cx.show_status, Role.ADMIN, changes=False),
                     Action(c.CxUnlinked, cx.unlinked, Role.ADMIN, changes=False),
                     Action(c.CxLink, cx.link, Role.ADMIN))),
    # notes shared anonymously (issue 18)
    Row("tandem share", "/tandem share", "share your latest note with your manager, anonymously (never your name)",
        OWN, c.parse_share, (Action(c.ShareNote, feed.share_latest),)),
    Row("tandem answer", "tandem answer N <text>", "answer a manager's reply to a note you shared (still anonymous)",
        OWN, c.parse_answer, (Action(c.AnswerNote, conversation.answer),)),
    Row("tandem withdraw", "tandem withdraw N", "take back a note you shared: it vanishes from the feed", OWN,
        c.parse_withdraw, (Action(c.WithdrawNote, conversation.withdraw),)),
    Row("tandem close", "tandem close N", "end the conversation on a shared note (author or manager)", OWN,
        c.parse_close, (Action(c.CloseNote, conversation.close),)),
    Row("tandem notes", "/tandem notes [team] [YYYY-Www]",
        "notes your team shared with you anonymously (whole weeks, only when enough answered)", MANAGERS,
        c.parse_notes, (Action(c.ShowSharedNotes, feed.show_feed, Role.MANAGER, changes=False),)),
    Row("tandem reply", "tandem reply N <text>", "reply to a shared note; its author gets it without you learning "
        "who they are", MANAGERS, c.parse_reply, (Action(c.ReplyToNote, conversation.reply, Role.MANAGER),)),
)

ROWS = {name: row for row in TABLE for name in (row.name, *row.aliases) if name}
ACTIONS: dict[type, tuple[Row, Action]] = {action.command: (row, action) for row in TABLE for action in row.actions}


def usage_of(name: str) -> str | None:
    """The usage line of the row typed as `name` ("tandem digest")."""
    row = ROWS.get(name)
    return row.usage if row is not None else None


def action_for(command: object) -> tuple[Row, Action]:
    """The row and action that run this command; every command type has exactly one."""
    return ACTIONS[type(command)]


def parse(text: str) -> Any:
    """One line of input, in any channel (the leading `/` optional), as a typed command.

    A malformed line raises a TandemError whose reply says what was wrong, with the usage line of its row.
    """
    stripped = (text or "").strip()
    if not stripped:
        raise UnknownCommand("That message was empty. Try `/tandem help` to see what I can do.")
    head, _, rest = stripped.partition(" ")
    word = head.lower().lstrip("/")
    name = word
    if word == "tandem":
        sub, _, rest = rest.strip().partition(" ")
        if not sub:
            return c.ShowHelp()
        name = f"tandem {sub.lower()}"
        if name not in ROWS:
            raise UnknownCommand(f"`/tandem {sub[:40]}` is not a command. Try `/tandem help`.",
                                 usage_of("tandem help"))
    row = ROWS.get(name)
    if row is None or row.parse is None:
        raise UnknownCommand(f"I don't know “{head[:40]}”. Try `/tandem help` to see what I can do.")
    try:
        return row.parse(rest)
    except BadArguments as error:
        raise BadArguments(error.reply, error.usage or row.usage) from None


def with_usage(error: TandemError, command: object) -> TandemError:
    """A use case's refusal, with its command's usage line when it has none of its own."""
    row, _ = action_for(command)
    if error.usage is None and row.usage is not None and isinstance(error, BadArguments):
        return BadArguments(error.reply, row.usage)
    return error
