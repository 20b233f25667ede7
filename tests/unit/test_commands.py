"""The command grammar: every command parses to its typed form; malformed input names the problem and the usage."""
from __future__ import annotations

from datetime import date, time
from typing import get_args

import pytest

from handlers import command_table as table
from handlers import commands as c
from handlers.errors import BadArguments, TandemError, UnknownCommand

VALID = {
    "checkin": c.StartCheckin(),
    "/checkin": c.StartCheckin(),
    "moment": c.OpenMomentForm(),
    "/moment Customer loved the demo": c.LogMoment("Customer loved the demo"),
    "moment Call went badly outcome:negative touchpoint:Support customer:ACME-1":
        c.LogMoment("Call went badly", "negative", "support", "ACME-1"),
    'moment They said "outcome: great" really': c.LogMoment('They said "outcome: great" really'),
    "note busy day": c.AddNote("busy day"),
    "mood 4": c.AnswerMood(4),
    "help": c.ShowHelp(),
    "tandem": c.ShowHelp(),
    "/tandem help": c.ShowHelp(),
    "tandem history": c.ShowHistory(),
    "tandem export": c.ExportData(),
    "tandem forget-me": c.ForgetMe(False),
    "tandem forget-me confirm": c.ForgetMe(True),
    "tandem pause": c.Pause(None),
    "tandem pause until 2026-12-24": c.Pause(date(2026, 12, 24)),
    "tandem resume": c.Resume(),
    "tandem digest": c.ShowDigest(None, None),
    "tandem digest Support": c.ShowDigest("Support", None),
    "tandem digest Customer Success 2026-W05": c.ShowDigest("Customer Success", "2026-W05"),
    "tandem status": c.ShowStatus(),
    "tandem schedule": c.ScheduleShow(),
    "tandem schedule show": c.ScheduleShow(),
    "tandem schedule checkin mon-fri 09:30": c.ScheduleCheckin((0, 1, 2, 3, 4), time(9, 30)),
    "tandem schedule checkin mon,wed,friday 7:05": c.ScheduleCheckin((0, 2, 4), time(7, 5)),
    "tandem schedule checkin daily 00:00": c.ScheduleCheckin(tuple(range(7)), time(0, 0)),
    "tandem schedule digest Friday 16:00": c.ScheduleDigest(4, time(16, 0)),
    "tandem schedule reminder 0": c.ScheduleReminder(0),
    "tandem schedule off": c.ScheduleEnabled(False),
    "tandem schedule on": c.ScheduleEnabled(True),
    "tandem team list": c.TeamList(),
    'tandem team create "Customer Success"': c.TeamCreate("Customer Success"),
    "tandem team create Support EMEA": c.TeamCreate("Support EMEA"),
    "tandem team add Support @alice @bob @alice": c.TeamAdd("Support", ("alice", "bob")),
    "tandem team add Support EMEA @alice": c.TeamAdd("Support EMEA", ("alice",)),
    "tandem team remove Support @bob": c.TeamRemove("Support", ("bob",)),
    "tandem team manager Support @mia": c.TeamManager("Support", "mia"),
    "tandem admin add @bob": c.AdminAdd("bob"),
    "tandem admin remove @bob": c.AdminRemove("bob"),
    "tandem holidays": c.SetHolidays(None),
    "tandem holidays de": c.SetHolidays("DE"),
    "tandem holidays none": c.SetHolidays("NONE"),
    "tandem holidays workspace US": c.SetWorkspaceHolidays("US"),
    "tandem privacy min-group 5": c.SetMinGroup(5),
    "tandem share": c.ShareNote(),
    "/tandem share": c.ShareNote(),
    "tandem notes": c.ShowSharedNotes(None, None),
    "tandem notes Customer Success": c.ShowSharedNotes("Customer Success", None),
    "tandem notes Support 2026-w05": c.ShowSharedNotes("Support", "2026-W05"),
    "tandem reply 417 Thanks — shall we swap the rota?": c.ReplyToNote(417, "Thanks — shall we swap the rota?"),
    "tandem reply #417   don't worry, it's \"fine\"  ": c.ReplyToNote(417, "don't worry, it's \"fine\""),
    "/tandem answer 417 Yes please": c.AnswerNote(417, "Yes please"),
    "tandem close 417": c.CloseNote(417),
    "tandem close #417": c.CloseNote(417),
    "tandem withdraw 417": c.WithdrawNote(417),
}


@pytest.mark.parametrize("text", list(VALID))
def test_valid_commands_parse(text: str) -> None:
    assert table.parse(text) == VALID[text]


