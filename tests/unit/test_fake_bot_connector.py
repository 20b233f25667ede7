"""The fake Bot Connector, driven by botbuilder's real clients, and the Teams activity loaders."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botbuilder.core import ActivityHandler, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ChannelAccount,
    ConversationAccount,
    ConversationParameters,
    ConversationReference,
    ErrorResponseException,
)
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from botframework.connector.teams import TeamsConnectorClient

from tests.fakes import teams_activities as ta
from tests.fakes.bot_connector import FakeBotConnector, Sent
from tests.fakes.teams_fixtures import fake_connector  # noqa: F401  (fixture)

CHANNEL_THREAD = "19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2;messageid=1575667808184"
PERSONAL = "a:1XJKJMvc5GBtc2JwZq0oj8tH;x@y"


class _AnonymousConfig:
    """What ConfigurationBotFrameworkAuthentication reads; an empty APP_ID disables auth both
    ways (inbound JWT check and outbound token), which is how a bot talks to the fake."""

    APP_ID = ""
    APP_PASSWORD = ""
    APP_TYPE = "MultiTenant"
    APP_TENANTID = ""


def anonymous_adapter() -> CloudAdapter:
    return CloudAdapter(ConfigurationBotFrameworkAuthentication(_AnonymousConfig()))


def anonymous_client(fake: FakeBotConnector) -> ConnectorClient:
    return ConnectorClient(MicrosoftAppCredentials.empty(), base_url=fake.service_url)


def reference(fake: FakeBotConnector, conversation_id: str = PERSONAL) -> ConversationReference:
    return ConversationReference(
        channel_id="msteams",
        service_url=fake.service_url,
        conversation=ConversationAccount(
            id=conversation_id, conversation_type="personal", tenant_id=ta.DEFAULT_TENANT_ID
        ),
        user=ChannelAccount(id=ta.DEFAULT_USER_ID),
        bot=ChannelAccount(id=ta.DEFAULT_BOT_ID, name="Tandem"),
    )


# ---------------------------------------------------------------------------------- connector


async def test_service_url_ends_with_slash(fake_connector: FakeBotConnector) -> None:
    assert fake_connector.service_url.startswith("http://127.0.0.1:")
    assert fake_connector.service_url.endswith("/")


async def test_send_reply_update_delete_are_recorded_with_encoded_ids(
    fake_connector: FakeBotConnector,
) -> None:
    client = anonymous_client(fake_connector)
    conversations = client.conversations

    sent = await conversations.send_to_conversation(
        CHANNEL_THREAD, Activity(type="message", text="hello")
    )
    reply = await conversations.reply_to_activity(
        CHANNEL_THREAD, sent.id, Activity(type="message", text="a reply")
    )
    updated = await conversations.update_activity(
        CHANNEL_THREAD, sent.id, Activity(type="message", id=sent.id, text="hello, edited")
    )
    await conversations.delete_activity(CHANNEL_THREAD, reply.id)

    assert sent.id and reply.id and sent.id != reply.id
    assert updated.id == sent.id
    kinds = [(s.kind, s.conversation_id, s.activity_id) for s in fake_connector.sent]
    assert kinds == [
        ("send", CHANNEL_THREAD, sent.id),
        ("reply", CHANNEL_THREAD, reply.id),
        ("update", CHANNEL_THREAD, sent.id),
        ("delete", CHANNEL_THREAD, reply.id),
    ]
    assert all(isinstance(s, Sent) for s in fake_connector.sent)
    assert fake_connector.sent[1].activity["replyToId"] == sent.id
    assert "application/json" in fake_connector.sent[0].headers["Content-Type"]
    assert [a["text"] for a in fake_connector.activities_in(CHANNEL_THREAD)] == ["hello", "a reply"]
    assert {k: v["text"] for k, v in fake_connector.visible_in(CHANNEL_THREAD).items()} == {
        sent.id: "hello, edited"
    }


async def test_create_conversation_is_stable_per_user(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)
    params = ConversationParameters(
        is_group=False,
        bot=ChannelAccount(id=ta.DEFAULT_BOT_ID),
        members=[ChannelAccount(id=ta.DEFAULT_USER_ID)],
        tenant_id=ta.DEFAULT_TENANT_ID,
        channel_data={"tenant": {"id": ta.DEFAULT_TENANT_ID}},
    )
    first = await client.conversations.create_conversation(params)
    second = await client.conversations.create_conversation(params)

    assert first.id == second.id and first.id.startswith("a:")
    creates = fake_connector.of_kind("create")
    assert len(creates) == 2 and creates[0].activity["members"][0]["id"] == ta.DEFAULT_USER_ID


async def test_members_and_team_details(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)
    synthesized = await client.conversations.get_conversation_member(PERSONAL, "29:someone")
    assert synthesized.id == "29:someone" and synthesized.name

    fake_connector.add_member(
        PERSONAL, ta.DEFAULT_USER_ID, name="Megan Bowen", email="megan@contoso.example"
    )
    member = await client.conversations.get_conversation_member(PERSONAL, ta.DEFAULT_USER_ID)
    assert member.name == "Megan Bowen"
    assert member.additional_properties["email"] == "megan@contoso.example"
    members = await client.conversations.get_conversation_members(PERSONAL)
    assert [m.id for m in members] == [ta.DEFAULT_USER_ID]
    with pytest.raises(ErrorResponseException) as missing:
        await client.conversations.get_conversation_member(PERSONAL, "29:stranger")
    assert missing.value.response.status_code == 404

    fake_connector.add_team(ta.DEFAULT_TEAM_ID, "Support", channels=[("19:ch2@thread.tacv2", "Escalations")])
    # TeamsInfo.get_team_details/get_team_channels use this *blocking* client from async code;
    # it only works because the fake serves from its own thread.
    teams = TeamsConnectorClient(MicrosoftAppCredentials.empty(), base_url=fake_connector.service_url)
    details = teams.teams.get_team_details(ta.DEFAULT_TEAM_ID)
    assert details.id == ta.DEFAULT_TEAM_ID and details.name == "Support"
    channels = teams.teams.get_teams_channels(ta.DEFAULT_TEAM_ID)
    assert [c.id for c in channels.conversations] == [ta.DEFAULT_TEAM_ID, "19:ch2@thread.tacv2"]


async def test_429_surfaces_status_and_retry_after(fake_connector: FakeBotConnector) -> None:
    """How a sender reads a Connector failure: botbuilder raises
    botbuilder.schema.ErrorResponseException (an msrest HttpOperationError);
    `.response` is the requests.Response: `.status_code` and `.headers["Retry-After"]`;
    `.error.error.code` is the Connector's error code."""
    client = anonymous_client(fake_connector)
    fake_connector.fail_next(status=429, retry_after=2, times=1)

    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text="x"))

    error = caught.value
    assert error.response.status_code == 429
    assert float(error.response.headers["Retry-After"]) == 2
    assert error.error.error.code == "TooManyRequests"
    assert fake_connector.sent == []
    assert [(a.kind, a.status) for a in fake_connector.attempts] == [("send", 429)]

    again = await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text="x"))
    assert fake_connector.sent[0].activity_id == again.id


