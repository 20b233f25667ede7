"""Property-based: no text, however strange, makes the grammar crash — it parses or it explains."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers import command_table as table
from handlers.errors import TandemError

WORDS = ["checkin", "/checkin", "moment", "note", "mood", "help", "tandem", "/tandem", "schedule", "team", "digest",
         "admin", "holidays", "privacy", "min-group", "pause", "until", "add", "remove", "manager", "create", "show",
         "reminder", "off", "on", "forget-me", "confirm", "outcome:", "touchpoint:", "customer:", "@", '"', "mon-fri",
         "25:00", "09:30", "2026-W47", "2026-13-45", "-1", "0", "99999999999999999999", "\x00", "\u202e", "😄"]


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=8).map(" ".join))
def test_parse_returns_a_command_or_a_tandem_error(text: str) -> None:
    try:
        command = table.parse(text)
    except TandemError as error:
        reply = error.text()
        assert reply and "Traceback" not in reply and len(reply) < 1200
    else:
        assert type(command).__module__ == "handlers.commands"


@settings(max_examples=2000, deadline=None)
@given(st.text(min_size=0, max_size=4000))
def test_arbitrary_unicode_never_crashes_the_parser(text: str) -> None:
    try:
        table.parse(text)
    except TandemError:
        pass
