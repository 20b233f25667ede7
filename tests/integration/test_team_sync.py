"""Team sync through the core, on SQLite and PostgreSQL, with a fake of our own Directory port: following a
source, joins and leaves dated, one welcome ever, a source that disappears, two replicas at once."""
from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select, update

from bot import units
from bot.console.render import render
from bot.teamsync.runner import sync_due
from bot.wiring import build
from handlers.identity import Caller
from handlers.teamsync.events import source_changed
from handlers.teamsync.sources import (
    RESYNC_EVERY,
    SLACK_GROUP,
    Roster,
    RosterMember,
    SourceGone,
    SourceRef,
    SourceUnavailable,
)
from handlers.teamsync.welcome import NOTICE_KIND, WELCOME_KIND
from storage.models import Membership, Outbox, Person, Team, TeamSource

WORKSPACE = "T0001"


class FakeDirectory:
    """Our Directory port answering from a dict: user group handle -> member ids (None: the group is gone)."""

    def __init__(self) -> None:
        self.groups: dict[str, list[str] | None] = {}
        self.calls: list[list[str]] = []
        self.unavailable = False

    async def rosters(self, workspace: str, sources: Sequence[SourceRef]) -> list[Roster | Exception]:
        self.calls.append([s.reference for s in sources])
        answers: list[Roster | Exception] = []
        for source in sources:
            handle = source.reference if source.reference.startswith("@") else "@" + source.reference[2:]
            members = self.groups.get(handle)
            if self.unavailable:
                answers.append(SourceUnavailable("slack answered 429 five times"))
            elif members is None:
                answers.append(SourceGone(f"there is no user group {handle} (it may have been deleted)."))
            else:
                answers.append(Roster(reference="S-" + handle[1:], label=handle, members=tuple(
                    RosterMember(user_id=m, name=f"Person {m}", email=f"{m.lower()}@example.com",
                                 timezone="Europe/London") for m in members),
                    owners=(RosterMember(user_id="ULEAD", name="Lead"),)))
        return answers


def slack_caller(user: str) -> Caller:
    return Caller(platform="slack", workspace_id=WORKSPACE, user_id=user, display_name=user.title())


async def say(harness, user: str, text: str) -> str:
    reply = await units.run(harness.deps, slack_caller(user), text)
    assert reply is not None
    return "\n".join(render(m) for m in reply.messages)


async def members_of(harness, team: str, role: str = "member") -> set[str]:
    async with harness.deps.context() as ctx:
        rows = await ctx.session.execute(
            select(Person.platform_user_id).join(Membership, Membership.person_id == Person.id)
            .join(Team, Team.id == Membership.team_id)
            .where(Team.name == team, Membership.role == role, Membership.ended_on.is_(None)))
        return {r[0] for r in rows}


async def outbox_of(harness, kind: str) -> list[Outbox]:
    return [row for row in await harness.rows(Outbox) if row.kind == kind]


