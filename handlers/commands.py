"""Every input as a typed command, and the grammar of the words people type.

Typed lines (`/tandem pause until 2026-12-01`), clicks, card and modal submits and console follow-ups all
become one of these commands, run by one dispatcher (handlers/dispatch.py) from one table
(handlers/command_table.py, which also holds every usage line). The word parsers here take the text after
their word and raise BadArguments with the reason only; the table adds the word's usage line.
"""
from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

from handlers.config import MIN_GROUP_FLOOR
from handlers.cx.emails import clean_email
from handlers.errors import BadArguments
from handlers.messages import OUTCOMES
from handlers.schedule import EVERY_DAY, WEEKDAYS
from storage.calendar import FULL_DAY_NAMES, SHORT_DAY_NAMES

DAY_ALIASES = {"weekdays": WEEKDAYS, "daily": EVERY_DAY, "everyday": EVERY_DAY}
MAX_MIN_GROUP = 1000


# --- check-ins and moments (typed, clicked and submitted) ---------------------------------------------------

@dataclass(frozen=True)
class StartCheckin:
    pass


@dataclass(frozen=True)
class AnswerMood:
    """A mood answer: a click names its check-in; `mood N` typed answers the newest open one."""

    score: int
    prompt_id: int | None = None


@dataclass(frozen=True)
class AddNote:
    """A note: a form names its check-in; `note ...` typed goes to the latest answer."""

    text: str
    prompt_id: int | None = None
    share: bool = False  # the author ticked "share with my manager, anonymously" (off unless chosen)


@dataclass(frozen=True)
class LogMoment:
    text: str
    outcome: str | None = None
    touchpoint: str | None = None
    customer: str | None = None
    source_link: str | None = None


@dataclass(frozen=True)
class OpenMomentForm:
    """`/moment` without text, the App Home button, the message shortcut: the form, prefilled."""

    text: str = ""
    source_link: str | None = None


@dataclass(frozen=True)
class SetMomentDetails:
    moment_id: int
    outcome: str | None = None
    touchpoint: str | None = None


@dataclass(frozen=True)
class Dismiss:
    """A card's Cancel button."""


# --- your own data --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShowHelp:
    pass


@dataclass(frozen=True)
class ShowHistory:
    pass


@dataclass(frozen=True)
class ExportData:
    pass


@dataclass(frozen=True)
class ForgetMe:
    confirmed: bool


@dataclass(frozen=True)
class Pause:
    until: date | None


@dataclass(frozen=True)
class Resume:
    pass


@dataclass(frozen=True)
class SetHolidays:
    country: str | None  # None: show the calendar in force


# --- managers and admins --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShowDigest:
    team: str | None
    week: str | None


@dataclass(frozen=True)
class ActionAdd:
    words: str  # "[team] TEXT": which leading words name a team is decided against the team names
    team: str | None = None  # set by the digest's "Record an action" form: then `words` is all the text


@dataclass(frozen=True)
class ActionList:
    team: str | None


@dataclass(frozen=True)
class ActionDone:
    team: str | None
    number: int
    outcome: str | None


@dataclass(frozen=True)
class ActionFeedback:
    team: str | None
    number: int
    helps: bool
    action_id: int | None = None  # set by a button on the announcement instead of team + number


# --- notes shared anonymously --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShareNote:
    """Share the note of your latest check-in this week."""


@dataclass(frozen=True)
class ShowSharedNotes:
    team: str | None = None
    week: str | None = None


@dataclass(frozen=True)
class ReplyToNote:
    """A manager's reply (side 'manager')."""

    number: int
    text: str


@dataclass(frozen=True)
class AnswerNote:
    """The author's answer back (side 'author')."""

    number: int
    text: str


@dataclass(frozen=True)
class CloseNote:
    number: int


@dataclass(frozen=True)
class WithdrawNote:
    number: int


@dataclass(frozen=True)
class ShowStatus:
    pass


@dataclass(frozen=True)
class ScheduleShow:
    pass


@dataclass(frozen=True)
class ScheduleCheckin:
    weekdays: tuple[int, ...]
    at: time


