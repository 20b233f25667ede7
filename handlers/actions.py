"""`/tandem action add|list|done`: what a team's managers commit to, and what happened.

Managers act for the teams they manage, admins for any team; the team may be left out when the person
manages exactly one. Feedback is shown only as totals, and only once at least `min_group` people answered.
"""
from __future__ import annotations

from datetime import date, datetime

from handlers import commands as c
from handlers.action_feedback import feedback_shown
from handlers.admin import require_in_charge, resolve_team
from handlers.context import Ctx
from handlers.errors import BadArguments, NotFound
from handlers.identity import person_today
from handlers.insights import wording
from handlers.messages import Reply, Text
from handlers.text_limits import within_limit
from storage import actions as store
from storage import outbox, teams
from storage.calendar import iso_week_bounds, iso_week_of, utc_midnight
from storage.models import Person, Team, TeamAction

ANNOUNCE_KIND = "action"  # the outbox kind of the one DM each member gets about a new action
MAX_TEAM_WORDS = 6  # the longest team name tried as the leading words of `action add`


async def _team_for(ctx: Ctx, person: Person, name: str | None) -> Team:
    """The named team if the person may act for it; otherwise the one team they manage."""
    managed = await teams.managed_teams(ctx.session, person.id, person_today(ctx, person))
    if name is not None:
        team = await resolve_team(ctx, person.workspace_id, name)
        require_in_charge(person, team, managed, "record its actions", "action")
        return team
    if len(managed) == 1:
        return managed[0]
    if managed:
        raise BadArguments(f"You manage {len(managed)} teams; name one: {', '.join(t.name for t in managed)}.")
    raise BadArguments("You manage no team; name the team, e.g. `action list Support`.")


async def _split_team(ctx: Ctx, person: Person, words: str) -> tuple[str | None, str]:
    """The leading words that name a team (longest first), and the rest as the action's text."""
    parts = words.split()
    for size in range(min(MAX_TEAM_WORDS, len(parts)), 0, -1):
        name = " ".join(parts[:size])
        if await teams.find_team(ctx.session, person.workspace_id, name) is not None:
            rest = words.split(None, size)
            return name, rest[size].strip() if len(rest) > size else ""
    return None, words.strip()


async def add(ctx: Ctx, person: Person, command: c.ActionAdd) -> Reply:
    name, text = ((command.team, command.words.strip()) if command.team is not None
                  else await _split_team(ctx, person, command.words))
    if not text:
        raise BadArguments("Say what the team will do after the team's name, e.g. `action add Support Quiet hours`.")
    text = within_limit(text, "action")
    team = await _team_for(ctx, person, name)
    action = await store.add_action(ctx.session, workspace_id=person.workspace_id, team_id=team.id, text=text,
                                    created_by=person.id, now=ctx.clock.now(), local_date=person_today(ctx, person))
    told = await _announce(ctx, person, team, action)
    return Reply.of(Text(f"Action {action.number} recorded for {team.name}: “{text}”. {_told(told)} "
                         f"Mark it with `/tandem action done {action.number} [what happened]`."))


def _told(count: int) -> str:
    return f"The team's {count} member{'s' if count != 1 else ''} will hear about it once, in their DMs." if count \
        else "The team has no members to tell yet."


def announce_key(action_id: int, person_id: int) -> str:
    """One announcement per action and member: a replayed command queues nothing new."""
    return f"action:{action_id}:{person_id}"


async def _announce(ctx: Ctx, person: Person, team: Team, action: TeamAction) -> int:
    """Queue one DM per current member through the outbox (worded when sent, from the action's row)."""
    members = await teams.current_member_ids(ctx.session, team.id, "member", person_today(ctx, person))
    rows = [{"workspace_id": person.workspace_id, "person_id": member, "kind": ANNOUNCE_KIND,
             "dedupe_key": announce_key(action.id, member), "payload": {"action_id": action.id}}
            for member in sorted(members)]
    await outbox.enqueue_many(ctx.session, rows, now=ctx.clock.now())
    return len(rows)


def announcement_text(team_name: str, action: TeamAction) -> str:
    """What a member reads: the loop closed, and that only totals of their answers are ever shown."""
    return (f"You said how work is going in {team_name} — we're doing this: “{action.text}”.\n"
            f"Does it help? Reply `tandem action helps {team_name} {action.number}` or "
            f"`tandem action no-help {team_name} {action.number}` "
            "(you can change it until the end of the week you first answer). "
            "Only totals are shown, never who answered.")