async def test_a_team_follows_a_user_group_with_dated_joins_and_leaves_and_one_welcome(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@support-team"] = [f"U{i:04d}" for i in range(1200)]
    reply = await say(harness, "UADMIN", "/tandem team sync Support @support-team")
    assert "Created team “Support”" in reply and "now follows @support-team" in reply

    result = await sync_due(harness.deps, {"slack": directory})
    [done] = result.outcomes
    assert done.change is not None and len(done.change.joined) == 1200 and not done.change.left
    assert await members_of(harness, "Support") == set(directory.groups["@support-team"] or [])
    assert len(await outbox_of(harness, WELCOME_KIND)) == 1200
    [notice] = await outbox_of(harness, NOTICE_KIND)
    assert "1200 joined" in notice.payload["text"] and notice.person_id == 1
    [source] = await harness.rows(TeamSource)
    assert (source.reference, source.last_added, source.last_error) == ("S-support-team", 1200, None)

    # nothing is due until the group changes (or RESYNC_EVERY passes)
    assert (await sync_due(harness.deps, {"slack": directory})).outcomes == []
    harness.clock.advance(timedelta(days=3))
    directory.groups["@support-team"] = [f"U{i:04d}" for i in range(2, 1203)]  # two leave, three join
    async with harness.deps.context() as ctx:
        assert await source_changed(ctx, platform="slack", workspace=WORKSPACE, kind=SLACK_GROUP,
                                    reference="S-support-team") == 1
    harness.clock.advance(timedelta(minutes=1))
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.change is not None
    assert sorted(done.change.left) == ["Person U0000", "Person U0001"] and len(done.change.joined) == 3
    ended = [m for m in await harness.rows(Membership) if m.ended_on is not None]
    assert len(ended) == 2 and all(m.ended_on == harness.clock.now().date() for m in ended)
    assert len(await outbox_of(harness, WELCOME_KIND)) == 1203  # only the three newcomers
    assert len(await outbox_of(harness, NOTICE_KIND)) == 1  # the admin heard about the first sync only

    # someone who left and comes back is not welcomed twice
    harness.clock.advance(timedelta(days=1))
    directory.groups["@support-team"] = [f"U{i:04d}" for i in range(1203)]
    harness.clock.advance(RESYNC_EVERY)
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.change is not None and sorted(done.change.joined) == ["Person U0000", "Person U0001"]
    assert len(await outbox_of(harness, WELCOME_KIND)) == 1203


async def test_a_source_that_disappears_keeps_the_members_and_tells_the_admin_once(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2", "U3"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await sync_due(harness.deps, {"slack": directory})
    directory.groups["@ops"] = None
    for _ in range(3):
        harness.clock.advance(RESYNC_EVERY + timedelta(minutes=1))
        [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
        assert done.error and "no user group @ops" in done.error
    assert await members_of(harness, "Ops") == {"U1", "U2", "U3"}
    notices = [n.payload["text"] for n in await outbox_of(harness, NOTICE_KIND)]
    assert len(notices) == 2 and "couldn't sync Ops" in notices[1] and "members stay" in notices[1]
    status = await say(harness, "UADMIN", "/tandem team sync status")
    assert "Ops ← S-ops" not in status and "Ops ← @ops (Slack user group): 3 member(s)" in status
    assert "⚠ failed" in status and "no user group @ops" in status


async def test_an_unavailable_platform_is_retried_soon_and_changes_nothing(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    directory.unavailable = True
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.error and "429" in done.error and await members_of(harness, "Ops") == set()
    [source] = await harness.rows(TeamSource)
    assert source.due_at is not None and source.due_at - harness.clock.now() <= timedelta(minutes=5)
    assert source.lease_owner is None
    directory.unavailable = False
    harness.clock.advance(timedelta(minutes=6))
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.change is not None and await members_of(harness, "Ops") == {"U1", "U2"}


async def test_managers_from_the_source_and_hand_edits_refused_on_a_synced_team(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops managers")
    await sync_due(harness.deps, {"slack": directory})
    assert await members_of(harness, "Ops", "manager") == {"ULEAD"}
    refused = await say(harness, "UADMIN", "/tandem team add Ops @U9")
    assert "follows @ops, so its members come from there" in refused and "unsync" in refused
    assert "managers come from there" in await say(harness, "UADMIN", "/tandem team manager Ops @U1")
    assert "no longer follows @ops" in await say(harness, "UADMIN", "/tandem team unsync Ops")
    assert await members_of(harness, "Ops") == {"U1", "U2"}  # unsyncing keeps the members
    assert "doesn't follow a source" in await say(harness, "UADMIN", "/tandem team unsync Ops")
    assert await harness.count(TeamSource) == 0


async def test_bad_sync_commands_get_a_reason_and_change_nothing(harness) -> None:
    await say(harness, "UADMIN", "hello")  # the first person is the workspace's admin
    cases = {
        "/tandem team sync Support": "Name the team and its source",
        "/tandem team sync Support support-team": "is not a source",
        "/tandem team sync Support this-team": "`this-team` means the Teams team",
        "/tandem team sync Support #support managers": "no owners Tandem can read",
        "/tandem team unsync Nowhere": "There is no team called “Nowhere”",
        "/tandem team sync @x @y": "does not start with @",
    }
    for line, expected in cases.items():
        reply = await say(harness, "UADMIN", line)
        assert expected in reply, (line, reply)
        assert "/tandem team list" in reply or "There is no team" in reply, (line, reply)
    assert "Only Tandem admins" in await say(harness, "UBOB", "/tandem team sync Support @support-team")
    assert await harness.count(TeamSource) == 0 and await harness.count(Team) == 0
    console = await harness.say("ada", "tandem team sync Support @support-team")
    assert "console has no directory" in console and "org import FILE.csv" in console


async def test_two_replicas_syncing_at_once_add_nobody_twice(harness, settings, database) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = [f"U{i}" for i in range(300)]
    directory.groups["@sales"] = [f"U{i}" for i in range(200, 500)]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await say(harness, "UADMIN", "/tandem team sync Sales @sales")
    url, options = database
    other = build(settings, clock=harness.clock, database_url=url, scorer=harness.deps.scorer,
                  engine_options=options)
    try:
        first, second = await asyncio.gather(sync_due(harness.deps, {"slack": directory}),
                                             sync_due(other, {"slack": directory}))
    finally:
        await other.close()
    assert len(first.outcomes) + len(second.outcomes) == 2
    rows = [m for m in await harness.rows(Membership) if m.role == "member"]
    assert len(rows) == 600 and len({(m.team_id, m.person_id) for m in rows}) == 600
    assert await harness.count(Person) == 1 + 500  # the admin and everyone once, whichever team came first
    assert len(await outbox_of(harness, WELCOME_KIND)) == 500


async def test_forget_me_is_honoured_by_later_syncs_until_the_person_talks_again(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2", "U3"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await sync_due(harness.deps, {"slack": directory})
    await say(harness, "U2", "/tandem forget-me")
    done = await say(harness, "U2", "/tandem forget-me confirm")
    assert "everything Tandem held about you is deleted" in done and "no sync adds you back" in done
    assert "U2" not in {p.platform_user_id for p in await harness.rows(Person)}
    harness.clock.advance(RESYNC_EVERY + timedelta(minutes=1))
    await sync_due(harness.deps, {"slack": directory})
    assert await members_of(harness, "Ops") == {"U1", "U3"}
    assert "U2" not in {p.platform_user_id for p in await harness.rows(Person)}

    await say(harness, "U2", "hello again")  # talking to Tandem again lifts the opt-out
    harness.clock.advance(RESYNC_EVERY + timedelta(minutes=1))
    await sync_due(harness.deps, {"slack": directory})
    assert await members_of(harness, "Ops") == {"U1", "U2", "U3"}


async def test_digests_of_past_weeks_do_not_change_when_people_leave_or_join(harness) -> None:
    from handlers.insights.build import build_team_digest
    from storage.calendar import iso_week_of
    from tests.integration.digest_seed import LONG_AGO, seed_moods

    directory = FakeDirectory()
    directory.groups["@ops"] = [f"U{i}" for i in range(1, 9)]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await sync_due(harness.deps, {"slack": directory})
    async with harness.deps.context() as ctx:  # the memberships go back years, as if synced long ago
        await ctx.session.execute(update(Membership).values(started_on=LONG_AGO))
    past = iso_week_of(harness.clock.now().date() - timedelta(days=14))
    await seed_moods(harness, past, {f"U{i}": 2 + i % 3 for i in range(1, 9)})

    async def digest() -> dict:
        async with harness.deps.context() as ctx:
            team = await ctx.session.scalar(select(Team).where(Team.name == "Ops"))
            return (await build_team_digest(ctx, team, past, 5)).to_json()

    before = await digest()
    assert before["respondents"] == 8
    directory.groups["@ops"] = ["U4", "U5", "U6", "U7", "U8", "U9", "U10"]  # three leave, two join
    harness.clock.advance(RESYNC_EVERY + timedelta(minutes=1))
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.change is not None and len(done.change.left) == 3 and len(done.change.joined) == 2
    assert await digest() == before


async def test_help_shows_admins_what_is_synced_and_employees_nothing_of_it(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2"]
    assert "none yet" in await say(harness, "UADMIN", "/tandem help")
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    assert "Ops ← @ops (Slack user group): 0 member(s); first sync pending" in await say(harness, "UADMIN", "help")
    await sync_due(harness.deps, {"slack": directory})
    admin_help = await say(harness, "UADMIN", "/tandem help")
    assert "Synced teams (admins)" in admin_help and "Ops ← @ops (Slack user group): 2 member(s); synced just now" \
        in admin_help and "+2 −0" in admin_help
    assert "Synced teams" not in await say(harness, "U1", "/tandem help")
    listing = await say(harness, "UADMIN", "/tandem team list")
    assert "Ops: 2 member(s); managed by nobody yet; follows @ops" in listing


async def test_a_source_that_suddenly_lists_nobody_does_not_empty_the_team(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2", "U3"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await sync_due(harness.deps, {"slack": directory})
    directory.groups["@ops"] = []
    harness.clock.advance(RESYNC_EVERY + timedelta(minutes=1))
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.error and "lists nobody now" in done.error and "3 member(s)" in done.error
    assert await members_of(harness, "Ops") == {"U1", "U2", "U3"}


async def test_following_the_same_source_again_changes_nothing_and_another_source_replaces_it(harness) -> None:
    directory = FakeDirectory()
    directory.groups["@ops"] = ["U1", "U2"]
    directory.groups["@ops-emea"] = ["U2", "U3"]
    await say(harness, "UADMIN", "/tandem team sync Ops @ops")
    await sync_due(harness.deps, {"slack": directory})
    for again in ("@ops", "@OPS"):
        assert "already follows @ops; nothing changed" in await say(harness, "UADMIN", f"/tandem team sync Ops {again}")
    assert (await sync_due(harness.deps, {"slack": directory})).outcomes == []
    replaced = await say(harness, "UADMIN", "/tandem team sync ops @ops-emea")
    assert "Ops now follows @ops-emea instead of @ops" in replaced
    [done] = (await sync_due(harness.deps, {"slack": directory})).outcomes
    assert done.change is not None and done.change.joined == ["Person U3"] and done.change.left == ["Person U1"]
    assert len(await outbox_of(harness, NOTICE_KIND)) == 2  # one report per source set up
