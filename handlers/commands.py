"""The one command grammar of every channel, parsed into typed commands.

Slack sends `/tandem pause until 2026-12-01`; Teams and the console send the same words as a message
(the leading slash is optional everywhere). Anything that does not parse raises a TandemError whose
reply says what was wrong and shows the usage line.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date, time

from handlers.errors import BadArguments, UnknownCommand
from handlers.messages import OUTCOMES

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_ALIASES = {"weekdays": (0, 1, 2, 3, 4), "daily": (0, 1, 2, 3, 4, 5, 6), "everyday": (0, 1, 2, 3, 4, 5, 6)}

USAGE: dict[str, str] = {
    "checkin": "/checkin",
    "note": "note <text>   (adds a note to your latest check-in)",
    "moment": "/moment [what happened] [outcome:positive|mixed|negative] [touchpoint:NAME] [customer:REF]",
    "help": "/tandem help",
    "history": "/tandem history",
    "export": "/tandem export",
    "forget-me": "/tandem forget-me   (then /tandem forget-me confirm)",
    "pause": "/tandem pause [until YYYY-MM-DD]",
    "resume": "/tandem resume",
    "digest": "/tandem digest [team] [YYYY-Www]",
    "status": "/tandem status",
    "schedule": ("/tandem schedule show | checkin DAYS HH:MM | digest DAY HH:MM | reminder HOURS | off | on"
                 "   (DAYS: mon-fri, mon,wed,fri, weekdays or daily)"),
    "team": "/tandem team list | create NAME | add TEAM @user... | remove TEAM @user... | manager TEAM @user",
    "admin": "/tandem admin add @user | admin remove @user",
    "holidays": "/tandem holidays [CC]   (your own calendar) | holidays workspace CC   (admins)",
    "privacy": "/tandem privacy min-group N",
}

EMPLOYEE_COMMANDS = ("checkin", "note", "moment", "history", "export", "forget-me", "pause", "resume", "holidays",
                     "help")
MANAGER_COMMANDS = ("digest",)
ADMIN_COMMANDS = ("schedule", "team", "admin", "privacy", "status")


# --- commands --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StartCheckin:
    pass


@dataclass(frozen=True)
class AnswerMood:
    score: int


@dataclass(frozen=True)
class AddNote:
    text: str


@dataclass(frozen=True)
class LogMoment:
    text: str | None
    outcome: str | None = None
    touchpoint: str | None = None
    customer: str | None = None


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
class ShowDigest:
    team: str | None
    week: str | None


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
class AdminAdd:
    person: str


@dataclass(frozen=True)
class AdminRemove:
    person: str


@dataclass(frozen=True)
class SetHolidays:
    country: str | None  # None: show the calendar in force
    workspace: bool = False


@dataclass(frozen=True)
class SetMinGroup:
    value: int


Command = (StartCheckin | AnswerMood | AddNote | LogMoment | ShowHelp | ShowHistory | ExportData | ForgetMe | Pause
           | Resume | ShowDigest | ShowStatus | ScheduleShow | ScheduleCheckin | ScheduleDigest | ScheduleReminder
           | ScheduleEnabled | TeamList | TeamCreate | TeamAdd | TeamRemove | TeamManager | AdminAdd | AdminRemove
           | SetHolidays | SetMinGroup)

ADMIN_ONLY = (ShowStatus, ScheduleShow, ScheduleCheckin, ScheduleDigest, ScheduleReminder, ScheduleEnabled,
              TeamList, TeamCreate, TeamAdd, TeamRemove, TeamManager, AdminAdd, AdminRemove, SetMinGroup)


# --- value parsers ----------------------------------------------------------------------------------------

def parse_clock(text: str, usage: str) -> time:
    """A strict 24-hour HH:MM: `9am` and `25:00` are refused with a reason."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise BadArguments(f"“{text}” is not a time. Use 24-hour HH:MM, e.g. 09:30 or 16:00.", usage)
    return time(int(match.group(1)), int(match.group(2)))


FULL_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_weekday(text: str, usage: str) -> int:
    key = text.strip().lower()
    for index, (short, full) in enumerate(zip(WEEKDAY_NAMES, FULL_DAY_NAMES)):
        if key in (short, full):
            return index
    raise BadArguments(f"“{text}” is not a weekday. Use mon, tue, wed, thu, fri, sat or sun.", usage)


def parse_days(text: str, usage: str) -> tuple[int, ...]:
    """`mon-fri`, `mon,wed,fri`, `weekdays`, `daily`."""
    key = text.strip().lower()
    if key in DAY_ALIASES:
        return DAY_ALIASES[key]
    days: set[int] = set()
    for part in key.split(","):
        if "-" in part:
            start, _, end = part.partition("-")
            first, last = parse_weekday(start, usage), parse_weekday(end, usage)
            if first > last:
                raise BadArguments(f"“{part}” runs backwards; write the earlier day first, e.g. mon-fri.", usage)
            days.update(range(first, last + 1))
        elif part:
            days.add(parse_weekday(part, usage))
    if not days:
        raise BadArguments("Name at least one day.", usage)
    return tuple(sorted(days))


