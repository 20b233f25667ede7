"""Where a person can be reached proactively: what adapters report when they learn a Slack DM channel or a
Teams conversation reference, or find that someone blocked or removed Tandem. Adapters call these use
cases instead of storage, so the rules (one way to reach each person, unreachable means inactive) live here.
"""
from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.delivery.outgoing import recipient_for
from handlers.ports import Recipient
from storage import conversations, people, workspaces
from storage.models import ConversationRef


async def remember(ctx: Ctx, person_id: int, platform: str, *, channel_id: str | None = None,
                   reference: dict[str, Any] | None = None) -> None:
    """The newest way to reach the person replaces the old one (unchanged data is not rewritten)."""
    await conversations.save_ref(ctx.session, person_id, platform, channel_id=channel_id, reference=reference,
                                 now=ctx.clock.now())


async def current(ctx: Ctx, person_id: int) -> ConversationRef | None:
    return await conversations.get_ref(ctx.session, person_id)


async def known(ctx: Ctx, person_ids: list[int]) -> set[int]:
    """Which of these people Tandem already has a way to reach."""
    return set(await conversations.refs_of(ctx.session, person_ids))


async def unreachable(ctx: Ctx, person_id: int) -> None:
    """They blocked or removed Tandem: stop scheduling them until they write again."""
    await conversations.mark_unreachable(ctx.session, person_id)


async def recipient(ctx: Ctx, person_id: int) -> Recipient | None:
    """How to address a message to the person now, or None if they no longer exist."""
    person = await people.get_person(ctx.session, person_id)
    return None if person is None else await recipient_for(ctx.session, person)


async def workspace_reference(ctx: Ctx, platform: str, workspace: str, *,
                              prefer_channel: str | None = None) -> dict[str, Any] | None:
    """A reference through which the adapter can call the platform for the workspace as a whole (the Teams
    service URL, to read a team's roster): the newest one Tandem saved from an authenticated activity, one in
    `prefer_channel` first; None when Tandem knows nobody there yet."""
    found = await workspaces.find_workspace(ctx.session, platform, workspace)
    if found is None:
        return None
    row = await conversations.newest_reference(ctx.session, found.id, platform, prefer_channel=prefer_channel)
    return dict(row.reference) if row is not None and row.reference else None
