"""Team sync on Teams end to end: `tandem team sync TEAM this-team` typed in a team channel, the roster read
page by page from the (fake) Bot Connector, members dated in and out, one welcome DM each through the outbox,
the admin told; Teams' membership events make the next run come sooner; throttling, a deleted team and
hostile conversationUpdates change nothing they shouldn't."""
from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
import pytest_asyncio
from sqlalchemy import delete, select, update

from bot.teams.directory import TeamsDirectory
from bot.teamsync.runner import RunResult, sync_due
from handlers.teamsync.welcome import NOTICE_KIND, WELCOME_KIND
from storage import teams
from storage.models import Membership, Outbox, Person, Team, TeamSource, Workspace
from tests.e2e.teams_support import TeamsServer, new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")
WAITS: list[float] = []


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_team_sync")) as running:
        directory = running.deps.directories["teams"]
        assert isinstance(directory, TeamsDirectory)

        async def recorded_sleep(seconds: float) -> None:
            WAITS.append(seconds)

        directory.sleep = recorded_sleep
        yield running


@dataclass
class Org:
    tenant: str
    team_id: str
    admin: str
    admin_aad: str
    members: list[dict[str, Any]]


async def _org(server: TeamsServer, members: int = 60, owners: int = 2, name: str = "Support") -> Org:
    """A tenant whose admin added Tandem to a team of `members` people (the first `owners` of them owners).
    Earlier tests' sources are parked and their unsent messages dropped, so each test syncs and sends only its own."""
    server.connector.reset()
    WAITS.clear()
    async with server.deps.context() as ctx:
        await ctx.session.execute(update(TeamSource).values(due_at=None))
        await ctx.session.execute(delete(Outbox).where(Outbox.status != "sent"))
    tenant, team_id = new_tenant(), f"19:{uuid.uuid4().hex}@thread.tacv2"
    server.connector.add_team(team_id, name)
    listed = server.connector.add_team_members(team_id, members, owners=owners, tenant_id=tenant,
                                               prefix=uuid.uuid4().hex[:6])
    admin, admin_aad = new_user()
    status, _ = await server.post(ta.conversation_update_bot_added_to_team(
        server.connector.service_url, tenant, admin, team_id, team_id=team_id, team_name=name,
        aad_object_id=admin_aad))
    assert status == 200
    return Org(tenant, team_id, admin, admin_aad, listed)


async def _in_channel(server: TeamsServer, org: Org, text: str, team_id: str | None = None) -> None:
    status, _ = await server.post(ta.channel_message(text, server.connector.service_url, org.tenant, org.admin,
                                                     org.team_id, team_id=team_id or org.team_id,
                                                     aad_object_id=org.admin_aad, user_name="Sam Admin"))
    assert status == 200


def _activities(server: TeamsServer) -> list[dict[str, Any]]:
    """Activities Tandem posted (a create's first activity included)."""
    found = []
    for record in server.connector.sent:
        activity = record.activity.get("activity") if record.kind == "create" else record.activity
        if isinstance(activity, dict):
            found.append(activity)
    return found


def _texts(server: TeamsServer) -> list[str]:
    return [str(activity["text"]) for activity in _activities(server) if activity.get("text")]


def _without_enums(node: Any) -> Any:
    """The Activity schema's enums predate what Teams sends (its PROVENANCE says not to validate them strictly)."""
    if isinstance(node, dict):
        return {key: _without_enums(value) for key, value in node.items() if key != "enum"}
    return [_without_enums(value) for value in node] if isinstance(node, list) else node


def _activity_errors(activity: dict[str, Any]) -> list[str]:
    """What the official Bot Framework Activity schema finds wrong with an activity Tandem sent."""
    schema = json.loads((ta.teams_specs_dir() / "botframework-sdk-specs" / "activity.schema.json").read_text())
    validator = jsonschema.Draft4Validator(_without_enums(schema))
    return [error.message for error in validator.iter_errors(activity)]


