"""From a typed command to the use case that answers it, with authorisation and the audit trail, as the
command table says.

Every command runs inside a savepoint: a refused or malformed request leaves the data unchanged, and only
its audit entry (for refused attempts) is written. Modal forms need the refusal itself, to show it beside
the field: they ask for it with `raise_refusals`, and then nothing at all is stored.
"""
from __future__ import annotations

from typing import Any

from handlers import command_table as table
from handlers.command_table import Role
from handlers.commands import OpenMomentForm
from handlers.context import Ctx
from handlers.errors import NotAuthorized, TandemError
from handlers.identity import is_manager
from handlers.messages import Reply, Text
from storage import audit
from storage.models import Person

REFUSALS = {
    Role.ADMIN: "Only Tandem admins can do that. Ask an admin, or see `/tandem help` for what you can do.",
    Role.MANAGER: "Digests are for team managers. You don't manage a team.",
}


async def _authorise(ctx: Ctx, person: Person, role: Role, command: object) -> None:
    if role == Role.EMPLOYEE or person.is_admin:
        return
    if role == Role.MANAGER and await is_manager(ctx, person):
        return
    raise NotAuthorized(REFUSALS[role], type(command).__name__)


async def run_command(ctx: Ctx, person: Person, command: Any, *, raise_refusals: bool = False) -> Reply:
    """Run one command for a known person; TandemErrors become replies (or are raised), refusals are audited."""
    _row, action = table.action_for(command)
    try:
        async with ctx.session.begin_nested():
            await _authorise(ctx, person, action.role, command)
            reply = await action.run(ctx, person, command)
    except NotAuthorized as refusal:
        await audit.record(ctx.session, workspace_id=person.workspace_id, actor_id=person.id,
                           action=refusal.action, allowed=False, detail=refusal.reply, now=ctx.clock.now())
        if raise_refusals:
            raise
        return Reply.of(Text(refusal.text()))
    except TandemError as error:
        if raise_refusals:
            raise table.with_usage(error, command) from None
        return Reply.of(Text(table.with_usage(error, command).text()))
    if action.role == Role.ADMIN and action.changes:
        await audit.record(ctx.session, workspace_id=person.workspace_id, actor_id=person.id,
                           action=type(command).__name__, allowed=True, detail=repr(command)[:500],
                           now=ctx.clock.now())
    return reply


async def run_input(ctx: Ctx, person: Person, given: Any, *, raise_refusals: bool = False) -> Reply:
    """A typed line (parsed by the table's grammar; a line that doesn't parse gets its reason) or a command
    an adapter built from a click or a submit."""
    if isinstance(given, str):
        try:
            given = table.parse(given)
        except TandemError as error:
            if raise_refusals:
                raise
            return Reply.of(Text(error.text()))
    return await run_command(ctx, person, given, raise_refusals=raise_refusals)


def opens_form(text: str) -> bool:
    """Whether answering this line opens a form: chat platforms allow that only for a few seconds."""
    try:
        return isinstance(table.parse(text), OpenMomentForm)
    except TandemError:
        return False
