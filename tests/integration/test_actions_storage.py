"""Team actions in storage, on SQLite and PostgreSQL: numbered per team, closed once, feedback one per person
and changeable, counted only as totals, and gone with the person who asked to be forgotten."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import actions
from storage.models import ActionFeedback
from tests.support.seed import seed_org, seed_team

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_actions_are_numbered_per_team_and_closed_once(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, people = await seed_org(ctx.session, people=1, now=NOW)
        other = await seed_team(ctx.session, workspace.id, "sales", now=NOW)
        first = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                         text="No meetings on Fridays", created_by=people[0].id, now=NOW)
        second = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                          text="Rota for the late shift", created_by=people[0].id, now=NOW)
        elsewhere = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=other.id,
                                             text="Quieter office", created_by=None, now=NOW)
        assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
        assert await actions.action_by_number(ctx.session, other.id, 2) is None
        assert [a.number for a in await actions.actions_of_team(ctx.session, team.id)] == [1, 2]

        assert await actions.mark_done(ctx.session, first, outcome="Fridays are quiet now", now=NOW)
        assert not await actions.mark_done(ctx.session, first, outcome="again", now=NOW + timedelta(days=1))
        assert (first.status, first.outcome, first.done_at) == ("done", "Fridays are quiet now", NOW)


async def _counts(session, workspace_id: int, action_id: int,
                  before: datetime = NOW + timedelta(days=365)) -> actions.FeedbackCounts:
    """The raw totals of one action from the answers storage hands out (what handlers/action_feedback reads)."""
    rows = [a for a in await actions.answers_in_workspaces(session, [workspace_id], before) if a.action_id == action_id]
    return actions.FeedbackCounts(answered=len(rows), helps=sum(a.helps for a in rows))


async def test_feedback_is_one_per_person_changeable_and_counted_in_totals(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, people = await seed_org(ctx.session, people=3, now=NOW)
        action = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                          text="Rota", created_by=None, now=NOW)
        assert await _counts(ctx.session, workspace.id, action.id) == actions.FeedbackCounts(0, 0)
        for person, helps in zip(people, (True, True, False), strict=True):
            await actions.give_feedback(ctx.session, action_id=action.id, person_id=person.id, helps=helps, now=NOW,
                                        changeable_from=NOW)
        assert await actions.give_feedback(ctx.session, action_id=action.id, person_id=people[0].id, helps=False,
                                           now=NOW + timedelta(hours=1), changeable_from=NOW)
        assert await _counts(ctx.session, workspace.id, action.id) == actions.FeedbackCounts(3, 1)
        later = NOW + timedelta(days=7)  # the first answer is older than the week it could be changed in
        assert not await actions.give_feedback(ctx.session, action_id=action.id, person_id=people[1].id,
                                               helps=False, now=later, changeable_from=later)
        assert await _counts(ctx.session, workspace.id, action.id) == actions.FeedbackCounts(3, 1)
        assert await _counts(ctx.session, workspace.id, action.id, before=NOW + timedelta(seconds=1)) \
            == actions.FeedbackCounts(3, 1)  # the changed answer keeps the time it was first given
        assert len((await ctx.session.scalars(select(ActionFeedback))).all()) == 3


async def test_a_forgotten_person_takes_their_feedback_along(harness) -> None:
    from storage.people import delete_person

    async with harness.deps.context() as ctx:
        workspace, team, people = await seed_org(ctx.session, people=2, now=NOW)
        action = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                          text="Rota", created_by=people[0].id, now=NOW)
        for person in people:
            await actions.give_feedback(ctx.session, action_id=action.id, person_id=person.id, helps=True, now=NOW,
                                        changeable_from=NOW)
        await delete_person(ctx.session, people[0])
        assert await _counts(ctx.session, workspace.id, action.id) == actions.FeedbackCounts(1, 1)
        await ctx.session.refresh(action)
        assert action.created_by is None
