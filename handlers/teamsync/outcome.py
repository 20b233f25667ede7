"""What a sync run does with what the platform answered: apply the roster, or record why it could not, plan
the next run, and tell the admin who asked how the first sync went (and when a source disappears)."""
from __future__ import annotations

import zlib
from dataclasses import dataclass

from handlers.context import Ctx
from handlers.localtime import zone
from handlers.teamsync.apply import SyncChange, apply_roster
from handlers.teamsync.sources import (
    KIND_NAMES,
    RESYNC_EVERY,
    RETRY_AFTER_FAILURE,
    Roster,
    SourceGone,
)
from handlers.teamsync.welcome import NOTICE_KIND
from storage import outbox, people, teams, workspaces
from storage.models import TeamSource

NAMES_SHOWN = 8


@dataclass(frozen=True)
class SyncOutcome:
    source_id: int
    team: str
    change: SyncChange | None = None
    error: str | None = None


def names(found: list[str]) -> str:
    shown = ", ".join(found[:NAMES_SHOWN])
    return shown + (f" and {len(found) - NAMES_SHOWN} more" if len(found) > NAMES_SHOWN else "")


def describe_change(change: SyncChange) -> str:
    parts = []
    if change.joined:
        parts.append(f"{len(change.joined)} joined ({names(change.joined)})")
    if change.left:
        parts.append(f"{len(change.left)} left ({names(change.left)}; their past weeks are kept)")
    if change.managers_added:
        parts.append(f"new manager(s): {names(change.managers_added)}")
    if change.managers_removed:
        parts.append(f"no longer managing: {names(change.managers_removed)}")
    return "; ".join(parts) if parts else "nobody joined or left"


async def record(ctx: Ctx, source_id: int, answer: Roster | Exception) -> SyncOutcome | None:
    """Apply one source's answer in this unit of work; None when the team stopped following it meanwhile."""
    session, now = ctx.session, ctx.clock.now()
    source = await session.get(TeamSource, source_id)
    team = await teams.get_team(session, source.team_id) if source is not None else None
    workspace = await workspaces.get_workspace(session, source.workspace_id) if source is not None else None
    if source is None or team is None or workspace is None:
        return None
    today = now.astimezone(zone(workspace.timezone)).date()
    if isinstance(answer, Roster) and not answer.members:
        current = len(await teams.current_member_ids(session, team.id, "member", today))
        if current:  # more likely a glitch or a mistake than a team that really emptied overnight
            answer = SourceGone(f"it lists nobody now, so I kept the team's {current} member(s) rather than empty "
                                "it. If the team really is empty, unsync it and remove them by hand.")
    if isinstance(answer, Roster):
        change = await apply_roster(ctx, workspace, team, answer, platform=workspace.platform,
                                    managers=source.managers_from_source, today=today)
        source.reference, source.label = answer.reference[:200], answer.label[:200]
        source.last_synced_at, source.last_added, source.last_removed = now, len(change.joined), len(change.left)
        source.last_error = source.last_error_at = None
        source.due_at = now + RESYNC_EVERY
        if not source.reported:
            await _tell(ctx, source, f"{team.name} now follows {source.label}: {describe_change(change)}. "
                        f"{change.members} member(s) in all. From now on I keep it current; joins and leaves are "
                        "dated, so past digests don't change.", "first")
            source.reported = True
        return SyncOutcome(source.id, team.name, change=change)
    error = str(answer)[:300] or type(answer).__name__
    newly_failing = source.last_error is None
    source.last_error, source.last_error_at = error, now
    source.due_at = now + (RESYNC_EVERY if isinstance(answer, SourceGone) else RETRY_AFTER_FAILURE)
    if isinstance(answer, SourceGone) and (newly_failing or not source.reported):
        await _tell(ctx, source, f"I couldn't sync {team.name} with {source.label} "
                    f"({KIND_NAMES.get(source.kind, source.kind)}): {error} Its members stay as they were. Point it "
                    f"at another source with `/tandem team sync \"{team.name}\" SOURCE`, or `/tandem team unsync "
                    f"\"{team.name}\"` to manage it by hand.", f"gone:{now.date().isoformat()}")
        source.reported = True
    return SyncOutcome(source.id, team.name, error=error)


async def _tell(ctx: Ctx, source: TeamSource, text: str, episode: str) -> None:
    """A notice to the admin who set the source up (or every admin, when they are gone), once per episode."""
    set_up = f"{source.created_at.isoformat()}:{zlib.crc32(source.label.encode()):08x}"  # one set-up of a source
    recipients = [source.requested_by] if source.requested_by else []
    if not recipients:
        recipients = [a.id for a in await people.admins(ctx.session, source.workspace_id)]
    for person_id in recipients:
        await outbox.enqueue(ctx.session, workspace_id=source.workspace_id, person_id=person_id, kind=NOTICE_KIND,
                             dedupe_key=f"team-sync:{source.id}:{set_up}:{episode}:{person_id}",
                             payload={"text": text}, now=ctx.clock.now())