@dataclass(frozen=True)
class ScheduleDigest:
    weekday: int
    at: time


@dataclass(frozen=True)
class ScheduleReminder:
    hours: int


@dataclass(frozen=True)
class ScheduleEnabled:
    enabled: bool


@dataclass(frozen=True)
class TeamList:
    pass


@dataclass(frozen=True)
class TeamCreate:
    name: str


@dataclass(frozen=True)
class TeamAdd:
    team: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class TeamRemove:
    team: str
    people: tuple[str, ...]


@dataclass(frozen=True)
class TeamManager:
    team: str
    person: str


@dataclass(frozen=True)
class TeamSync:
    """Make a team follow a source: a Slack user group (`@handle`) or channel (`#name`), or the Teams team
    the command was typed in (`this-team`, which the Teams adapter qualifies with the team's id)."""

    team: str
    source: str
    managers: bool = False  # the source's owners become the team's managers


@dataclass(frozen=True)
class TeamUnsync:
    team: str


@dataclass(frozen=True)
class TeamSyncStatus:
    pass


@dataclass(frozen=True)
class AdminAdd:
    person: str


@dataclass(frozen=True)
class AdminRemove:
    person: str


@dataclass(frozen=True)
class SetWorkspaceHolidays:
    country: str


@dataclass(frozen=True)
class SetMinGroup:
    value: int


@dataclass(frozen=True)
class CxStatus:
    pass


@dataclass(frozen=True)
class CxLink:
    person: str
    email: str  # the helpdesk address, or "" when the agent is named by the vendor's id
    agent: tuple[str, str] | None = None  # (source, vendor agent id), e.g. ("intercom", "991267466")


@dataclass(frozen=True)
class CxUnlinked:
    pass


Command = (StartCheckin | AnswerMood | AddNote | LogMoment | OpenMomentForm | SetMomentDetails | Dismiss | ShowHelp
           | ShowHistory | ExportData | ForgetMe | Pause | Resume | SetHolidays | ShowDigest | ShowStatus | ScheduleShow
           | ScheduleCheckin | ScheduleDigest | ScheduleReminder | ScheduleEnabled | TeamList | TeamCreate | TeamAdd
           | TeamRemove | TeamManager | TeamSync | TeamUnsync | TeamSyncStatus | AdminAdd | AdminRemove
           | SetWorkspaceHolidays | SetMinGroup | CxStatus | CxLink | CxUnlinked
           | ActionAdd | ActionList | ActionDone | ActionFeedback
           | ShareNote | ShowSharedNotes | ReplyToNote | AnswerNote | CloseNote | WithdrawNote)


# --- value parsers ----------------------------------------------------------------------------------------