INVALID = {
    "": (UnknownCommand, "empty"),
    "   \t ": (UnknownCommand, "empty"),
    "frobnicate": (UnknownCommand, "I don't know “frobnicate”"),
    "tandem frobnicate": (UnknownCommand, "not a command"),
    "checkin now": (BadArguments, "takes no arguments"),
    "note": (BadArguments, "The note is empty"),
    "note    ": (BadArguments, "The note is empty"),
    "mood 6": (BadArguments, "from 1 to 5"),
    "mood 0": (BadArguments, "from 1 to 5"),
    "mood great": (BadArguments, "Mood must be a whole number from 1 to 5; got “great”."),
    "moment Nice call outcome:superb": (BadArguments, "not an outcome"),
    "moment outcome:positive": (BadArguments, "Say what happened"),
    "tandem schedule checkin mon-fri 25:00": (BadArguments, "“25:00” is not a time"),
    "tandem schedule checkin mon-fri 9am": (BadArguments, "“9am” is not a time"),
    "tandem schedule checkin mon-fri 09:60": (BadArguments, "not a time"),
    "tandem schedule checkin fri-mon 09:00": (BadArguments, "runs backwards"),
    "tandem schedule checkin someday 09:00": (BadArguments, "not a weekday"),
    "tandem schedule checkin 09:00": (BadArguments, "Give the days and the time"),
    "tandem schedule digest mon": (BadArguments, "Give the day and the time"),
    "tandem schedule reminder lots": (BadArguments, "Hours must be a whole number from 0 to 12; got “lots”."),
    "tandem schedule reminder 13": (BadArguments, "from 0 to 12"),
    "tandem schedule sometimes": (BadArguments, "not part of a schedule"),
    "tandem pause until someday": (BadArguments, "not a date"),
    "tandem pause for a while": (BadArguments, "pause until YYYY-MM-DD"),
    "tandem digest Support 2026-W54": (BadArguments, "2026 has no week 54"),
    "tandem digest Support 2026-13": (BadArguments, "not an ISO week"),
    "tandem team": (BadArguments, "Say what to do"),
    "tandem team create": (BadArguments, "Give the team a name"),
    "tandem team add Support": (BadArguments, "Name the team and the people"),
    "tandem team manager Support @a @b": (BadArguments, "exactly one manager"),
    'tandem team create "Open quote': (BadArguments, "quote is not closed"),
    "tandem admin promote @bob": (BadArguments, "admin add @user"),
    "tandem holidays narnia": (BadArguments, "not a country code"),
    "tandem privacy min-group 2": (BadArguments, "from 3 to 1000"),
    "tandem privacy everything": (BadArguments, "privacy min-group N"),
    "tandem history please": (BadArguments, "takes no arguments"),
    "tandem share now": (BadArguments, "`/tandem share` takes no arguments"),
    "tandem notes Support 2026-W54": (BadArguments, "2026 has no week 54"),
    "tandem notes Support 2026-13": (BadArguments, "not an ISO week"),
    "tandem reply": (BadArguments, "Which note? `tandem reply N your message`"),
    "tandem reply 417": (BadArguments, "The message is empty"),
    "tandem reply 417    ": (BadArguments, "The message is empty"),
    "tandem reply x417 hi": (BadArguments, "“x417” is not a note number"),
    "tandem reply 0 hi": (BadArguments, "from 1 to 1000000000"),
    "tandem reply 99999999999 hi": (BadArguments, "from 1 to 1000000000"),
    "tandem answer": (BadArguments, "Which note? `tandem answer N your message`"),
    "tandem answer 417": (BadArguments, "The message is empty"),
    "tandem close": (BadArguments, "`tandem close N` takes the note's number alone"),
    "tandem close 417 now": (BadArguments, "`tandem close N` takes the note's number alone"),
    "tandem close -3": (BadArguments, "“-3” is not a note number"),
    "tandem withdraw": (BadArguments, "`tandem withdraw N` takes the note's number alone"),
    "tandem withdraw last": (BadArguments, "“last” is not a note number"),
}


@pytest.mark.parametrize("text", list(INVALID))
def test_malformed_input_gets_a_specific_reply_with_usage(text: str) -> None:
    kind, fragment = INVALID[text]
    with pytest.raises(kind) as raised:
        table.parse(text)
    assert fragment in raised.value.text()
    if kind is BadArguments:
        assert "Usage:" in raised.value.text()
        words = text.lstrip("/").split()
        assert raised.value.usage == table.usage_of(" ".join(words[:2] if words[0] == "tandem" else words[:1]))


async def test_every_listed_usage_line_is_offered_in_an_admins_help(harness) -> None:
    everything = await harness.say("ada", "help")
    for row in table.TABLE:
        if row.section is not None and row.usage is not None:
            assert row.usage in everything, row.name


async def test_help_shows_each_role_only_its_own_sections(harness) -> None:
    await harness.join("ada", "emma")
    employee = await harness.say("emma", "tandem help")
    assert "/tandem history" in employee and "/tandem schedule" not in employee and "/tandem digest" not in employee


def test_every_command_type_has_exactly_one_row() -> None:
    produced = [action.command for row in table.TABLE for action in row.actions]
    assert len(produced) == len(set(produced))
    kinds = [kind for kind in vars(c).values() if isinstance(kind, type) and kind.__module__ == c.__name__]
    assert set(produced) == set(kinds) == set(get_args(c.Command))


def test_errors_are_tandem_errors_not_crashes() -> None:
    for text in ("tandem team add", "/tandem schedule checkin", "moment   outcome:bad", "\x00\x01"):
        with pytest.raises(TandemError):
            table.parse(text)
