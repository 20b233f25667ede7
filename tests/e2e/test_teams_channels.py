"""Teams scopes end to end: personal and team installs, channel @mentions, private answers, time zones."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.teams.bot import PRIVATE_SENT, TEAM_WELCOME
from storage.models import ConversationRef, Membership, Team
from tests.e2e.teams_support import TeamsServer, cards, new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_channels")) as running:
        yield running


async def _ref(server: TeamsServer, person_id: int) -> ConversationRef:
    return await server.scalar(select(ConversationRef).where(ConversationRef.person_id == person_id))


async def test_bot_added_to_a_personal_chat_is_greeted_once_across_both_install_events(server) -> None:
    tenant, (user, aad), chat = new_tenant(), new_user(), personal_conversation()
    url = server.connector.service_url
    for activity in (ta.conversation_update_bot_added_personal(url, tenant, user, chat, aad_object_id=aad),
                     ta.installation_update_add(url, tenant, user, chat, aad_object_id=aad)):
        status, _ = await server.post(activity)
        assert status == 200
    person = await server.person(tenant, aad)
    ref = await _ref(server, person.id)
    assert ref.reference is not None
    assert ref.reference["conversation"]["conversationType"] == "personal" and ref.channel_id == chat
    assert len(server.connector.activities_in(chat)) == 1


async def test_team_install_reaches_the_installer_privately_and_never_posts_checkins_in_the_channel(server) -> None:
    tenant, (user, aad) = new_tenant(), new_user()
    channel = f"19:{new_tenant().replace('-', '')}@thread.tacv2"
    url = server.connector.service_url
    status, _ = await server.post(ta.conversation_update_bot_added_to_team(url, tenant, user, channel,
                                                                           aad_object_id=aad))
    assert status == 200
    [greeting] = server.connector.activities_in(channel)
    assert greeting["text"] == TEAM_WELCOME
    person = await server.person(tenant, aad)
    reference = (await _ref(server, person.id)).reference
    assert reference is not None and reference["conversation"]["id"] == channel

    server.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await server.dispatcher.tick()
    [created] = [s for s in server.connector.of_kind("create") if s.activity["members"][0]["id"] == user]
    assert created.activity["channelData"]["tenant"]["id"] == tenant and created.activity["isGroup"] is False
    chat = created.conversation_id
    [prompt] = server.connector.activities_in(chat)
    assert cards(prompt)[0]["actions"][0]["data"]["tandem"] == "mood"
    assert len(server.connector.activities_in(channel)) == 1  # still only the greeting
    ref = await _ref(server, person.id)
    assert ref.reference is not None
    assert ref.channel_id == chat and ref.reference["conversation"]["conversationType"] == "personal"
    # a later channel message does not replace the private chat as the way to reach them
    await server.post(ta.channel_message("tandem help", url, tenant, user, channel, aad_object_id=aad))
    assert (await _ref(server, person.id)).channel_id == chat


async def test_channel_commands_strip_the_bot_mention_and_answer_in_the_private_chat(server) -> None:
    tenant, (user, aad), chat = new_tenant(), new_user(), personal_conversation()
    channel = f"19:{new_tenant().replace('-', '')}@thread.tacv2"
    url = server.connector.service_url
    await server.post(ta.installation_update_add(url, tenant, user, chat, aad_object_id=aad))
    before = len(server.connector.activities_in(chat))
    status, _ = await server.post(ta.channel_message("checkin", url, tenant, user, channel, aad_object_id=aad))
    assert status == 200
    [card] = list(server.connector.activities_in(chat)[before:])
    assert cards(card)[0]["actions"][4]["data"]["score"] == 5
    channel_posts = [a for s in server.connector.sent if s.conversation_id.startswith(channel)
                     for a in [s.activity]]
    assert [p["text"] for p in channel_posts] == [PRIVATE_SENT]


async def test_mentions_of_colleagues_work_as_handles_in_admin_commands(server) -> None:
    tenant, url = new_tenant(), server.connector.service_url
    (admin, admin_aad), (ana, ana_aad) = new_user(), new_user()
    admin_chat, ana_chat = personal_conversation(), personal_conversation()
    await server.post(ta.personal_message("tandem help", url, tenant, admin, admin_chat, aad_object_id=admin_aad,
                                          user_name="Sam Admin"))
    await server.post(ta.personal_message("tandem help", url, tenant, ana, ana_chat, aad_object_id=ana_aad,
                                          user_name="Ana Lee"))
    await server.post(ta.personal_message("tandem team create Support", url, tenant, admin, admin_chat,
                                          aad_object_id=admin_aad, user_name="Sam Admin"))
    message = ta.personal_message("tandem team add Support <at>Ana Lee</at>", url, tenant, admin, admin_chat,
                                  aad_object_id=admin_aad, user_name="Sam Admin")
    message["entities"].append({"type": "mention", "text": "<at>Ana Lee</at>",
                                "mentioned": {"id": ana, "name": "Ana Lee"}})
    status, _ = await server.post(message)
    assert status == 200
    ana_person = await server.person(tenant, ana_aad)
    team = await server.scalar(select(Team).where(Team.workspace_id == ana_person.workspace_id))
    [membership] = await server.rows(select(Membership).where(Membership.team_id == team.id))
    assert membership.person_id == ana_person.id and membership.role == "member"


@pytest.mark.parametrize("local_timezone, client_timezone, expected", [
    ("America/New_York", "America/New_York", "America/New_York"),
    (None, "Asia/Tokyo", "Asia/Tokyo"),
    (None, None, None),
    ("Mars/Olympus_Mons", None, None),
])
async def test_time_zone_comes_from_the_activity_else_the_workspace_default(
        server, local_timezone, client_timezone, expected) -> None:
    tenant, (user, aad), chat = new_tenant(), new_user(), personal_conversation()
    activity = ta.personal_message("tandem help", server.connector.service_url, tenant, user, chat,
                                   aad_object_id=aad, timezone=client_timezone)
    if local_timezone:
        activity["localTimezone"] = local_timezone
    else:
        activity.pop("localTimezone", None)
    status, _ = await server.post(activity)
    assert status == 200
    person = await server.person(tenant, aad)
    assert person.timezone == expected
    assert person.workspace.timezone == "Europe/London"