def parse_clock(text: str) -> time:
    """A strict 24-hour HH:MM: `9am` and `25:00` are refused with a reason."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadArguments(f"“{text}” is not a time. Use 24-hour HH:MM, e.g. 09:30 or 16:00.")
    return time(int(match.group(1)), int(match.group(2)))


def parse_weekday(text: str) -> int:
    key = text.strip().lower()
    for index, (short, full) in enumerate(zip(SHORT_DAY_NAMES, FULL_DAY_NAMES, strict=True)):
        if key in (short, full):
            return index
    raise BadArguments(f"“{text}” is not a weekday. Use {', '.join(SHORT_DAY_NAMES[:-1])} or {SHORT_DAY_NAMES[-1]}.")


def parse_days(text: str) -> tuple[int, ...]:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `daily`."""
    key = text.strip().lower()
    if key in DAY_ALIASES:
        return DAY_ALIASES[key]
    days: set[int] = set()
    for part in key.split(","):
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = parse_weekday(start), parse_weekday(end)
            if first > last:
                raise BadArguments(f"“{part}” runs backwards; write the earlier day first, e.g. mon-fri.")
            days.update(range(first, last + 1))
        elif part:
            days.add(parse_weekday(part))
    if not days:
        raise BadArguments("Name at least one day.")
    return tuple(sorted(days))


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArguments(f"“{text}” is not a date. Use YYYY-MM-DD, e.g. 2026-12-01.") from None


ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_iso_week(text: str) -> str:
    match = ISO_WEEK.fullmatch(text.upper())
    if not match:
        raise BadArguments(f"“{text}” is not an ISO week. Use YYYY-Www, e.g. 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise BadArguments(f"{year} has no week {week}.") from None
    return f"{year}-W{week:02d}"


def parse_handle(token: str) -> str:
    handle = token.strip().lstrip("@").strip()
    if not handle:
        raise BadArguments("Name a person, e.g. @alex.")
    return handle


def parse_int(text: str, what: str, low: int, high: int) -> int:
    """A whole number from `low` to `high`; one reply for a word and for a number out of range."""
    if not re.fullmatch(r"-?\d+", text) or not low <= int(text) <= high:
        raise BadArguments(f"{what.capitalize()} must be a whole number from {low} to {high}; got “{text[:40]}”.")
    return int(text)


def tokens(text: str) -> list[str]:
    """Words, with "quoted phrases" kept whole."""
    try:
        return shlex.split(text)
    except ValueError:
        raise BadArguments("A quote is not closed.") from None


def _no_arguments(rest: str, command: str) -> None:
    if tokens(rest):
        raise BadArguments(f"`{command}` takes no arguments.")


# --- the words --------------------------------------------------------------------------------------------

def parse_checkin(rest: str) -> StartCheckin:
    _no_arguments(rest, "/checkin")
    return StartCheckin()


MOMENT_OPTION = re.compile(r"\s+(outcome|touchpoint|customer):(\"[^\"]*\"|\S+)\s*$", re.IGNORECASE)


def parse_moment(rest: str) -> LogMoment | OpenMomentForm:
    """`moment <text> [outcome:X] [touchpoint:Y] [customer:Z]`; options are read from the end only.
    Without text: the form."""
    text = " " + rest.strip()
    options: dict[str, str] = {}
    while (match := MOMENT_OPTION.search(text)) is not None:
        key = match.group(1).lower()
        if key in options:
            raise BadArguments(f"{key}: is given twice.")
        options[key] = match.group(2).strip('"')
        text = text[: match.start()]
    outcome = options.get("outcome", "").lower() or None
    if outcome is not None and outcome not in OUTCOMES:
        raise BadArguments(f"“{outcome}” is not an outcome. Use positive, mixed or negative.")
    body = text.strip()
    if not body:
        if options:
            raise BadArguments("Say what happened before the options.")
        return OpenMomentForm()
    return LogMoment(text=body, outcome=outcome, touchpoint=options.get("touchpoint", "").lower() or None,
                     customer=options.get("customer") or None)


def parse_note(rest: str) -> AddNote:
    if not rest.strip():
        raise BadArguments("The note is empty.")
    return AddNote(rest.strip())


def parse_mood(rest: str) -> AnswerMood:
    return AnswerMood(parse_int(rest.strip(), "mood", 1, 5))


def parse_help(rest: str) -> ShowHelp:
    _no_arguments(rest, "help")
    return ShowHelp()


def _simple(command: Callable[[], Command], word: str) -> Callable[[str], Command]:
    """The parser of a `/tandem WORD` that takes no arguments."""
    def parse_word(rest: str) -> Command:
        _no_arguments(rest, f"/tandem {word}")
        return command()
    return parse_word


parse_history = _simple(ShowHistory, "history")
parse_export = _simple(ExportData, "export")
parse_resume = _simple(Resume, "resume")
parse_status = _simple(ShowStatus, "status")


def parse_forget_me(rest: str) -> ForgetMe:
    args = [a.lower() for a in tokens(rest)]
    if args not in ([], ["confirm"]):
        raise BadArguments("Only `confirm` may follow forget-me.")
    return ForgetMe(confirmed=bool(args))


def parse_pause(rest: str) -> Pause:
    args = tokens(rest)
    if not args:
        return Pause(until=None)
    if len(args) == 2 and args[0].lower() == "until":
        return Pause(until=parse_date(args[1]))
    raise BadArguments("Write `pause` or `pause until YYYY-MM-DD`.")


def team_and_week(rest: str) -> tuple[str | None, str | None]:
    """`[team] [YYYY-Www]`, the words of every command about one team's week (digest, notes)."""
    args = tokens(rest)
    week = None
    if args and (ISO_WEEK.fullmatch(args[-1].upper()) or re.fullmatch(r"\d{4}-\S+", args[-1])):
        week = parse_iso_week(args[-1])
        args = args[:-1]
    return " ".join(args).strip() or None, week


def parse_digest(rest: str) -> ShowDigest:
    team, week = team_and_week(rest)
    return ShowDigest(team=team, week=week)


def parse_action(rest: str) -> ActionAdd | ActionList | ActionDone | ActionFeedback:
    """`action add [team] TEXT | list [team] | done [team] N [what happened]`; free text is kept verbatim (no quoting
    rules, so "don't" is fine)."""
    what, _, tail = rest.strip().partition(" ")
    what, tail = what.lower(), tail.strip()
    if what == "add":
        if not tail:
            raise BadArguments("Say what the team will do, e.g. `action add Fewer meetings on Fridays`.")
        return ActionAdd(tail)
    if what == "list":
        return ActionList(tail or None)
    if what in {"done", "helps", "no-help"}:
        words = tail.split()
        at = next((i for i, word in enumerate(words) if re.fullmatch(r"#?\d{1,9}", word)), None)
        if at is None:
            raise BadArguments("Give the number of the action, e.g. `action done 2 We moved the stand-up`.")
        outcome = tail.split(None, at + 1)[at + 1].strip() if len(words) > at + 1 else None
        if what != "done":
            if outcome:
                raise BadArguments(f"`action {what}` takes the action's number only, e.g. `action {what} 2`.")
            return ActionFeedback(team=" ".join(words[:at]) or None, number=int(words[at].lstrip("#")),
                                  helps=what == "helps")
        return ActionDone(team=" ".join(words[:at]) or None, number=int(words[at].lstrip("#")), outcome=outcome)
    raise BadArguments(f"“{what[:40]}” is not part of `action`: use add, list, done, helps or no-help." if what
                       else "Say add, list, done, helps or no-help.")


MAX_NOTE_NUMBER = 10**9  # fits the database's 32-bit column (numbers are drawn from 100–999 up: storage/shared_notes)
EMPTY_MESSAGE = "The message is empty."  # a note turn with no text, typed, clicked or submitted
NOTE_TURNS: dict[str, type[ReplyToNote | AnswerNote]] = {"reply": ReplyToNote, "answer": AnswerNote}  # by NoteTurn.verb


def is_note_number(number: int) -> bool:
    """Whether a note number is one `tandem reply|answer|close|withdraw N` accepts; buttons and cards are held to
    the same bound as typed words."""
    return 1 <= number <= MAX_NOTE_NUMBER


def parse_share(rest: str) -> ShareNote:
    if tokens(rest):
        raise BadArguments("`/tandem share` takes no arguments: it shares the note of your latest check-in.")
    return ShareNote()


def parse_notes(rest: str) -> ShowSharedNotes:
    team, week = team_and_week(rest)
    return ShowSharedNotes(team=team, week=week)


def _note_number(word: str) -> int:
    """`417` or `#417`; a word that is no number at all is told where a note's number is written."""
    if not re.fullmatch(r"\d+", word.lstrip("#")):
        raise BadArguments(f"“{word[:40]}” is not a note number: use the number after the #, e.g. 417.")
    return parse_int(word.lstrip("#"), "note number", 1, MAX_NOTE_NUMBER)


def _note_number_and_text(rest: str, word: str) -> tuple[int, str]:
    head, _, text = rest.strip().partition(" ")
    if not head:
        raise BadArguments(f"Which note? `tandem {word} N your message`.")
    number = _note_number(head)
    if not text.strip():
        raise BadArguments(EMPTY_MESSAGE)
    return number, text.strip()


def parse_reply(rest: str) -> ReplyToNote:
    return ReplyToNote(*_note_number_and_text(rest, "reply"))


def parse_answer(rest: str) -> AnswerNote:
    return AnswerNote(*_note_number_and_text(rest, "answer"))


def _only_note_number(rest: str, word: str) -> int:
    args = rest.split()
    if len(args) != 1:
        raise BadArguments(f"`tandem {word} N` takes the note's number alone.")
    return _note_number(args[0])


def parse_close(rest: str) -> CloseNote:
    return CloseNote(_only_note_number(rest, "close"))


def parse_withdraw(rest: str) -> WithdrawNote:
    return WithdrawNote(_only_note_number(rest, "withdraw"))


def parse_schedule(rest: str) -> ScheduleShow | ScheduleCheckin | ScheduleDigest | ScheduleReminder | ScheduleEnabled:
    args = tokens(rest)
    if not args or args[0].lower() == "show":
        if len(args) > 1:
            raise BadArguments("`schedule show` takes no arguments.")
        return ScheduleShow()
    what, values = args[0].lower(), args[1:]
    if what == "checkin":
        if len(values) != 2:
            raise BadArguments("Give the days and the time, e.g. `schedule checkin mon-fri 09:30`.")
        return ScheduleCheckin(parse_days(values[0]), parse_clock(values[1]))
    if what == "digest":
        if len(values) != 2:
            raise BadArguments("Give the day and the time, e.g. `schedule digest mon 09:00`.")
        return ScheduleDigest(parse_weekday(values[0]), parse_clock(values[1]))
    if what == "reminder":
        if len(values) != 1:
            raise BadArguments("Give the hours after the check-in, e.g. `schedule reminder 4` (0 = off).")
        return ScheduleReminder(parse_int(values[0], "hours", 0, 12))
    if what in {"off", "on"}:
        if values:
            raise BadArguments(f"`schedule {what}` takes no arguments.")
        return ScheduleEnabled(what == "on")
    raise BadArguments(f"“{what}” is not part of a schedule.")


MAX_TEAM_NAME = 100


THIS_TEAM = "this-team"  # in a Teams channel: the team the command was typed in
MANAGERS_FLAG = "managers"


def parse_source(token: str) -> str:
    """A team source as typed: `@usergroup`, `#channel` or `this-team` (with its team id, from Teams)."""
    if token.lower() == THIS_TEAM or token.lower().startswith(THIS_TEAM + ":"):
        return THIS_TEAM + token[len(THIS_TEAM):]
    if re.fullmatch(r"[@#][\w.\-]{1,80}", token):
        return token
    raise BadArguments(f"“{token[:60]}” is not a source: name a Slack user group (@support-team), a Slack "
                       f"channel (#support) or, in a Teams channel, `{THIS_TEAM}`.")


def _parse_sync(values: list[str]) -> TeamSync | TeamSyncStatus:
    if [v.lower() for v in values] == ["status"]:
        return TeamSyncStatus()
    managers = bool(values) and values[-1].lower() == MANAGERS_FLAG
    if managers:
        values = values[:-1]
    if len(values) < 2:
        raise BadArguments("Name the team and its source, e.g. `team sync Support @support-team`.")
    team = " ".join(values[:-1]).strip()
    if len(team) > MAX_TEAM_NAME or team.startswith("@"):
        raise BadArguments(f"A team name is 1–{MAX_TEAM_NAME} characters and does not start with @.")
    return TeamSync(team, parse_source(values[-1]), managers)


def parse_team(rest: str) -> (TeamList | TeamCreate | TeamAdd | TeamRemove | TeamManager | TeamSync | TeamUnsync
                              | TeamSyncStatus):
    args = tokens(rest)
    if not args:
        raise BadArguments("Say what to do with teams.")
    what, values = args[0].lower(), args[1:]
    if what == "list" and not values:
        return TeamList()
    if what == "sync":
        return _parse_sync(values)
    if what == "unsync":
        if not values:
            raise BadArguments("Name the team that should stop following its source.")
        return TeamUnsync(" ".join(values))
    if what == "create":
        name = " ".join(values).strip()
        if not name:
            raise BadArguments("Give the team a name.")
        if len(name) > MAX_TEAM_NAME or name.startswith("@"):
            raise BadArguments(f"A team name is 1–{MAX_TEAM_NAME} characters and does not start with @.")
        return TeamCreate(name)
    if what in {"add", "remove", "manager"}:
        if len(values) < 2:
            raise BadArguments(f"Name the team and the {'person' if what == 'manager' else 'people'}.")
        split = next((i for i, v in enumerate(values) if v.startswith("@")), None)
        if split is None or split == 0:
            team, people = values[0], values[1:]
        else:
            team, people = " ".join(values[:split]), values[split:]
        handles = tuple(dict.fromkeys(parse_handle(p) for p in people))
        if what == "manager":
            if len(handles) != 1:
                raise BadArguments("Name exactly one manager at a time.")
            return TeamManager(team, handles[0])
        return TeamAdd(team, handles) if what == "add" else TeamRemove(team, handles)
    raise BadArguments(f"“{what}” is not a team command.")


def parse_admin(rest: str) -> AdminAdd | AdminRemove:
    args = tokens(rest)
    if len(args) != 2 or args[0].lower() not in {"add", "remove"}:
        raise BadArguments("Write `admin add @user` or `admin remove @user`.")
    person = parse_handle(args[1])
    return AdminAdd(person) if args[0].lower() == "add" else AdminRemove(person)


def parse_holidays(rest: str) -> SetHolidays | SetWorkspaceHolidays:
    args = tokens(rest)
    workspace = bool(args) and args[0].lower() == "workspace"
    values = args[1:] if workspace else args
    if len(values) > 1 or (workspace and not values):
        raise BadArguments("Give one country code, e.g. `holidays GB` (or `holidays none`).")
    if not values:
        return SetHolidays(None)
    code = values[0].upper()
    if code != "NONE" and not re.fullmatch(r"[A-Z]{2,3}", code):
        raise BadArguments(f"“{values[0]}” is not a country code. Use ISO 3166, e.g. GB, US, DE.")
    return SetWorkspaceHolidays(code) if workspace else SetHolidays(code)


def parse_privacy(rest: str) -> SetMinGroup:
    args = tokens(rest)
    if len(args) != 2 or args[0].lower() != "min-group":
        raise BadArguments("Write `privacy min-group N`.")
    return SetMinGroup(parse_int(args[1], "people", MIN_GROUP_FLOOR, MAX_MIN_GROUP))


CX_SOURCES = ("zendesk", "intercom", "freshdesk", "helpscout")  # the helpdesks that name agents by id


def parse_cx(rest: str) -> CxStatus | CxLink | CxUnlinked:
    args = tokens(rest)
    what = args[0].lower() if args else ""
    if what == "status" and len(args) == 1:
        return CxStatus()
    if what == "unlinked" and len(args) == 1:
        return CxUnlinked()
    if what == "link":
        if len(args) != 3:
            raise BadArguments("Name the person and the email the helpdesk knows them by, "
                               "e.g. `cx link @alex alex@support.example.com` (or `intercom:ID` as listed by "
                               "`cx unlinked`).")
        source, colon, agent = args[2].partition(":")
        if colon and "@" not in args[2]:
            if source.lower() not in CX_SOURCES or not re.fullmatch(r"[\w.-]{1,128}", agent):
                raise BadArguments(f"“{args[2][:80]}” is not SOURCE:ID with SOURCE one of {', '.join(CX_SOURCES)}.")
            return CxLink(parse_handle(args[1]), "", (source.lower(), agent))
        email = clean_email(args[2])
        if email is None:
            raise BadArguments(f"“{args[2][:80]}” is not an email address.")
        return CxLink(parse_handle(args[1]), email)
    if not what:
        raise BadArguments("Say what to do: `cx status`, `cx unlinked` or `cx link @person EMAIL`.")
    raise BadArguments(f"“{args[0][:40]}” is not a cx command.")
