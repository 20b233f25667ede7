"""`org import`: an HR export's teams, members and managers on SQLite and PostgreSQL — bad rows reported by
line and skipped, duplicates, unknown managers, 20,000 rows, the same file twice, a dry run, moves that keep
past weeks, teams that leave the file, teams that follow Slack, and what `team sync status` shows."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.cli.org import import_chart
from handlers.identity import Caller, identify
from handlers.teamsync.org_report import OrgImport
from handlers.teamsync.org_rows import BadOrgFile, read_org_chart
from handlers.teamsync.sources import ORG_CHART, SLACK_GROUP
from handlers.teamsync.welcome import WELCOME_KIND
from storage import team_sources, teams
from storage.models import Membership, Outbox, Person, Team, TeamSource

HEADER = "email,platform_id,name,team,manager_email,timezone,country\n"


def chart(*lines: str, header: str = HEADER):
    return read_org_chart(io.StringIO(header + "".join(line + "\n" for line in lines), newline=""))


async def org_import(harness, *lines: str, dry_run: bool = False, header: str = HEADER) -> OrgImport:
    return await import_chart(harness.deps, chart(*lines, header=header), file="org.csv", dry_run=dry_run)


async def members_of(harness, team: str, role: str = "member") -> set[str]:
    """Platform ids (placeholders: email:ADDRESS) of the team's current members with this role."""
    async with harness.deps.context() as ctx:
        found = await teams.find_team(ctx.session, 1, team)
        assert found is not None, team
        return {p.platform_user_id for p in await teams.people_in_team(ctx.session, found.id, role,
                                                                        harness.clock.now().date())}


async def welcomes(harness) -> list[int]:
    return sorted(row.person_id for row in await harness.rows(Outbox) if row.kind == WELCOME_KIND)


async def test_bad_rows_are_reported_by_line_and_skipped_and_good_rows_applied(harness) -> None:
    await harness.join("ada")
    header = "\ufeff Email , Platform ID ,NAME,Team,Manager-Email,TimeZone,Country,Cost centre\n"
    report = await org_import(harness, *[
        "ann@example.com,U1,Ann,Support,,Europe/London,GB,42",  # 2 good
        "bo@example.com,U2,Bo,,,,,",  # 3 no team
        ",,Nobody,Support,,,,",  # 4 no email or platform id
        "not-an-email,,Cy,Support,,,,",  # 5 malformed email
        "",  # 6 blank: not a row
        "di@example.com,U4,Di,Support,,Mars/Olympus,,",  # 7 unknown zone
        "ed@example.com,U5,Ed,Support,,,XX,",  # 8 bad country
        "fay@example.com,U6,Fay,Support,boss@,,,",  # 9 malformed manager email
        "gus@example.com,U 7,Gus,Support,,,,",  # 10 bad platform id
        "ANN@example.com,,Ann again,Sales,,,,",  # 11 duplicate of line 2
        '"hal@example.com",U8,"Hal, the second",Sales,,America/New_York,us,',  # 12 good (quoted, lower-case cc)
    ], header=header)
    assert [(p.line, p.skipped) for p in report.problems] == [(n, True) for n in (3, 4, 5, 7, 8, 9, 10, 11)]
    reasons = {p.line: p.reason for p in report.problems}
    assert reasons[3] == "no team" and "no email or platform_id" in reasons[4]
    assert "'not-an-email' is not an email address" in reasons[5] and "unknown time zone 'Mars/Olympus'" in reasons[7]
    assert "unknown country code 'XX'" in reasons[8] and "manager_email 'boss@'" in reasons[9]
    assert "'U 7' is not a platform id" in reasons[10] and "ann@example.com is already on line 2" in reasons[11]
    assert await members_of(harness, "Support") == {"U1"} and await members_of(harness, "Sales") == {"U8"}
    people = {p.platform_user_id: p for p in await harness.rows(Person)}
    assert (people["U1"].timezone, people["U1"].holiday_country, people["U1"].email) == (
        "Europe/London", "GB", "ann@example.com")
    assert (people["U8"].display_name, people["U8"].holiday_country) == ("Hal, the second", "US")
    summary = report.summary("org.csv", dry_run=False)
    assert "10 row(s) for 2 team(s); 8 error(s)" in summary and "line 7: unknown time zone" in summary


async def test_a_file_that_cannot_be_an_org_chart_changes_nothing(harness) -> None:
    with pytest.raises(BadOrgFile, match="is empty"):
        chart(header="")
    with pytest.raises(BadOrgFile, match=r"no column email or platform_id, manager_email.*it has 'name', 'team'"):
        chart("Ann,Support", header="name,team\n")
    with pytest.raises(BadOrgFile, match="names email more than once"):
        chart(header="email,Email,name,team,manager_email\n")
    with pytest.raises(BadOrgFile, match="header but no rows"):
        chart("", header=HEADER)
    await harness.join("ada")
    report = await org_import(harness, ",,x,Support,,,")
    assert report.teams == [] and "No row could be imported, so nothing changed" in report.summary("f", False)
    assert await harness.count(Team) == 0