async def _sync(server: TeamsServer) -> RunResult:
    return await sync_due(server.deps, server.deps.directories)


async def _team(server: TeamsServer, org: Org, name: str = "Support") -> Team:
    team = await server.scalar(select(Team).join(Workspace, Team.workspace_id == Workspace.id).where(
        Workspace.external_id == org.tenant, Team.name == name))
    assert team is not None
    return team


async def _members(server: TeamsServer, team: Team, role: str = "member") -> set[str]:
    """AAD object ids of the team's current members in `role`."""
    people = await server.rows(select(Person).join(Membership, Membership.person_id == Person.id).where(
        Membership.team_id == team.id, Membership.role == role, Membership.ended_on.is_(None)))
    return {p.platform_user_id for p in people}


async def _outbox(server: TeamsServer, org: Org, kind: str) -> list[Outbox]:
    return await server.rows(select(Outbox).join(Workspace, Outbox.workspace_id == Workspace.id).where(
        Workspace.external_id == org.tenant, Outbox.kind == kind))


async def _drain(server: TeamsServer) -> None:
    server.clock.advance(timedelta(hours=1))
    await server.dispatcher.drain()


async def test_a_team_of_2500_syncs_in_pages_welcomes_each_member_once_and_tells_the_admin(server) -> None:
    org = await _org(server, members=2500, owners=3)
    await _in_channel(server, org, "tandem team sync Support this-team managers")  # Teams names no owners
    assert any("has no owners Tandem can read" in text and "/tandem team manager" in text for text in _texts(server))
    assert await server.count(TeamSource, TeamSource.reference == org.team_id) == 0
    await _in_channel(server, org, "tandem team sync Support this-team")
    assert any("now follows this Teams team" in text for text in _texts(server))
    source = await server.scalar(select(TeamSource).where(TeamSource.reference == org.team_id))
    assert source is not None and source.kind == "teams-team" and not source.managers_from_source

    result = await _sync(server)
    [outcome] = result.outcomes
    assert outcome.error is None and outcome.change is not None and outcome.change.members == 2500
    pages = [a for a in server.connector.attempts if a.kind == "paged_members"]
    assert len(pages) == 5 and all("pageSize=500" in a.path for a in pages)
    team = await _team(server, org)
    assert await _members(server, team) == {m["aadObjectId"] for m in org.members}
    assert await _members(server, team, "manager") == set()  # even members the fake calls "owner"
    source = await server.scalar(select(TeamSource).where(TeamSource.id == source.id))
    assert source.label == "Support"  # the team's name, from GET /v3/teams/{id}

    welcomes = await _outbox(server, org, WELCOME_KIND)
    assert len(welcomes) == 2500 and len({w.person_id for w in welcomes}) == 2500  # sent in the churn test below
    [notice] = await _outbox(server, org, NOTICE_KIND)
    assert "2500 member(s) in all" in notice.payload["text"] and "manager" not in notice.payload["text"]

    server.connector.reset()
    server.clock.advance(timedelta(hours=7))  # the periodic re-read: nothing changed, nobody welcomed again
    [again] = (await _sync(server)).outcomes
    assert again.change is not None and not again.change.changed and again.change.welcomed == 0


@pytest.mark.parametrize("chat", ["personal", "groupChat"])
async def test_this_team_outside_a_team_channel_says_where_to_type_it_and_stores_nothing(server, chat) -> None:
    org = await _org(server, members=5)
    message = ta.personal_message(f"tandem team sync Support this-team:{org.team_id}", server.connector.service_url,
                                  org.tenant, org.admin, personal_conversation(), aad_object_id=org.admin_aad)
    if chat == "groupChat":  # a group chat is no team either: no channelData.team, whatever the text says
        message["conversation"] = {"id": f"19:{uuid.uuid4().hex}@thread.v2", "conversationType": "groupChat",
                                   "isGroup": True, "tenantId": org.tenant}
    assert (await server.post(message))[0] == 200
    [reply] = [text for text in _texts(server) if "Type this in a channel of the Teams team" in text]
    assert "a personal chat has none" in reply and "Usage: /tandem team" in reply and "this-team" in reply
    assert await server.count(TeamSource, TeamSource.reference == org.team_id) == 0
    assert await server.count(Team, Team.name == "Support", Team.workspace_id == (
        await server.scalar(select(Workspace.id).where(Workspace.external_id == org.tenant)))) == 0


