"""What an admin (or an operator at the command line) needs to know about the helpdesk connections."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.schedule import format_when
from storage import ratings as store

SOURCES_HELP = "See “Connecting your helpdesk” in the README."


async def status_lines(session: AsyncSession, now: datetime, zone_name: str, workspace_id: int | None) -> list[str]:
    """One line per source: ratings in all and in the last 7 days, the newest, the last pull, the last error.

    `workspace_id` adds how many agents match nobody there (the CLI, serving every workspace, has none).
    """
    counts = {c.source: c for c in await store.source_counts(session, now - timedelta(days=7))}
    states = {s.source: s for s in await store.source_states(session)}
    if not counts and not states:
        return [f"No helpdesk has sent or given Tandem any ratings yet. {SOURCES_HELP}"]
    lines = ["Customer ratings by source (last 7 days by the time customers rated):"]
    for source in sorted(set(counts) | set(states)):
        count, state = counts.get(source), states.get(source)
        parts = [f"{count.last_7_days:,} in 7 days, {count.total:,} in all" if count else "no ratings yet"]
        if count is not None and count.last_rated_at is not None:
            parts.append(f"newest rated {format_when(count.last_rated_at, zone_name)}")
        if state is not None and state.last_received_at is not None:
            parts.append(f"last received {format_when(state.last_received_at, zone_name)}")
        if state is not None and state.last_pulled_at is not None:
            parts.append(f"last pulled {format_when(state.last_pulled_at, zone_name)}")
        if state is not None and state.last_error and state.last_error_at is not None:
            parts.append(f"last error {format_when(state.last_error_at, zone_name)}: {state.last_error[:200]}")
        lines.append(f"• {source}: " + "; ".join(parts) + ".")
    if workspace_id is not None:
        unlinked = await store.unlinked_agents(session, workspace_id, limit=1000)
        if unlinked:
            ratings = sum(agent.ratings for agent in unlinked)
            lines.append(f"{len(unlinked)} helpdesk agent(s) match nobody here ({ratings:,} ratings not counted "
                         "yet): `/tandem cx unlinked`.")
    return lines
