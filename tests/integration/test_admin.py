"""Admin commands: who may run them, what they change, and what refusals leave behind."""
from __future__ import annotations

from storage.models import AuditLog, Membership, Person, Schedule, Team


async def test_first_person_in_an_empty_workspace_is_admin(harness) -> None:
    await harness.join("ada", "bob")
    people = {p.platform_user_id: p.is_admin for p in await harness.rows(Person)}
    assert people == {"ada": True, "bob": False}


async def test_admins_listed_in_app_yaml_are_admins(harness, settings) -> None:
    from dataclasses import replace

    harness.deps.config = replace(harness.deps.config, workspace=replace(harness.deps.config.workspace,
                                                                          admins=("carol",)))
    await harness.join("ada", "carol")
    assert {p.platform_user_id for p in await harness.rows(Person) if p.is_admin} == {"ada", "carol"}


async def test_non_admin_is_refused_audited_and_nothing_changes(harness) -> None:
    await harness.join("ada", "bob")
    before = [(s.checkin_days, s.checkin_time) for s in await harness.rows(Schedule)]
    for command in ("tandem schedule checkin mon 08:00", "tandem team create Ops", "tandem admin add @bob",
                    "tandem privacy min-group 9", "tandem holidays workspace US", "tandem status"):
        reply = await harness.say("bob", command)
        assert "Only Tandem admins" in reply, command
    assert [(s.checkin_days, s.checkin_time) for s in await harness.rows(Schedule)] == before
    assert await harness.count(Team) == 0
    refused = [a for a in await harness.rows(AuditLog) if not a.allowed]
    assert len(refused) == 6 and {a.action for a in refused} >= {"ScheduleCheckin", "TeamCreate", "AdminAdd"}


async def test_schedule_is_stored_and_shown(harness) -> None:
    await harness.join("ada")
    assert "Saved" in await harness.say("ada", "tandem schedule checkin mon,wed,fri 10:15")
    assert "Saved" in await harness.say("ada", "tandem schedule digest fri 16:00")
    assert "Saved" in await harness.say("ada", "tandem schedule reminder 2")
    [schedule] = await harness.rows(Schedule)
    assert (schedule.checkin_days, schedule.checkin_time) == ("0,2,4", "10:15")
    assert (schedule.digest_day, schedule.digest_time, schedule.reminder_hours) == (4, "16:00", 2)
    shown = await harness.say("ada", "tandem schedule show")
    assert "Mon, Wed, Fri at 10:15" in shown and "Fri at 16:00" in shown
    allowed = [a.action for a in await harness.rows(AuditLog) if a.allowed]
    assert allowed.count("ScheduleCheckin") == 1


async def test_malformed_schedule_input_changes_nothing(harness) -> None:
    await harness.join("ada")
    before = [(s.checkin_days, s.checkin_time, s.digest_day) for s in await harness.rows(Schedule)]
    for bad, expected in (("tandem schedule checkin mon-fri 25:00", "not a time"),
                          ("tandem schedule checkin mon-fri 9am", "not a time"),
                          ("tandem schedule checkin funday 09:00", "not a weekday"),
                          ("tandem schedule digest mon", "Give the day and the time"),
                          ("tandem schedule reminder 99", "from 0 to 12")):
        reply = await harness.say("ada", bad)
        assert expected in reply and "Usage: /tandem schedule" in reply, bad
    assert [(s.checkin_days, s.checkin_time, s.digest_day) for s in await harness.rows(Schedule)] == before


async def test_teams_members_and_managers(harness) -> None:
    await harness.join("ada", "alice", "bob", "mia")
    assert "Created team" in await harness.say("ada", 'tandem team create "Customer Success"')
    assert "Added to Customer Success: Alice, Bob" in await harness.say(
        "ada", 'tandem team add "Customer Success" @alice @bob')
    assert "now manages" in await harness.say("ada", "tandem team manager customer success @mia")
    assert "Removed from Customer Success: Bob" in await harness.say("ada", "tandem team remove Customer Success @bob")
    roles = sorted((m.role, m.ended_on is None) for m in await harness.rows(Membership))
    assert roles == [("manager", True), ("member", True)]  # bob's same-day membership leaves no trace
    listing = await harness.say("ada", "tandem team list")
    assert "Customer Success: 1 member(s); managed by Mia" in listing


async def test_unknown_team_or_person_gets_a_clear_reply_and_changes_nothing(harness) -> None:
    await harness.join("ada", "alice")
    await harness.say("ada", "tandem team create Support")
    assert "no team called “Sales”" in await harness.say("ada", "tandem team add Sales @alice")
    assert "I don't know @zed" in await harness.say("ada", "tandem team add Support @alice @zed")
    assert "already exists" in await harness.say("ada", "tandem team create support")
    assert await harness.count(Membership) == 0
    assert await harness.count(Team) == 1


async def test_the_last_admin_cannot_be_removed(harness) -> None:
    await harness.join("ada", "bob")
    assert "without an admin" in await harness.say("ada", "tandem admin remove @ada")
    assert "is now an admin" in await harness.say("ada", "tandem admin add @bob")
    assert "no longer an admin" in await harness.say("bob", "tandem admin remove @ada")
    assert {p.platform_user_id for p in await harness.rows(Person) if p.is_admin} == {"bob"}


async def test_help_shows_admin_commands_only_to_admins(harness) -> None:
    await harness.join("ada", "bob")
    admin_help, employee_help = await harness.say("ada", "tandem help"), await harness.say("bob", "tandem help")
    assert "/tandem schedule" in admin_help and "/tandem privacy" in admin_help
    assert "/tandem schedule" not in employee_help and "/tandem digest" not in employee_help
    assert "/checkin" in employee_help and "/tandem forget-me" in employee_help


async def test_privacy_threshold_has_a_floor_of_three(harness) -> None:
    await harness.join("ada")
    assert "from 3 to 1000" in await harness.say("ada", "tandem privacy min-group 2")
    assert "at least 7" in await harness.say("ada", "tandem privacy min-group 7")


async def test_first_contacts_racing_create_one_workspace_and_one_person_each(harness) -> None:
    """Ten requests at once from a new workspace (two from each person) all get answered: on SQLite a
    deferred transaction upgrading its lock used to fail at once with "database is locked"."""
    import asyncio

    from storage.models import CustomerMoment, Workspace

    people = ["ada", "bob", "cy", "dee", "eve"]
    replies = await asyncio.gather(*(harness.say(p, "tandem help") for p in people),
                                   *(harness.say(p, "moment The customer renewed") for p in people),
                                   return_exceptions=True)
    assert [r for r in replies if isinstance(r, Exception)] == []
    assert await harness.count(Workspace) == 1 and await harness.count(CustomerMoment) == 5
    assert sorted(p.platform_user_id for p in await harness.rows(Person)) == people
    assert sum(p.is_admin for p in await harness.rows(Person)) == 1


async def test_first_people_of_an_installed_workspace_racing_make_exactly_one_admin(harness) -> None:
    """An install creates the workspace before anyone writes; the first messages then arrive together."""
    import asyncio

    from handlers.identity import ensure_workspace

    async with harness.deps.context() as ctx:
        await ensure_workspace(ctx, "console", "local")
    people = ["ada", "bob", "cy", "dee", "eve", "fay"]
    replies = await asyncio.gather(*(harness.say(p, "tandem help") for p in people), return_exceptions=True)
    assert [r for r in replies if isinstance(r, Exception)] == []
    assert sum(p.is_admin for p in await harness.rows(Person)) == 1