async def test_a_typed_team_id_is_replaced_by_the_team_the_channel_belongs_to(server) -> None:
    org = await _org(server, members=5)
    other = f"19:{uuid.uuid4().hex}@thread.tacv2"
    await _in_channel(server, org, f"tandem team sync Support THIS-TEAM:{other}")
    source = await server.scalar(select(TeamSource).join(Workspace, TeamSource.workspace_id == Workspace.id)
                                 .where(Workspace.external_id == org.tenant))
    assert source is not None and source.reference == org.team_id


async def test_churn_between_syncs_dates_leaves_and_joins_and_welcomes_nobody_twice(server) -> None:
    org = await _org(server, members=80, owners=1)
    await _in_channel(server, org, "tandem team sync Support this-team")
    await _sync(server)
    first_day = server.clock.now().date()
    team = await _team(server, org)
    await _drain(server)
    opened = {r.activity["members"][0]["id"] for r in server.connector.of_kind("create") if r.activity.get("members")}
    assert {m["id"] for m in org.members} <= opened  # a 1:1 chat opened with each, from the team's channel reference
    sent = [a for a in _activities(server) if "You're part of Support's check-ins" in str(a.get("text"))]
    assert len(sent) == 80 and _activity_errors(sent[0]) == []
    assert {row.status for row in await _outbox(server, org, WELCOME_KIND)} == {"sent"}
    [notice] = await _outbox(server, org, NOTICE_KIND)
    assert notice.status == "sent" and "80 member(s) in all" in notice.payload["text"]
    leaving = org.members[10:15]
    for member in leaving:
        server.connector.remove_member(org.team_id, member["id"])
    newcomers = server.connector.add_team_members(org.team_id, 4, tenant_id=org.tenant, prefix="new" + org.tenant[:4])
    server.connector.add_member(org.team_id, org.members[10]["id"], name="Back Again",  # left and came back
                                aad_object_id=org.members[10]["aadObjectId"], tenant_id=org.tenant)
    server.clock.advance(timedelta(days=1, hours=7))
    [outcome] = (await _sync(server)).outcomes
    assert outcome.change is not None
    assert len(outcome.change.joined) == 4 and len(outcome.change.left) == 4
    expected = {m["aadObjectId"] for m in org.members if m not in leaving[1:]} | {m["aadObjectId"] for m in newcomers}
    assert await _members(server, team) == expected
    left = await server.rows(select(Membership).where(Membership.team_id == team.id, Membership.ended_on.is_not(None)))
    assert len(left) == 4 and {m.ended_on for m in left} == {server.clock.now().date()}
    async with server.deps.context() as ctx:  # the days before still count the team as it was then
        before = await teams.current_member_ids(ctx.session, team.id, "member", first_day)
    assert len(before) == 80 and first_day < server.clock.now().date()
    welcomes = await _outbox(server, org, WELCOME_KIND)
    assert len(welcomes) == 84 and len({w.person_id for w in welcomes}) == 84


