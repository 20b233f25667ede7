"""Facts a platform tells Tandem about a workspace and its people, outside any command.

An uninstall or revoked token stops all sending to the workspace (delivery skips inactive ones); a
fresh install brings it back; a profile change updates the person's time zone, locale and name.
"""
from __future__ import annotations

from handlers.context import Ctx
from handlers.identity import Caller, ensure_workspace
from handlers.localtime import is_known_zone
from storage import people, seen_events, workspaces


async def deactivate(ctx: Ctx, platform: str, external_id: str) -> bool:
    """The app was uninstalled or its tokens revoked: stop sending. True if the workspace was active."""
    workspace = await workspaces.find_workspace(ctx.session, platform, external_id)
    if workspace is None or not workspace.active:
        return False
    workspace.active = False
    return True


async def activate(ctx: Ctx, platform: str, external_id: str, name: str = "") -> None:
    """The app was (re)installed: the workspace receives check-ins again."""
    workspace = await ensure_workspace(ctx, platform, external_id, name)
    workspace.active = True
    if name:
        workspace.name = name


async def refresh_profile(ctx: Ctx, caller: Caller) -> bool:
    """Update a known person's name, time zone and locale; people Tandem has never met are not created."""
    workspace = await workspaces.find_workspace(ctx.session, caller.platform, caller.workspace_id)
    if workspace is None:
        return False
    person = await people.find_person(ctx.session, workspace.id, caller.user_id)
    if person is None:
        return False
    if caller.display_name:
        person.display_name = caller.display_name[:200]
    if caller.timezone and is_known_zone(caller.timezone):
        person.timezone = caller.timezone
    if caller.locale:
        person.locale = caller.locale[:16]
    if caller.email:
        person.email = caller.email
    return True


async def first_deliveries(ctx: Ctx, platform: str, workspace_key: str, event_ids: list[str]) -> list[bool]:
    """first_delivery for many at once (a group commit of webhooks)."""
    return await seen_events.first_times(ctx.session, platform, workspace_key, event_ids, ctx.clock.now())


async def first_delivery(ctx: Ctx, platform: str, workspace_key: str, event_id: str) -> bool:
    """True the first time an event id arrives; retries and duplicates answer False."""
    return await seen_events.first_time(ctx.session, platform, workspace_key, event_id, ctx.clock.now())
