"""`/tandem cx status | link @person EMAIL|SOURCE:ID | unlinked`: admins see and mend how ratings reach teams."""
from __future__ import annotations

from handlers import commands as c
from handlers.admin import resolve_person
from handlers.context import Ctx
from handlers.cx.status import status_lines
from handlers.errors import NotFound
from handlers.identity import person_zone_name
from handlers.messages import Reply, Text
from handlers.schedule import format_when
from storage import ratings as store
from storage.models import Person

UNLINKED_SHOWN = 25


async def show_status(ctx: Ctx, person: Person, _: c.CxStatus) -> Reply:
    lines = await status_lines(ctx.session, ctx.clock.now(), person_zone_name(person), person.workspace_id)
    return Reply.of(Text("\n".join(lines)))


async def link(ctx: Ctx, person: Person, command: c.CxLink) -> Reply:
    """Count an agent's ratings (past and future) for the person, whatever email their chat account has."""
    target = await resolve_person(ctx, person.workspace_id, command.person)
    name = target.display_name or command.person
    if command.agent is not None:
        return await _link_agent_id(ctx, target, name, *command.agent)
    changed = await store.link_agent(ctx.session, person.workspace_id, command.email, target.id, ctx.clock.now())
    if not changed:
        return Reply.of(Text(f"{command.email} was already linked to {name}; nothing changed."))
    return Reply.of(Text(f"Linked: ratings of helpdesk agent {command.email} now count for {name}'s team, "
                         "from the day of each rating (their earlier ratings included)."))


async def _link_agent_id(ctx: Ctx, target: Person, name: str, source: str, agent: str) -> Reply:
    """An agent the helpdesk names only by id: their ratings take the person's own email."""
    if not target.email:
        raise NotFound(f"Tandem doesn't know {name}'s email yet, so it can't stand in for {source} agent {agent}. "
                       "Link the agent's helpdesk email instead: `/tandem cx link @person EMAIL`.")
    filled = await store.remember_agent(ctx.session, source, agent, target.email, name, ctx.clock.now())
    return Reply.of(Text(f"Linked: {source} agent {agent} is {name}; {filled:,} earlier rating(s) now count for "
                         f"{name}'s team, from the day of each rating, and so will the next ones."))


async def unlinked(ctx: Ctx, person: Person, _: c.CxUnlinked) -> Reply:
    """Helpdesk agents whose ratings count for nobody, most-rated first."""
    agents = await store.unlinked_agents(ctx.session, person.workspace_id, limit=UNLINKED_SHOWN + 1)
    if not agents:
        return Reply.of(Text("Every helpdesk agent with ratings matches someone here."))
    zone_name = person_zone_name(person)
    lines = ["Helpdesk agents who match nobody here (their ratings are kept and count once linked):"]
    for agent in agents[:UNLINKED_SHOWN]:
        hint = "" if agent.has_email else f" (no email from the helpdesk: link it as {agent.source}:{agent.agent})"
        lines.append(f"• {agent.agent} on {agent.source}{hint}: {agent.ratings:,} rating(s), newest "
                     f"{format_when(agent.last_rated_at, zone_name)}")
    if len(agents) > UNLINKED_SHOWN:
        lines.append(f"… and more; the {UNLINKED_SHOWN} with most ratings are shown.")
    lines.append("Link one with `/tandem cx link @person EMAIL`.")
    return Reply.of(Text("\n".join(lines)))