async def test_403_message_writes_blocked(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)
    fake_connector.fail_next(status=403)
    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text="x"))
    assert caught.value.response.status_code == 403
    assert caught.value.error.error.code == "MessageWritesBlocked"
    assert "Retry-After" not in caught.value.response.headers


@pytest.mark.parametrize("status", [412, 500, 502, 504])
async def test_server_errors_on_send_reach_the_caller(
    fake_connector: FakeBotConnector, status: int
) -> None:
    """POST (send/reply/create) is never retried inside msrest (urllib3 2 does not retry POST),
    so every failure reaches the outbox. PUT/DELETE/GET 500/502/503/504 *are* retried up to
    3 times by msrest's urllib3 policy before the caller sees them (see next test)."""
    client = anonymous_client(fake_connector)
    fake_connector.fail_next(status=status)
    with pytest.raises(ErrorResponseException) as caught:
        await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text="x"))
    assert caught.value.response.status_code == status


async def test_update_is_retried_by_msrest_on_502(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)
    sent = await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text="x"))
    fake_connector.fail_next(status=502, kinds={"update"})
    await client.conversations.update_activity(PERSONAL, sent.id, Activity(type="message", id=sent.id, text="y"))
    assert [(a.kind, a.status) for a in fake_connector.attempts] == [
        ("send", 201),
        ("update", 502),
        ("update", 200),
    ]


