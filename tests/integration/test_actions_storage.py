"""Team actions in storage, on SQLite and PostgreSQL: numbered per team, closed once, feedback one per person
and changeable, counted only as totals, and gone with the person who asked to be forgotten."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from storage import actions
from storage.models import ActionFeedback, Person, Team, Workspace
from tests.support.seed import seed_org, seed_team

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TODAY = NOW.date()


async def test_actions_are_numbered_per_team_and_closed_once(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, people = await seed_org(ctx.session, people=1, now=NOW)
        other = await seed_team(ctx.session, workspace.id, "sales", now=NOW)
        first = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                         text="No meetings on Fridays", created_by=people[0].id, now=NOW,
                                         local_date=TODAY)
        second = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id,
                                          text="Rota for the late shift", created_by=people[0].id, now=NOW,
                                          local_date=TODAY)
        elsewhere = await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=other.id,
                                             text="Quieter office", created_by=None, now=NOW, local_date=TODAY)
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
                                          text="Rota", created_by=None, now=NOW, local_date=TODAY)
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
                                          text="Rota", created_by=people[0].id, now=NOW, local_date=TODAY)
        for person in people:
            await actions.give_feedback(ctx.session, action_id=action.id, person_id=person.id, helps=True, now=NOW,
                                        changeable_from=NOW)
        await delete_person(ctx.session, people[0])
        assert await _counts(ctx.session, workspace.id, action.id) == actions.FeedbackCounts(1, 1)
        await ctx.session.refresh(action)
        assert action.created_by is None


async def test_actions_of_teams_reads_the_local_dates_recorded_inclusive(harness) -> None:
    async with harness.deps.context() as ctx:
        workspace, team, _ = await seed_org(ctx.session, people=0, now=NOW)
        for day in (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 8), date(2026, 3, 9)):
            await actions.add_action(ctx.session, workspace_id=workspace.id, team_id=team.id, text=str(day),
                                     created_by=None, now=NOW, local_date=day)
        rows = await actions.actions_of_teams(ctx.session, [team.id], date(2026, 3, 2), date(2026, 3, 8))
        assert [a.text for a in rows] == ["2026-03-02", "2026-03-08"]  # one ISO week, Monday to Sunday


async def test_migrating_dates_existing_actions_where_their_recorder_was(database) -> None:
    """0011 gives actions recorded before it the date of created_at in the recorder's zone, or in the workspace's
    once the recorder is gone: Sunday 23:30 in Los Angeles and Monday 00:30 in Auckland, as they were locally."""
    from sqlalchemy import insert

    from storage.db import create_engine, upgrade
    from storage.models import TeamAction

    url, options = database
    engine = create_engine(url, **options)
    try:
        await upgrade(engine, "0010_shared_notes")
        async with engine.begin() as connection:
            await connection.execute(insert(Workspace).values(
                id=1, platform="console", external_id="w", name="w", timezone="Pacific/Auckland", holiday_country="",
                min_group=5, active=True, created_at=NOW))
            await connection.execute(insert(Person).values(
                id=1, workspace_id=1, platform_user_id="u1", display_name="U1", timezone="America/Los_Angeles",
                is_admin=False, active=True, created_at=NOW))
            await connection.execute(insert(Team).values(id=1, workspace_id=1, name="t", created_at=NOW))
            for number, by, at in ((1, 1, datetime(2026, 10, 12, 6, 30, tzinfo=UTC)),
                                   (2, None, datetime(2026, 10, 11, 11, 30, tzinfo=UTC))):
                await connection.execute(insert(TeamAction).values(
                    id=number, workspace_id=1, team_id=1, number=number, text="x", created_by=by, created_at=at,
                    status="open"))
        await upgrade(engine)
        async with engine.connect() as connection:
            rows = (await connection.execute(select(TeamAction.id, TeamAction.local_date)
                                             .order_by(TeamAction.id))).all()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [(1, date(2026, 10, 11)), (2, date(2026, 10, 12))]
