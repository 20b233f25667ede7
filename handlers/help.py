"""`/tandem help`: the commands the caller may use, by role."""
from __future__ import annotations

from handlers.commands import USAGE
from handlers.messages import Help


def help_for(is_manager: bool, is_admin: bool) -> Help:
    sections: list[tuple[str, tuple[str, ...]]] = [
        ("Check-ins and moments", (
            f"{USAGE['checkin']} — answer today's check-in now (mood 1–5, then an optional note)",
            f"{USAGE['note']}",
            f"{USAGE['moment']} — log a notable customer moment",
        )),
        ("Your data (only you see it)", (
            f"{USAGE['history']} — your last 8 weeks",
            f"{USAGE['export']} — everything Tandem holds about you, as JSON",
            f"{USAGE['forget-me']} — delete all of it",
            f"{USAGE['pause']} / {USAGE['resume']} — stop check-ins while you're away",
            f"{USAGE['holidays']}",
            f"{USAGE['help']} — this list",
        )),
    ]
    if is_manager or is_admin:
        sections.append(("Managers", (
            f"{USAGE['digest']} — the weekly digest of a team you manage (whole weeks, never individual answers)",
        )))
    if is_admin:
        sections.append(("Admins", (
            USAGE["schedule"], USAGE["team"], USAGE["admin"], USAGE["privacy"],
            f"{USAGE['status']} — next check-ins, delivery backlog and counts",
        )))
    return Help(title="Tandem — what you can do", sections=tuple(sections))