async def test_429s_and_a_503_mid_paging_are_waited_out_and_the_same_page_asked_again(server) -> None:
    org = await _org(server, members=1300)
    await _in_channel(server, org, "tandem team sync Support this-team")
    server.connector.fail_next(429, retry_after=3, times=2, kinds={"paged_members"}, skip=1)
    server.connector.fail_next(503, kinds={"paged_members"}, skip=2)  # the pages the 429s did not answer: 1, 2
    [outcome] = (await _sync(server)).outcomes
    assert outcome.error is None and outcome.change is not None and outcome.change.members == 1300
    assert WAITS == [3, 3, 1]  # Retry-After as told; a 503 without one backs off from a second
    pages = [a for a in server.connector.attempts if a.kind == "paged_members"]
    assert [a.status for a in pages] == [200, 429, 429, 200, 503, 200]
    assert pages[1].path == pages[3].path and pages[4].path == pages[5].path  # the same continuation token again


async def test_a_retry_after_beyond_patience_leaves_the_team_as_it_was_and_retries_soon(server) -> None:
    org = await _org(server, members=600)
    await _in_channel(server, org, "tandem team sync Support this-team")
    server.connector.fail_next(429, retry_after=600, kinds={"paged_members"}, skip=1)
    [outcome] = (await _sync(server)).outcomes
    assert outcome.error is not None and "429" in outcome.error
    assert WAITS == []
    assert await _members(server, await _team(server, org)) == set()
    source = await server.scalar(select(TeamSource).where(TeamSource.reference == org.team_id))
    assert source.due_at is not None and source.due_at <= server.clock.now() + timedelta(minutes=5)


@pytest.mark.parametrize("bot_removed", [False, True])
async def test_a_deleted_team_keeps_its_members_shows_the_error_and_tells_the_admin_once(server, bot_removed) -> None:
    org = await _org(server, members=20)
    await _in_channel(server, org, "tandem team sync Support this-team")
    await _sync(server)
    team = await _team(server, org)
    before = await _members(server, team)
    assert len(before) == 20
    server.connector.remove_team(org.team_id, bot_removed=bot_removed)
    event, gone = ("teamMemberRemoved", [{"id": ta.DEFAULT_BOT_ID}]) if bot_removed else ("teamDeleted", [])
    status, _ = await server.post(ta.conversation_update_team_members(
        event, gone, server.connector.service_url, org.tenant, org.admin, team_id=org.team_id,
        aad_object_id=org.admin_aad))
    assert status == 200
    for wait in (timedelta(seconds=20), timedelta(hours=7)):  # Teams' event makes it due at once; then a re-read
        server.clock.advance(wait)
        [outcome] = (await _sync(server)).outcomes
        assert outcome.error is not None
    assert outcome.error is not None and ("removed" if bot_removed else "no longer exists") in outcome.error
    assert await _members(server, team) == before
    notices = [row for row in await _outbox(server, org, NOTICE_KIND) if "couldn't sync" in row.payload["text"]]
    assert len(notices) == 1
    server.connector.reset()
    await _in_channel(server, org, "tandem team sync status")
    [status] = [text for text in _texts(server) if "Synced teams" in text]
    assert "Support ← Support (Teams team)" in status and "⚠ failed" in status


async def test_a_member_joining_or_leaving_in_teams_makes_the_next_run_apply_it(server) -> None:
    org = await _org(server, members=10)
    await _in_channel(server, org, "tandem team sync Support this-team")
    await _sync(server)
    team = await _team(server, org)
    assert (await _sync(server)).outcomes == []  # not due again for hours
    joiner = server.connector.add_member(org.team_id, f"29:{uuid.uuid4().hex}", name="Nia New",
                                         aad_object_id=str(uuid.uuid4()), tenant_id=org.tenant)
    status, _ = await server.post(ta.conversation_update_team_members(
        "teamMemberAdded", [{"id": joiner["id"], "aadObjectId": joiner["aadObjectId"]}],
        server.connector.service_url, org.tenant, org.admin, team_id=org.team_id, aad_object_id=org.admin_aad))
    assert status == 200
    server.clock.advance(timedelta(seconds=20))
    [outcome] = (await _sync(server)).outcomes
    assert outcome.change is not None and outcome.change.joined == ["Nia New"]
    server.connector.remove_member(org.team_id, joiner["id"])
    status, _ = await server.post(ta.conversation_update_team_members(
        "teamMemberRemoved", [{"id": joiner["id"]}], server.connector.service_url, org.tenant, org.admin,
        team_id=org.team_id, aad_object_id=org.admin_aad))
    assert status == 200
    server.clock.advance(timedelta(seconds=20))
    [outcome] = (await _sync(server)).outcomes
    assert outcome.change is not None and outcome.change.left == ["Nia New"]
    assert joiner["aadObjectId"] not in await _members(server, team)