def _line(action: TeamAction, said: str) -> str:
    when = action.local_date.isoformat()
    if action.status == "done":
        outcome = f" — {action.outcome}" if action.outcome else ""
        return f"{action.number}. {action.text} (since {when}; done{outcome}) {said}"
    return f"{action.number}. {action.text} (since {when}; open) {said}"


def week_cutoff(today: date) -> datetime:
    """The start of the current ISO week: feedback totals count only answers set before it, so they change once
    a week and a manager cannot watch one click arrive."""
    return utc_midnight(iso_week_bounds(iso_week_of(today))[0])


def feedback_words(counts: store.FeedbackCounts | None, min_group: int) -> str:
    """Totals only, and only where the rules of handlers/action_feedback allow them."""
    if counts is None:
        return wording.no_feedback_totals(min_group)
    return f"Feedback by the end of last week: {counts.helps} of {counts.answered} said it helps."


async def list_actions(ctx: Ctx, person: Person, command: c.ActionList) -> Reply:
    team = await _team_for(ctx, person, command.team)
    rows = await store.actions_of_team(ctx.session, team.id)
    if not rows:
        return Reply.of(Text(f"{team.name} has no actions yet: `/tandem action add TEXT`."))
    cutoff, min_group = week_cutoff(person_today(ctx, person)), person.workspace.min_group
    shown = await feedback_shown(ctx, rows, cutoff, min_group)
    lines = [_line(a, feedback_words(shown.get(a.id), min_group)) for a in rows]
    return Reply.of(Text("\n".join([f"Actions of {team.name}:", *lines])))


async def feedback(ctx: Ctx, person: Person, command: c.ActionFeedback) -> Reply:
    """A member's "helps" / "doesn't help": one per person, changeable, only ever counted in totals."""
    mine = await teams.member_teams(ctx.session, person.id, person_today(ctx, person))
    if command.action_id is not None:
        return await _give(ctx, person, command, *await _clicked_action(ctx, person, mine, command.action_id))
    if command.team is not None:
        team = await resolve_team(ctx, person.workspace_id, command.team)
        if team.id not in {t.id for t in mine}:
            raise BadArguments(f"You are not a member of {team.name}; only its members say whether its actions help.")
    elif len(mine) == 1:
        team = mine[0]
    else:
        raise BadArguments("Name the team, e.g. `action helps Support 2`." if mine
                           else "You are in no team, so there is no action to answer.")
    action = await store.action_by_number(ctx.session, team.id, command.number)
    if action is None:
        raise NotFound(f"{team.name} has no action {command.number}.")
    return await _give(ctx, person, command, team, action)


async def _clicked_action(ctx: Ctx, person: Person, mine: list[Team], action_id: int) -> tuple[Team, TeamAction]:
    """The action a button names, if it belongs to one of the clicker's own teams (a forged or old id is not)."""
    action = await store.action_by_id(ctx.session, action_id)
    team = next((t for t in mine if action is not None and t.id == action.team_id), None)
    if action is None or team is None or action.workspace_id != person.workspace_id:
        raise NotFound("That button names no action of a team you are in; it may be out of date. "
                       "`tandem action helps [team] N` answers by number.")
    return team, action


async def _give(ctx: Ctx, person: Person, command: c.ActionFeedback, team: Team, action: TeamAction) -> Reply:
    if not await store.give_feedback(ctx.session, action_id=action.id, person_id=person.id, helps=command.helps,
                                     now=ctx.clock.now(), changeable_from=week_cutoff(person_today(ctx, person))):
        raise BadArguments(f"Your answer to action {action.number} of {team.name} was counted last week and stays "
                           "as it is (an answer can be changed only in the week it was first given, so the totals "
                           "of past weeks never move).")
    said = "it helps" if command.helps else "it doesn't help"
    return Reply.of(Text(f"Thanks — noted that {said}. You can change it until the end of this week; only totals "
                         f"are shown, and only once at least {person.workspace.min_group} people have answered."))


async def done(ctx: Ctx, person: Person, command: c.ActionDone) -> Reply:
    team = await _team_for(ctx, person, command.team)
    outcome = within_limit(command.outcome, "outcome") if command.outcome else None
    action = await store.action_by_number(ctx.session, team.id, command.number)
    if action is None:
        raise NotFound(f"{team.name} has no action {command.number}; `/tandem action list` shows them.")
    if not await store.mark_done(ctx.session, action, outcome=outcome, now=ctx.clock.now()):
        raise BadArguments(f"Action {action.number} of {team.name} is already done.")
    return Reply.of(Text(f"Action {action.number} of {team.name} is done."))
