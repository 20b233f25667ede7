"""Reading an org chart CSV (the shape HR systems export) into rows Tandem can apply, and the line-numbered
problems of the rest.

Columns (header names case-insensitive; spaces and hyphens count as underscores; a BOM and surrounding
blanks are ignored; other columns are ignored): `email` and/or `platform_id` (each row needs one),
`name`, `team`, `manager_email`, and optionally `timezone` (IANA) and `country` (ISO 3166 code of the
person's public-holiday calendar). A row with an error is skipped; a person may appear on one row only, so a
second row naming them (in any team) is an error and the first row stands.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import holidays as holiday_calendars

from handlers.cx.emails import clean_email
from handlers.localtime import is_known_zone
from handlers.teamsync.sources import RosterMember
from storage.people import PLACEHOLDER_PREFIX

REQUIRED = ("name", "team", "manager_email")
IDENTITIES = ("email", "platform_id")
OPTIONAL = ("timezone", "country")
COLUMNS = (*IDENTITIES, *REQUIRED, *OPTIONAL)
MAX_TEAM, MAX_NAME, MAX_PLATFORM_ID = 100, 200, 128  # the columns' sizes in storage
MAX_FIELD = 10_000  # longer is not an org chart field


class BadOrgFile(ValueError):
    """The file as a whole cannot be read as an org chart: nothing is imported."""


@dataclass(frozen=True)
class Problem:
    """A line of the file and what is wrong with it; `skipped`: the row was not imported (else a warning)."""

    line: int
    reason: str
    skipped: bool = True


@dataclass(frozen=True)
class OrgRow:
    line: int
    team: str
    member: RosterMember
    manager_email: str | None


@dataclass
class OrgChart:
    """The good rows in file order, the problems by line, and who the skipped rows name (`held`: keys of
    people whose row was skipped, so their current team stays as it is)."""

    rows: list[OrgRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    held: set[str] = field(default_factory=set)
    read: int = 0


def person_keys(platform_id: str, email: str | None) -> list[str]:
    """What identifies a person across rows and against stored people."""
    return [key for key in (f"id:{platform_id}" if platform_id else "", f"email:{email}" if email else "") if key]


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    return frozenset(holiday_calendars.list_supported_countries())


def _column_name(header: str) -> str:
    return header.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _index(header: list[str]) -> dict[str, int]:
    names = [_column_name(name) for name in header]
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        raise BadOrgFile(f"the header names {', '.join(repeated)} more than once")
    index = {name: at for at, name in enumerate(names) if name in COLUMNS}
    missing = [name for name in REQUIRED if name not in index]
    if not any(name in index for name in IDENTITIES):
        missing.insert(0, "email or platform_id")
    if missing:
        shown = ", ".join(repr(h.strip()) for h in header[:12]) or "nothing"
        raise BadOrgFile(f"the header has no column {', '.join(missing)}; it has {shown}. The first line must "
                         f"name the columns: email and/or platform_id, {', '.join(REQUIRED)}, and optionally "
                         f"{', '.join(OPTIONAL)}.")
    return index


class _Judge:
    """Turns one record into an OrgRow, raising ValueError with the reason when it cannot be imported."""

    def __init__(self, index: dict[str, int]) -> None:
        self.index = index
        self.first_line: dict[str, int] = {}

    def get(self, values: list[str], column: str) -> str:
        at = self.index.get(column)
        return values[at].strip() if at is not None and at < len(values) else ""

    def row(self, line: int, values: list[str]) -> OrgRow:
        platform_id, raw_email = self.get(values, "platform_id"), self.get(values, "email")
        email = clean_email(raw_email) if raw_email else None
        if raw_email and email is None:
            raise ValueError(f"{raw_email[:60]!r} is not an email address")
        if not platform_id and not email:
            raise ValueError("no email or platform_id: each row needs one to say who it is")
        if platform_id and (len(platform_id) > MAX_PLATFORM_ID or any(c.isspace() for c in platform_id)
                            or platform_id.startswith(PLACEHOLDER_PREFIX)):
            raise ValueError(f"{platform_id[:60]!r} is not a platform id (a Slack or Teams user id)")
        team = " ".join(self.get(values, "team").split())
        if not team:
            raise ValueError("no team")
        if len(team) > MAX_TEAM:
            raise ValueError(f"the team name is longer than {MAX_TEAM} characters")
        raw_manager = self.get(values, "manager_email")
        manager = clean_email(raw_manager) if raw_manager else None
        if raw_manager and manager is None:
            raise ValueError(f"manager_email {raw_manager[:60]!r} is not an email address")
        timezone = self.get(values, "timezone")
        if timezone and not is_known_zone(timezone):
            raise ValueError(f"unknown time zone {timezone[:60]!r} (use an IANA name such as Europe/London)")
        country = self.get(values, "country").upper()
        if country and country not in _countries():
            raise ValueError(f"unknown country code {country[:20]!r} (use an ISO 3166 code such as GB, US or DE)")
        keys = person_keys(platform_id, email)
        for key in keys:
            if key in self.first_line:
                raise ValueError(f"{key.partition(':')[2]} is already on line {self.first_line[key]}; a person "
                                 "belongs to one team in the org chart, so this row is skipped")
        for key in keys:
            self.first_line[key] = line
        member = RosterMember(user_id=platform_id, name=self.get(values, "name")[:MAX_NAME], email=email,
                              timezone=timezone or None, country=country or None)
        return OrgRow(line=line, team=team, member=member, manager_email=manager)

    def held_keys(self, values: list[str]) -> list[str]:
        """Who a skipped row names, when it says so clearly enough (a valid email or platform id)."""
        platform_id, email = self.get(values, "platform_id"), clean_email(self.get(values, "email"))
        return person_keys(platform_id if platform_id and not any(c.isspace() for c in platform_id) else "", email)


def read_org_chart(lines: Iterable[str]) -> OrgChart:
    """Judge every record of the file (lines as read with newline=""); BadOrgFile when it has no usable header."""
    csv.field_size_limit(MAX_FIELD)
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise BadOrgFile(f"the first line is not CSV: {error}") from None
    if not header or not any(name.strip().lstrip("\ufeff") for name in header):
        raise BadOrgFile("the file is empty: the first line must name the columns (email, name, team, "
                         "manager_email, ...)")
    judge, chart = _Judge(_index(header)), OrgChart()
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            chart.read += 1
            chart.problems.append(Problem(line, f"unreadable CSV: {error}"))
            continue
        if not any(value.strip() for value in values):
            continue  # blank lines are not rows
        chart.read += 1
        try:
            chart.rows.append(judge.row(line, values))
        except ValueError as error:
            chart.problems.append(Problem(line, str(error)))
            chart.held.update(judge.held_keys(values))
    if not chart.read:
        raise BadOrgFile("the file has a header but no rows: an empty org chart would empty every team that "
                         "follows it, so nothing was imported")
    return chart
