"""Every command × every role: allowed exactly where it should be, refused (and audited) everywhere else.

Roles: an employee of Support, the manager of Support, the manager of another team (Sales), an admin,
and an unknown person (first contact from someone Tandem has never seen).
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from storage.models import AuditLog

ROLES = ("employee", "manager", "other_manager", "admin", "unknown")
USERS = {"employee": "emma", "manager": "mia", "other_manager": "max", "admin": "ada", "unknown": "newbie"}
EVERYONE = set(ROLES)
MANAGERS = {"manager", "other_manager", "admin"}
SUPPORT_VIEWERS = {"manager", "admin"}
ADMINS = {"admin"}

MATRIX: list[tuple[str, set[str]]] = [
    ("checkin", EVERYONE), ("mood 3", EVERYONE), ("note fine", EVERYONE), ("moment A customer called", EVERYONE),
    ("moment", EVERYONE), ("help", EVERYONE), ("tandem history", EVERYONE), ("tandem export", EVERYONE),
    ("tandem forget-me", EVERYONE), ("tandem pause until 2026-12-24", EVERYONE), ("tandem resume", EVERYONE),
    ("tandem holidays", EVERYONE), ("tandem holidays DE", EVERYONE),
    ("tandem digest", MANAGERS), ("tandem digest Support", SUPPORT_VIEWERS), ("tandem digest Sales",
                                                                           {"other_manager", "admin"}),
    ("tandem status", ADMINS), ("tandem schedule show", ADMINS), ("tandem schedule checkin mon-fri 10:00", ADMINS),
    ("tandem schedule digest fri 16:00", ADMINS), ("tandem schedule reminder 2", ADMINS),
    ("tandem schedule off", ADMINS), ("tandem schedule on", ADMINS), ("tandem team list", ADMINS),
    ("tandem team create Ops", ADMINS), ("tandem team add Support @newbie", ADMINS),
    ("tandem team remove Support @emma", ADMINS), ("tandem team manager Sales @emma", ADMINS),
    ("tandem admin add @emma", ADMINS), ("tandem holidays workspace US", ADMINS),
    ("tandem privacy min-group 6", ADMINS),
    ("tandem action list", MANAGERS), ("tandem action list Support", SUPPORT_VIEWERS),
    ("tandem action add Support Quiet hours", SUPPORT_VIEWERS),
    ("tandem action done Sales 1", {"other_manager", "admin"}), ("tandem action helps 1", EVERYONE),
    ("tandem notes", MANAGERS), ("tandem notes Support", SUPPORT_VIEWERS),
    ("tandem notes Sales", {"other_manager", "admin"}), ("tandem share", EVERYONE),
]
REFUSALS = ("Only Tandem admins", "Only managers of", "Digests are for team managers")


@pytest.fixture
def backend() -> str:
    """Authorisation is decided above the database: one backend is enough (storage tests cover both)."""
    return "sqlite"


async def _organisation(harness) -> None:
    await harness.join("ada", "emma", "mia", "max", "sam")
    for line in ("tandem team create Support", "tandem team add Support @emma @sam", "tandem team manager Support @mia",
                 "tandem team create Sales", "tandem team add Sales @sam", "tandem team manager Sales @max"):
        assert "Only" not in await harness.say("ada", line)
    harness.clock.advance(timedelta(days=7))


@pytest.mark.parametrize(("command", "allowed"), MATRIX, ids=[c for c, _ in MATRIX])
async def test_command_is_allowed_exactly_for_its_roles(harness, command: str, allowed: set[str]) -> None:
    await _organisation(harness)
    for role in ROLES:
        before = len([a for a in await harness.rows(AuditLog) if not a.allowed])
        reply = await harness.say(USERS[role], command)
        refused = any(marker in reply for marker in REFUSALS)
        assert refused == (role not in allowed), f"{role}: {command!r} → {reply[:120]!r}"
        assert "Traceback" not in reply
        after = len([a for a in await harness.rows(AuditLog) if not a.allowed])
        assert after == before + (1 if refused else 0), f"{role}: refusal of {command!r} was not audited"
