"""A platform said a source changed (a user group's members, someone joining or leaving a channel or a Teams
team): the teams following it are synced shortly, once for a whole burst of such events."""
from __future__ import annotations

from handlers.context import Ctx
from handlers.teamsync.sources import CHANGE_DEBOUNCE
from storage import team_sources, workspaces


async def source_changed(ctx: Ctx, *, platform: str, workspace: str, kind: str, reference: str) -> int:
    """Mark the sources of this workspace known by `reference` due; how many teams follow it."""
    found = await workspaces.find_workspace(ctx.session, platform, workspace)
    if found is None or not reference:
        return 0
    return await team_sources.mark_due(ctx.session, found.id, kind, [reference[:200]],
                                       ctx.clock.now() + CHANGE_DEBOUNCE)
