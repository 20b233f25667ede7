"""One sync run: every due source, read from its platform's Directory outside any transaction, then applied
source by source, each in its own unit of work.

Replicas take turns per source through a lease (team_sources.lease_until), so two replicas syncing at once
never apply the same source twice; applying is idempotent anyway (a member already in the team is not
added again). Sources of one workspace are read in one Directory call, so an adapter can batch them (one
`usergroups.list` answers every Slack user group).
"""
from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot import units
from bot.wiring import Deps
from handlers.context import Ctx
from handlers.teamsync import outcome
from handlers.teamsync.outcome import SyncOutcome
from handlers.teamsync.sources import LEASE, PLATFORM_KINDS, Directory, Roster, SourceRef, SourceUnavailable
from storage import team_sources, workspaces
from storage.models import TeamSource

log = logging.getLogger("tandem.teamsync")


@dataclass
class RunResult:
    outcomes: list[SyncOutcome] = field(default_factory=list)
    skipped: int = 0  # sources another replica was syncing


async def sync_due(deps: Deps, directories: Mapping[str, Directory], *, owner: str | None = None) -> RunResult:
    """Sync every source that is due and whose platform has a Directory here."""
    owner = owner or uuid.uuid4().hex
    kinds = [kind for platform in directories for kind in PLATFORM_KINDS.get(platform, ())]
    result = RunResult()
    if not kinds:
        return result

    async def claim(ctx: Ctx) -> dict[tuple[str, str], list[SourceRef]]:
        now = ctx.clock.now()
        claimed: dict[tuple[str, str], list[SourceRef]] = defaultdict(list)
        for source in await team_sources.due_sources(ctx.session, now, kinds):
            if not await team_sources.take_lease(ctx.session, source.id, owner, now, now + LEASE):
                result.skipped += 1
                continue
            workspace = await workspaces.get_workspace(ctx.session, source.workspace_id)
            if workspace is None or not workspace.active:
                continue
            claimed[(workspace.platform, workspace.external_id)].append(_ref(source))
        return claimed

    claimed = await units.run_plain(deps, claim)
    for (platform, external_id), refs in claimed.items():
        try:
            answers = await directories[platform].rosters(external_id, refs)
        except Exception as error:  # noqa: BLE001 - a directory that fails outright fails every source of the run
            log.warning("reading %s sources of %s failed: %s", platform, external_id, type(error).__name__)
            answers = [SourceUnavailable(f"{platform} could not be read: {type(error).__name__}")
                       for _ in refs]
        for ref, answer in zip(refs, answers, strict=True):
            result.outcomes.extend(await _apply(deps, ref, answer, owner))
    return result


def _ref(source: TeamSource) -> SourceRef:
    return SourceRef(source_id=source.id, kind=source.kind, reference=source.reference, label=source.label,
                     managers=source.managers_from_source)


async def _apply(deps: Deps, ref: SourceRef, answer: Roster | Exception, owner: str) -> list[SyncOutcome]:
    async def apply(ctx: Ctx) -> SyncOutcome | None:
        found = await outcome.record(ctx, ref.source_id, answer)
        await team_sources.release_lease(ctx.session, ref.source_id, owner)
        return found

    async def release(ctx: Ctx) -> None:
        await team_sources.release_lease(ctx.session, ref.source_id, owner)

    try:
        done = await units.run_plain(deps, apply)
    except Exception:
        log.exception("applying the sync of %s failed; the next run retries", ref.label)
        await units.run_plain(deps, release)
        return []
    if done is None:
        return []
    if done.error:
        log.warning("team sync of %s (%s) failed: %s", done.team, ref.label, done.error)
    elif done.change is not None and done.change.changed:
        log.info("team sync of %s: %s joined, %s left", done.team, len(done.change.joined), len(done.change.left))
    return [done]