def parse_date(text: str, usage: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadArguments(f"“{text}” is not a date. Use YYYY-MM-DD, e.g. 2026-12-01.", usage) from None


ISO_WEEK = re.compile(r"(\d{4})-W(\d{2})")


def parse_iso_week(text: str, usage: str) -> str:
    match = ISO_WEEK.fullmatch(text.upper())
    if not match:
        raise BadArguments(f"“{text}” is not an ISO week. Use YYYY-Www, e.g. 2026-W47.", usage)
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise BadArguments(f"{year} has no week {week}.", usage) from None
    return f"{year}-W{week:02d}"


def _handle(token: str, usage: str) -> str:
    handle = token.strip().lstrip("@").strip()
    if not handle:
        raise BadArguments("Name a person, e.g. @alex.", usage)
    return handle


def _int(text: str, what: str, usage: str, low: int, high: int) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise BadArguments(f"“{text}” is not a whole number of {what}.", usage)
    value = int(text)
    if not low <= value <= high:
        raise BadArguments(f"{what.capitalize()} must be between {low} and {high}; got {value}.", usage)
    return value


# --- the grammar ------------------------------------------------------------------------------------------

def _tokens(text: str, usage: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        raise BadArguments("A quote is not closed.", usage) from None


MOMENT_OPTION = re.compile(r"\s+(outcome|touchpoint|customer):(\"[^\"]*\"|\S+)\s*$", re.IGNORECASE)


def parse_moment(rest: str) -> LogMoment:
    """`moment <text> [outcome:X] [touchpoint:Y] [customer:Z]`; options are read from the end only."""
    usage = USAGE["moment"]
    text = " " + rest.strip()
    options: dict[str, str] = {}
    while (match := MOMENT_OPTION.search(text)) is not None:
        key = match.group(1).lower()
        if key in options:
            raise BadArguments(f"{key}: is given twice.", usage)
        options[key] = match.group(2).strip('"')
        text = text[: match.start()]
    outcome = options.get("outcome", "").lower() or None
    if outcome is not None and outcome not in OUTCOMES:
        raise BadArguments(f"“{outcome}” is not an outcome. Use positive, mixed or negative.", usage)
    body = text.strip()
    if not body and options:
        raise BadArguments("Say what happened before the options.", usage)
    return LogMoment(text=body or None, outcome=outcome, touchpoint=options.get("touchpoint", "").lower() or None,
                     customer=options.get("customer") or None)


def parse(text: str) -> Command:
    """Parse one line of user input into a command."""
    stripped = (text or "").strip()
    if not stripped:
        raise UnknownCommand("That message was empty. Try `/tandem help` to see what I can do.")
    head, _, rest = stripped.partition(" ")
    word = head.lower().lstrip("/")
    if word == "checkin":
        if rest.strip():
            raise BadArguments("`/checkin` takes no arguments.", USAGE["checkin"])
        return StartCheckin()
    if word == "moment":
        return parse_moment(rest)
    if word == "note":
        if not rest.strip():
            raise BadArguments("The note is empty.", USAGE["note"])
        return AddNote(rest.strip())
    if word == "mood":
        return AnswerMood(_int(rest.strip(), "mood", "mood 1-5", 1, 5))
    if word == "help":
        return ShowHelp()
    if word == "tandem":
        return _parse_tandem(rest)
    raise UnknownCommand(f"I don't know “{head[:40]}”. Try `/tandem help` to see what I can do.")


def _parse_tandem(rest: str) -> Command:
    tokens = _tokens(rest, USAGE["help"])
    if not tokens:
        return ShowHelp()
    sub, args = tokens[0].lower(), tokens[1:]
    simple = {"help": ShowHelp, "history": ShowHistory, "export": ExportData, "resume": Resume, "status": ShowStatus}
    if sub in simple:
        if args:
            raise BadArguments(f"`/tandem {sub}` takes no arguments.", USAGE[sub])
        return simple[sub]()
    if sub == "forget-me":
        if args not in ([], ["confirm"]):
            raise BadArguments("Only `confirm` may follow forget-me.", USAGE["forget-me"])
        return ForgetMe(confirmed=bool(args))
    if sub == "pause":
        if not args:
            return Pause(until=None)
        if len(args) == 2 and args[0].lower() == "until":
            return Pause(until=parse_date(args[1], USAGE["pause"]))
        raise BadArguments("Write `pause` or `pause until YYYY-MM-DD`.", USAGE["pause"])
    if sub == "digest":
        return _parse_digest(args)
    if sub == "schedule":
        return _parse_schedule(args)
    if sub == "team":
        return _parse_team(args)
    if sub == "admin":
        usage = USAGE["admin"]
        if len(args) != 2 or args[0].lower() not in {"add", "remove"}:
            raise BadArguments("Write `admin add @user` or `admin remove @user`.", usage)
        person = _handle(args[1], usage)
        return AdminAdd(person) if args[0].lower() == "add" else AdminRemove(person)
    if sub == "holidays":
        return _parse_holidays(args)
    if sub == "privacy":
        usage = USAGE["privacy"]
        if len(args) != 2 or args[0].lower() != "min-group":
            raise BadArguments("Write `privacy min-group N`.", usage)
        return SetMinGroup(_int(args[1], "people", usage, 3, 1000))
    raise UnknownCommand(f"`/tandem {sub[:40]}` is not a command. Try `/tandem help`.", USAGE["help"])


def _parse_digest(args: list[str]) -> ShowDigest:
    usage = USAGE["digest"]
    week = None
    if args and ISO_WEEK.fullmatch(args[-1].upper()) or (args and re.fullmatch(r"\d{4}-\S+", args[-1])):
        week = parse_iso_week(args[-1], usage)
        args = args[:-1]
    team = " ".join(args).strip() or None
    return ShowDigest(team=team, week=week)


def _parse_schedule(args: list[str]) -> Command:
    usage = USAGE["schedule"]
    if not args or args[0].lower() == "show":
        if len(args) > 1:
            raise BadArguments("`schedule show` takes no arguments.", usage)
        return ScheduleShow()
    what, values = args[0].lower(), args[1:]
    if what == "checkin":
        if len(values) != 2:
            raise BadArguments("Give the days and the time, e.g. `schedule checkin mon-fri 09:30`.", usage)
        return ScheduleCheckin(parse_days(values[0], usage), parse_clock(values[1], usage))
    if what == "digest":
        if len(values) != 2:
            raise BadArguments("Give the day and the time, e.g. `schedule digest mon 09:00`.", usage)
        return ScheduleDigest(parse_weekday(values[0], usage), parse_clock(values[1], usage))
    if what == "reminder":
        if len(values) != 1:
            raise BadArguments("Give the hours after the check-in, e.g. `schedule reminder 4` (0 = off).", usage)
        return ScheduleReminder(_int(values[0], "hours", usage, 0, 12))
    if what in {"off", "on"}:
        if values:
            raise BadArguments(f"`schedule {what}` takes no arguments.", usage)
        return ScheduleEnabled(what == "on")
    raise BadArguments(f"“{what}” is not part of a schedule.", usage)


def _parse_team(args: list[str]) -> Command:
    usage = USAGE["team"]
    if not args:
        raise BadArguments("Say what to do with teams.", usage)
    what, values = args[0].lower(), args[1:]
    if what == "list" and not values:
        return TeamList()
    if what == "create":
        name = " ".join(values).strip()
        if not name:
            raise BadArguments("Give the team a name.", usage)
        if len(name) > 100 or name.startswith("@"):
            raise BadArguments("A team name is 1–100 characters and does not start with @.", usage)
        return TeamCreate(name)
    if what in {"add", "remove", "manager"}:
        if len(values) < 2:
            raise BadArguments(f"Name the team and the {'person' if what == 'manager' else 'people'}.", usage)
        split = next((i for i, v in enumerate(values) if v.startswith("@")), None)
        if split is None or split == 0:
            team, people = values[0], values[1:]
        else:
            team, people = " ".join(values[:split]), values[split:]
        handles = tuple(dict.fromkeys(_handle(p, usage) for p in people))
        if what == "manager":
            if len(handles) != 1:
                raise BadArguments("Name exactly one manager at a time.", usage)
            return TeamManager(team, handles[0])
        return TeamAdd(team, handles) if what == "add" else TeamRemove(team, handles)
    raise BadArguments(f"“{what}” is not a team command.", usage)


def _parse_holidays(args: list[str]) -> SetHolidays:
    usage = USAGE["holidays"]
    workspace = bool(args) and args[0].lower() == "workspace"
    values = args[1:] if workspace else args
    if len(values) > 1 or (workspace and not values):
        raise BadArguments("Give one country code, e.g. `holidays GB` (or `holidays none`).", usage)
    if not values:
        return SetHolidays(None, workspace=False)
    code = values[0].upper()
    if code != "NONE" and not re.fullmatch(r"[A-Z]{2,3}", code):
        raise BadArguments(f"“{values[0]}” is not a country code. Use ISO 3166, e.g. GB, US, DE.", usage)
    return SetHolidays(code, workspace=workspace)