async def test_fail_randomly_is_seeded(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)

    async def run() -> list[int]:
        fake_connector.reset()
        fake_connector.fail_randomly(0.5, statuses=(429, 500), seed=7)
        for i in range(20):
            try:
                await client.conversations.send_to_conversation(
                    PERSONAL, Activity(type="message", text=str(i))
                )
            except ErrorResponseException:
                pass
        return [a.status for a in fake_connector.attempts]

    first, second = await run(), await run()
    assert first == second
    assert {429, 500, 201} <= set(first)
    assert len(fake_connector.sent) == first.count(201)


async def test_rate_limit_per_conversation(fake_connector: FakeBotConnector) -> None:
    client = anonymous_client(fake_connector)
    fake_connector.limit_rate(per_second=3)
    statuses = []
    for i in range(5):
        try:
            await client.conversations.send_to_conversation(PERSONAL, Activity(type="message", text=str(i)))
            statuses.append(201)
        except ErrorResponseException as error:
            statuses.append(error.response.status_code)
    assert statuses == [201, 201, 201, 429, 429]
    await client.conversations.send_to_conversation("a:other", Activity(type="message", text="z"))


async def test_anonymous_cloud_adapter_proactive_send_and_429(
    fake_connector: FakeBotConnector,
) -> None:
    adapter = anonymous_adapter()
    ids: list[str] = []

    async def send_checkin(turn: TurnContext) -> None:
        response = await turn.send_activity("How are you today?")
        ids.append(response.id)

    await adapter.continue_conversation(reference(fake_connector), send_checkin, "")
    [record] = await fake_connector.wait_for(1, conversation_id=PERSONAL)
    assert record.activity["text"] == "How are you today?"
    assert record.activity_id == ids[0]
    # continue_conversation sets replyToId, so botbuilder uses the "reply" route
    assert record.kind in ("send", "reply")

    fake_connector.fail_next(status=429, retry_after=3)
    with pytest.raises(ErrorResponseException) as caught:
        await adapter.continue_conversation(reference(fake_connector), send_checkin, "")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "3"


async def test_inbound_message_reply_lands_in_fake(fake_connector: FakeBotConnector) -> None:
    """An inbound Teams activity processed by an anonymous CloudAdapter (empty auth header)."""

    class Echo(ActivityHandler):
        async def on_message_activity(self, turn: TurnContext) -> None:
            await turn.send_activity(f"you said {turn.activity.text}")

    adapter = anonymous_adapter()
    inbound = ta.to_activity(ta.personal_message("checkin", service_url=fake_connector.service_url))
    await adapter.process_activity("", inbound, Echo().on_turn)

    [record] = fake_connector.sent
    assert record.conversation_id == ta.DEFAULT_PERSONAL_CONVERSATION_ID
    assert record.activity["text"] == "you said checkin"
    assert record.activity["replyToId"] == inbound.id


# ---------------------------------------------------------------------------------- loaders


def _client_info(activity: Activity) -> dict:
    [info] = [e for e in activity.entities if e.type == "clientInfo"]
    return info.additional_properties