async def test_hostile_conversation_updates_never_fail_and_change_nothing(server) -> None:
    org = await _org(server, members=10)
    await _in_channel(server, org, "tandem team sync Support this-team")
    await _sync(server)
    url = server.connector.service_url
    event = ta.conversation_update_team_members("teamMemberAdded", [{"id": "29:x"}], url, org.tenant, org.admin,
                                                team_id=org.team_id, aad_object_id=org.admin_aad)
    assert (await server.post(event))[0] == 200
    server.clock.advance(timedelta(seconds=20))
    assert len((await _sync(server)).outcomes) == 1
    replayed = [await server.post(event) for _ in range(3)]  # the same activity id again: no effect
    other_tenant = ta.conversation_update_team_members("teamMemberRemoved", [{"id": "29:x"}], url, new_tenant(),
                                                       team_id=org.team_id)
    unknown_team = ta.conversation_update_team_members("teamMemberRemoved", [{"id": "29:x"}], url, org.tenant,
                                                       org.admin, team_id="19:nobody@thread.tacv2",
                                                       aad_object_id=org.admin_aad)
    malformed: list[Any] = [
        dict(event, id="f:1", channelData={"eventType": "teamMemberAdded", "team": "not-an-object",
                                           "tenant": {"id": org.tenant}}),
        dict(event, id="f:2", channelData={"eventType": "teamMemberAdded", "team": {"id": 12},
                                           "tenant": {"id": org.tenant}}),
        dict(event, id="f:3", channelData={"eventType": "teamMemberAdded", "team": {"id": "x" * 5000},
                                           "tenant": {"id": org.tenant}}),
        dict(event, id="f:4", membersAdded="nobody"),
        dict(event, id="f:5", channelData=["not", "a", "dict"]),
        dict(event, id="f:6", conversation=None),
        "{not json",
    ]
    answers = [*replayed, await server.post(other_tenant), await server.post(unknown_team)]
    answers += [await server.post(payload) for payload in malformed]
    assert all(status < 500 for status, _ in answers), answers
    server.clock.advance(timedelta(seconds=20))
    assert (await _sync(server)).outcomes == []  # nothing made the followed team due again


async def test_unauthenticated_activities_are_refused_when_the_app_id_is_set(tmp_path) -> None:
    environ = {"MICROSOFT_APP_ID": str(uuid.uuid4()), "MICROSOFT_APP_PASSWORD": "secret"}
    async with running_server(tmp_path, environ) as secured:
        tenant, (user, aad) = new_tenant(), new_user()
        team_id = f"19:{uuid.uuid4().hex}@thread.tacv2"
        forged = [
            ta.channel_message("tandem team sync Support this-team", secured.connector.service_url, tenant, user,
                               team_id, team_id=team_id, aad_object_id=aad),
            ta.conversation_update_team_members("teamMemberAdded", [{"id": "29:x"}], secured.connector.service_url,
                                                tenant, user, team_id=team_id, aad_object_id=aad),
        ]
        for activity in forged:
            assert (await secured.post(activity))[0] == 401
            assert (await secured.post(activity, {"Authorization": "Bearer forged.jwt.token"}))[0] == 401
        assert await secured.count(TeamSource) == 0 and await secured.count(Person) == 0
        assert secured.connector.attempts == []
