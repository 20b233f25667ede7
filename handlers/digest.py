"""`/tandem digest [team|org] [week]`: who may see which team's digest, for which whole week.

The figures and their privacy rules are in handlers/insights/ (build.py builds, figures.py decides what
may be shown, privacy.py has the rules); this use case only chooses the teams and the week.
"""
from __future__ import annotations

from datetime import date

from handlers import commands as c
from handlers.admin import require_in_charge, resolve_team
from handlers.context import Ctx
from handlers.errors import BadArguments
from handlers.identity import person_today
from handlers.insights.build import build_digests, digest_message
from handlers.messages import DigestMessage, Reply, Text
from storage import teams
from storage.calendar import iso_week_of, previous_iso_week
from storage.models import Person

ORGANISATION_WORDS = ("org", "organisation", "organization")
CHARTS_PER_REPLY = 20  # an admin asking for every team of a large workspace gets the rest without charts


def whole_week(requested: str | None, today: date) -> str:
    """The requested ISO week if it has ended, else refuse; default: the last whole week."""
    latest = previous_iso_week(today)
    if requested is None:
        return latest
    if requested > latest:
        current = iso_week_of(today)
        raise BadArguments(f"{requested} {'is still running' if requested == current else 'is in the future'}; "
                           f"digests cover whole weeks only. The latest is {latest}.")
    return requested


async def show_digest(ctx: Ctx, person: Person, command: c.ShowDigest) -> Reply:
    """`/tandem digest [team|org] [week]`: managers see their own teams, admins any team and the organisation.

    An admin who manages no team and names none gets every team plus the organisation view;
    `/tandem digest org` gives admins the organisation view alone (unless a team is called "org").
    """
    today = person_today(ctx, person)
    week = whole_week(command.week, today)
    managed = await teams.managed_teams(ctx.session, person.id, today)
    min_group = person.workspace.min_group
    if command.team is not None and command.team.strip().lower() in ORGANISATION_WORDS and person.is_admin \
            and await teams.find_team(ctx.session, person.workspace_id, command.team) is None:
        everything = await teams.teams_of_workspace(ctx.session, person.workspace_id)
        if not everything:
            return Reply.of(Text("There are no teams yet: `/tandem team create NAME`."))
        reports = await build_digests(ctx, everything, week, min_group, organisation=True)
        return Reply.of(await digest_message(reports[-1]))
    organisation = False
    if command.team is not None:
        team = await resolve_team(ctx, person.workspace_id, command.team)
        require_in_charge(person, team, managed, "see its digest", "digest")
        chosen = [team]
    elif managed:
        chosen = managed
    else:  # the command table lets only managers and admins this far: an admin who manages no team
        chosen = await teams.teams_of_workspace(ctx.session, person.workspace_id)
        if not chosen:
            return Reply.of(Text("There are no teams yet: `/tandem team create NAME`."))
        organisation = True
    reports = await build_digests(ctx, chosen, week, min_group, organisation=organisation)
    if organisation:  # the organisation view first when there are many teams: it is the one an admin reads
        reports = [reports[-1], *reports[:-1]] if len(reports) > CHARTS_PER_REPLY else reports
    return Reply(tuple([await digest_message(report) if i < CHARTS_PER_REPLY else DigestMessage(report=report)
                        for i, report in enumerate(reports)]))