async def test_a_person_twice_keeps_the_first_row_and_a_skipped_row_never_makes_anyone_leave(harness) -> None:
    await harness.join("ada")
    await org_import(harness, "ann@example.com,U1,Ann,Support,,,", "bo@example.com,U2,Bo,Support,,,")
    report = await org_import(harness, "ann@example.com,U1,Ann,Sales,,,", ",U1,Ann,Support,,,",
                              "bo@example.com,U2,Bo,Support,,Nowhere/Town,")
    assert [(p.line, p.reason.split(";")[0]) for p in report.problems] == [
        (3, "U1 is already on line 2"),
        (4, "unknown time zone 'Nowhere/Town' (use an IANA name such as Europe/London)")]
    assert await members_of(harness, "Sales") == {"U1"}  # the first row stands: Ann moved
    assert await members_of(harness, "Support") == {"U2"}  # Bo's row was bad, so Bo stays where he was


async def test_managers_come_from_the_file_or_the_workspace_and_unknown_ones_are_warnings(harness) -> None:
    await harness.join("ada")
    async with harness.deps.context() as ctx:  # someone Tandem knows by email, who is not in the file
        await identify(ctx, Caller(platform="console", workspace_id="local", user_id="zed", display_name="Zed",
                                   email="zed@example.com"))
    report = await org_import(harness,
                              "boss@example.com,UB,Boss,Leads,zed@example.com,,",
                              "ann@example.com,U1,Ann,Support,boss@example.com,,",
                              "bo@example.com,U2,Bo,Support,ghost@example.com,,",
                              "cy@example.com,U3,Cy,Support,ghost@example.com,,")
    [warning] = report.problems
    assert (warning.line, warning.skipped) == (4, False)
    assert "ghost@example.com names nobody in the file or in this workspace" in warning.reason
    assert "Support is imported without that manager (2 row(s) name them)" in warning.reason
    assert await members_of(harness, "Support") == {"U1", "U2", "U3"}
    assert await members_of(harness, "Support", "manager") == {"UB"}
    assert await members_of(harness, "Leads", "manager") == {"zed"}
    assert "warning: manager_email ghost@example.com" in report.summary("org.csv", False)

    # a manager no row names any more stops managing today
    await org_import(harness, "boss@example.com,UB,Boss,Leads,,,", "ann@example.com,U1,Ann,Support,,,")
    assert await members_of(harness, "Support", "manager") == set()
    assert await members_of(harness, "Leads", "manager") == set()


async def test_twenty_thousand_rows_then_the_same_file_changes_nothing(harness) -> None:
    await harness.join("ada")
    lines = [f"p{n}@example.com,{'' if n % 10 == 9 else f'U{n}'},Person {n},Team {n // 200},"
             f"p{(n // 200) * 200}@example.com,Europe/Berlin,DE" for n in range(20_000)]
    first = await org_import(harness, *lines)
    assert first.problems == [] and len(first.teams) == 100 and all(t.created for t in first.teams)
    assert sum(len(t.change.joined) for t in first.teams) == 20_000
    assert await harness.count(Person) == 20_001 and await harness.count(TeamSource) == 100
    memberships = await harness.rows(Membership)
    assert len([m for m in memberships if m.role == "member"]) == 20_000
    assert len([m for m in memberships if m.role == "manager"]) == 100
    assert len(await welcomes(harness)) == 18_000  # people known only by email are not messaged

    again = await org_import(harness, *lines)
    assert not again.changed and again.problems == [] and len(again.teams) == 100
    assert "Nothing changed: the teams already match the file." in again.summary("org.csv", False)
    assert len(await harness.rows(Membership)) == 20_100 and len(await welcomes(harness)) == 18_000


async def test_a_dry_run_shows_what_would_change_and_stores_nothing(harness) -> None:
    await harness.join("ada")
    await org_import(harness, "ann@example.com,U1,Ann,Support,,,")
    before = {model: await harness.count(model) for model in (Team, Person, Membership, TeamSource, Outbox)}
    report = await org_import(harness, "bo@example.com,U2,Bo,Support,ann@example.com,,",
                              "cy@example.com,,Cy,Sales,,,", dry_run=True)
    summary = report.summary("org.csv", dry_run=True)
    assert "Dry run: nothing was stored. Importing it would change:" in summary
    assert "1 team(s) created, 2 membership(s) started, 1 ended" in summary
    assert "Support: 1 joined (Bo); 1 left (Ann; their past weeks are kept); new manager(s): Ann" in summary
    assert "Sales (new): 1 joined (Cy)" in summary
    assert {model: await harness.count(model) for model in before} == before
    assert await members_of(harness, "Support") == {"U1"}
    unchanged = await org_import(harness, "ann@example.com,U1,Ann,Support,,,", dry_run=True)
    assert "importing it would change nothing" in unchanged.summary("org.csv", dry_run=True)