@pytest.mark.parametrize(
    "build",
    [
        lambda url: ta.installation_update_add(url, "tenant-1", "29:user-1", "a:conv-1"),
        lambda url: ta.installation_update_add(url, "tenant-1", "29:user-1", "19:chan@thread.tacv2"),
        lambda url: ta.conversation_update_bot_added_personal(url, "tenant-1", "29:user-1", "a:conv-1"),
        lambda url: ta.conversation_update_bot_added_to_team(url, "tenant-1", "29:user-1", "19:chan@thread.tacv2"),
        lambda url: ta.personal_message("checkin", url, "tenant-1", "29:user-1", "a:conv-1"),
        lambda url: ta.channel_message("tandem digest", url, "tenant-1", "29:user-1", "19:chan@thread.tacv2"),
        lambda url: ta.card_submit({"mood": 4}, "1575667808184", url, "tenant-1", "29:user-1", "a:conv-1"),
    ],
)
def test_loaders_parse_with_substitutions(build) -> None:
    url = "http://127.0.0.1:9999/"
    raw = build(url)
    activity = Activity().deserialize(raw)

    assert activity.channel_id == "msteams"
    assert activity.service_url == url
    assert activity.channel_data["tenant"]["id"] == "tenant-1"
    assert raw["conversation"]["tenantId"] == "tenant-1"
    assert activity.from_property.id == "29:user-1"
    assert activity.recipient.id == ta.DEFAULT_BOT_ID
    assert activity.local_timezone == "Europe/London"
    info = _client_info(activity)
    assert info["timezone"] == "Europe/London" and info["locale"] == "en-GB"
    assert activity.timestamp is not None
    assert json.loads(json.dumps(raw)) == raw


def test_installation_update_scopes() -> None:
    personal = ta.installation_update_add("http://x/", "t", "29:u", "a:conv")
    assert personal["action"] == "add"
    assert personal["conversation"]["conversationType"] == "personal"
    assert "team" not in personal["channelData"]
    team = ta.installation_update_add("http://x/", "t", "29:u", "19:c@thread.tacv2", team_id="19:team@thread.tacv2")
    assert team["conversation"]["conversationType"] == "channel"
    assert team["channelData"]["team"]["id"] == "19:team@thread.tacv2"
    assert team["channelData"]["settings"]["selectedChannel"]["id"] == "19:c@thread.tacv2"


def test_card_submit_shape() -> None:
    raw = ta.card_submit({"action": "mood", "score": 3}, "1575667808184", "http://x/")
    activity = Activity().deserialize(raw)
    assert activity.type == "message"
    assert activity.text is None and "text" not in raw
    assert activity.value == {"action": "mood", "score": 3}
    assert activity.reply_to_id == "1575667808184"


def test_personal_message_local_time_and_timezone_override() -> None:
    moment = datetime(2024, 7, 1, 8, 30, tzinfo=UTC)
    raw = ta.personal_message("hi", timestamp=moment, timezone="America/New_York", locale="en-US")
    activity = Activity().deserialize(raw)
    assert raw["timestamp"] == "2024-07-01T08:30:00.000Z"
    assert raw["localTimestamp"] == "2024-07-01T04:30:00.000-04:00"
    assert activity.local_timezone == "America/New_York"
    assert _client_info(activity)["timezone"] == "America/New_York"
    assert raw["attachments"][0]["contentType"] == "text/html"


def test_botbuilder_test_activities_and_shared_dir_override(monkeypatch, tmp_path: Path) -> None:
    created = ta.botbuilder_test_activities(event_type="channelCreated")
    assert created and all(Activity().deserialize(i["activity"]).type for i in created)
    assert len(ta.botbuilder_test_activities()) == 56

    monkeypatch.setenv("TANDEM_SHARED_DIR", str(tmp_path))
    assert ta.shared_dir() == tmp_path
    monkeypatch.delenv("TANDEM_SHARED_DIR")
    assert (ta.shared_dir() / "specs" / "teams" / "PROVENANCE.md").is_file()