async def test_a_move_keeps_past_weeks_and_a_team_left_out_of_the_file_is_emptied(harness) -> None:
    from handlers.insights.build import build_team_digest
    from storage.calendar import iso_week_of
    from tests.integration.digest_seed import LONG_AGO, seed_moods

    await harness.join("ada")
    ops = [f"o{n}@example.com,U{n},Person {n},Ops,,," for n in range(1, 9)]
    await org_import(harness, *ops, "x@example.com,UX,X,Sales,,,")
    async with harness.deps.context() as ctx:  # as if imported long ago
        for membership in (await ctx.session.scalars(select(Membership))).all():
            membership.started_on = LONG_AGO
    past = iso_week_of(harness.clock.now().date() - timedelta(days=14))
    await seed_moods(harness, past, {f"U{n}": 2 + n % 3 for n in range(1, 9)})

    async def digest() -> dict:
        async with harness.deps.context() as ctx:
            team = await ctx.session.scalar(select(Team).where(Team.name == "Ops"))
            return (await build_team_digest(ctx, team, past, 5)).to_json()

    before = await digest()
    assert before["respondents"] == 8
    harness.clock.advance(timedelta(days=1))
    moved = [line.replace(",Ops,", ",Support,") if line.startswith(("o1@", "o2@")) else line for line in ops]
    report = await org_import(harness, *moved)  # two move to Support; Sales is not in the file any more
    assert await digest() == before
    assert await members_of(harness, "Support") == {"U1", "U2"} and len(await members_of(harness, "Ops")) == 6
    assert await members_of(harness, "Sales") == set()
    changes = {t.team: t.change for t in report.teams}
    assert changes["Sales"].left == ["X"] and sorted(changes["Ops"].left) == ["Person 1", "Person 2"]
    today = harness.clock.now().date()
    ended = sorted((m.person_id, m.ended_on) for m in await harness.rows(Membership) if m.ended_on is not None)
    assert len(ended) == 3 and all(day == today for _, day in ended)  # history kept, ended today
    async with harness.deps.context() as ctx:
        sources = await team_sources.sources_of_kind(ctx.session, 1, ORG_CHART)
    assert len(sources) == 3  # Sales still follows the org chart, empty, until someone unsyncs it


async def test_a_team_that_follows_slack_is_not_taken_over_and_status_shows_org_chart_teams(harness) -> None:
    await harness.join("ada", "uma")
    await harness.say("ada", "tandem team create Support")
    await harness.say("ada", "tandem team add Support @uma")
    async with harness.deps.context() as ctx:
        support = await teams.find_team(ctx.session, 1, "Support")
        assert support is not None
        await team_sources.follow(ctx.session, workspace_id=1, team_id=support.id, kind=SLACK_GROUP,
                                  reference="S1", label="@support-team", managers_from_source=False,
                                  requested_by=None, now=harness.clock.now())
    report = await org_import(harness, "ann@example.com,U1,Ann,Sales,,,", "bo@example.com,U2,Bo,Support,,,",
                              "cy@example.com,U3,Cy,support,,,")
    [refused] = report.problems
    assert refused.line == 3 and "team “Support” follows @support-team (Slack user group)" in refused.reason
    assert "its 2 row(s) were skipped" in refused.reason and "unsync" in refused.reason
    assert await members_of(harness, "Support") == {"uma"}
    status = await harness.say("ada", "tandem team sync status")
    assert "Sales ← org chart (org.csv) (org chart, managers too): 1 member(s); imported just now, +1 −0" in status
    assert "Support ← @support-team (Slack user group)" in status
    refusal = await harness.say("ada", "tandem team add Sales @uma")
    assert "follows org chart (org.csv)" in refusal


async def test_people_known_only_by_email_are_welcomed_once_when_they_can_be_reached(harness) -> None:
    await harness.join("ada")
    await org_import(harness, "ann@example.com,U1,Ann,Support,,,", "bo@example.com,,Bo,Support,,,")
    people = {p.platform_user_id: p for p in await harness.rows(Person)}
    assert not people["email:bo@example.com"].active and await welcomes(harness) == [people["U1"].id]
    await org_import(harness, "ann@example.com,U1,Ann,Support,,,", "bo@example.com,U2,Bo,Support,,,")
    assert await members_of(harness, "Support") == {"U1", "U2"}  # Bo appeared: the same person, now reachable
    assert await welcomes(harness) == sorted([people["U1"].id, people["email:bo@example.com"].id])
    await org_import(harness, "ann@example.com,U1,Ann,Support,,,", "bo@example.com,U2,Bo,Support,,,")
    assert len(await welcomes(harness)) == 2
