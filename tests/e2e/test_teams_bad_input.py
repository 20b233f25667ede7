"""Bad input over Teams: a clear reply or a quiet 200, never a 500, and nothing half-stored."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.teams.bot import EMPTY, NO_TENANT, OTHER_TENANT
from bot.teams.submits import UNKNOWN_CARD
from storage.models import CustomerMoment, MoodEntry, Person, Workspace
from tests.e2e.teams_support import TeamsServer, new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")
HOME_TENANT = "0f3c9c1e-1111-4c6e-9a43-5f7d1b2a0c99"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_bad")) as running:
        yield running


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def single_tenant(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    """MICROSOFT_APP_TENANT_ID restricts Tandem to one organisation."""
    async with running_server(tmp_path_factory.mktemp("teams_single"),
                              {"MICROSOFT_APP_TENANT_ID": HOME_TENANT}) as running:
        yield running


class User:
    def __init__(self, server: TeamsServer, tenant: str | None = None) -> None:
        self.server = server
        self.tenant = tenant or new_tenant()
        self.user, self.aad = new_user()
        self.conversation = personal_conversation()

    def ids(self) -> dict:
        return {"service_url": self.server.connector.service_url, "tenant_id": self.tenant, "user_id": self.user,
                "conversation_id": self.conversation, "aad_object_id": self.aad}

    async def say(self, text: str) -> tuple[int, list[dict]]:
        before = len(self.server.connector.activities_in(self.conversation))
        status, _ = await self.server.post(ta.personal_message(text, **self.ids()))
        return status, self.server.connector.activities_in(self.conversation)[before:]

    async def submit(self, value, reply_to: str = "1700000000000") -> tuple[int, list[dict]]:
        before = len(self.server.connector.activities_in(self.conversation))
        status, _ = await self.server.post(ta.card_submit(value, reply_to, **self.ids()))
        return status, self.server.connector.activities_in(self.conversation)[before:]

    async def post(self, activity: dict) -> tuple[int, list[dict]]:
        before = len(self.server.connector.activities_in(self.conversation))
        status, _ = await self.server.post(activity)
        return status, self.server.connector.activities_in(self.conversation)[before:]


@pytest.mark.parametrize("value, expected", [
    ({"colour": "blue"}, UNKNOWN_CARD),
    ({"tandem": "launch-rocket"}, UNKNOWN_CARD),
    ("just a string", UNKNOWN_CARD),
    ([1, 2, 3], UNKNOWN_CARD),
    ({"tandem": "mood", "prompt_id": "abc", "score": 4}, "missing a valid check-in"),
    ({"tandem": "mood", "prompt_id": "³", "score": 4}, "missing a valid check-in"),  # isdigit, but not int()
    ({"tandem": "mood", "prompt_id": "--5", "score": 4}, "missing a valid check-in"),
    ({"tandem": "mood", "prompt_id": 1}, "missing a valid mood"),
    ({"tandem": "mood", "prompt_id": 987654, "score": 4}, "can't find that check-in"),
    ({"tandem": "note", "prompt_id": 987654, "note": "hi"}, "can't find that check-in"),
    ({"tandem": "moment_details", "moment_id": 987654, "outcome": "positive"}, "can't find that moment"),
    ({"tandem": "moment", "text": "   "}, "moment is empty"),
    ({"tandem": "moment", "text": "Great renewal call", "outcome": "ecstatic"}, "is not an outcome"),
], ids=["no-tandem-key", "unknown-kind", "string-value", "list-value", "bad-prompt-id", "superscript-prompt-id",
        "double-minus-prompt-id", "missing-score",
        "unknown-prompt", "note-unknown-prompt", "unknown-moment", "empty-moment", "bad-outcome"])
async def test_unknown_or_broken_card_data_gets_a_specific_reply(server, value, expected) -> None:
    user = User(server)
    status, replies = await user.submit(value)
    assert status == 200
    assert [expected in (r.get("text") or "") for r in replies] == [True], replies
    assert await server.count(MoodEntry) == 0 and await server.count(CustomerMoment) == 0


async def test_a_mood_out_of_range_is_refused_and_nothing_is_recorded(server) -> None:
    user = User(server)
    _, [card] = await user.say("checkin")
    prompt_id = card["attachments"][0]["content"]["actions"][0]["data"]["prompt_id"]
    status, [reply] = await user.submit({"tandem": "mood", "prompt_id": prompt_id, "score": 9})
    assert status == 200 and "from 1 to 5" in reply["text"]
    person = await server.person(user.tenant, user.aad)
    assert await server.count(MoodEntry, MoodEntry.person_id == person.id) == 0


async def test_a_message_with_neither_text_nor_value_gets_the_usage(server) -> None:
    user = User(server)
    activity = ta.personal_message("x", **user.ids())
    del activity["text"]
    activity.pop("attachments", None)
    status, [reply] = await user.post(activity)
    assert status == 200 and reply["text"] == EMPTY


async def test_oversize_text_is_refused_with_the_limit_and_nothing_is_saved(server) -> None:
    user = User(server)
    status, [reply] = await user.say("moment " + "The customer was delighted. " * 200)
    assert status == 200 and "up to 3,000" in reply["text"] and "Usage:" in reply["text"]
    status, [reply] = await user.submit({"tandem": "moment", "text": "x" * 5000})
    assert status == 200 and "up to 3,000" in reply["text"]
    assert await server.count(CustomerMoment) == 0


async def test_unknown_commands_get_the_usage_line(server) -> None:
    user = User(server)
    status, [reply] = await user.say("tandem make-coffee")
    assert status == 200 and "help" in reply["text"].lower()


@pytest.mark.parametrize("kind", ["somethingInvented", "messageReaction", "typing", "endOfConversation",
                                  "messageUpdate", "event", "invoke"])
async def test_activities_of_other_types_get_a_quiet_200(server, kind) -> None:
    user = User(server)
    activity = ta.personal_message("hello", **user.ids())
    activity["type"] = kind
    if kind == "messageReaction":
        activity.update(ta.load_msteams_doc("messageReaction_added"))
        activity.update(serviceUrl=server.connector.service_url, conversation={"id": user.conversation})
    if kind == "invoke":
        activity["name"] = "tandem/unknown"
    status, replies = await user.post(activity)
    assert status == 200
    assert replies == []


@pytest.mark.parametrize("body, content_type, expected", [
    ("{not json", "application/json", 400),
    ("[1, 2]", "application/json", 400),
    (json.dumps({"text": "no type"}), "application/json", 400),
    ("type=message", "application/x-www-form-urlencoded", 415),
])
async def test_malformed_requests_are_refused_with_4xx(server, body, content_type, expected) -> None:
    status, text = await server.post(body, {"Content-Type": content_type})
    assert status == expected and "error" in json.loads(text)


async def test_a_first_message_from_a_new_tenant_creates_its_workspace(server) -> None:
    user = User(server)
    status, [reply] = await user.say("tandem help")
    assert status == 200 and reply["attachments"][0]["content"]["type"] == "AdaptiveCard"
    [workspace] = await server.rows(select(Workspace).where(Workspace.external_id == user.tenant))
    assert workspace.platform == "teams" and workspace.timezone == "Europe/London"


async def test_a_message_without_any_tenant_is_refused_politely(server) -> None:
    user = User(server)
    activity = ta.personal_message("checkin", **user.ids())
    activity["channelData"].pop("tenant")
    activity["conversation"].pop("tenantId")
    people = await server.count(Person)
    status, [reply] = await user.post(activity)
    assert status == 200 and reply["text"] == NO_TENANT
    assert await server.count(Person) == people


async def test_single_tenant_mode_refuses_other_tenants_and_serves_its_own(single_tenant) -> None:
    stranger = User(single_tenant)
    status, [reply] = await stranger.say("checkin")
    assert status == 200 and reply["text"] == OTHER_TENANT
    status, replies = await stranger.post(ta.installation_update_add(**stranger.ids()))
    assert status == 200 and replies == []
    assert await single_tenant.count(Workspace) == 0
    member = User(single_tenant, HOME_TENANT)
    status, [card] = await member.say("checkin")
    assert status == 200 and card["attachments"][0]["content"]["actions"][0]["data"]["tandem"] == "mood"
    assert [w.external_id for w in await single_tenant.rows(select(Workspace))] == [HOME_TENANT]


async def test_a_repeated_activity_has_effect_once(server: TeamsServer) -> None:
    """Teams can deliver the same activity twice; its id is remembered (SeenEvent) and the repeat ignored."""
    user = User(server)
    activity = ta.personal_message("moment The customer renewed early outcome:positive", **user.ids())
    first_status, first = await user.post(activity)
    again_status, again = await user.post(activity)
    assert (first_status, again_status) == (200, 200)
    assert first and not again
    async with server.deps.context() as ctx:
        moments = (await ctx.session.scalars(select(CustomerMoment).where(
            CustomerMoment.text == "The customer renewed early"))).all()
    assert len(moments) == 1


async def test_a_zone_name_that_is_a_folder_does_not_break_the_turn(server: TeamsServer) -> None:
    """'Europe' is a folder in the tz database (ZoneInfo raises IsADirectoryError): the default zone is used."""
    user = User(server)
    activity = ta.personal_message("tandem help", **user.ids())
    activity["localTimezone"] = "Europe"
    for entity in activity.get("entities", []):
        if entity.get("type") == "clientInfo":
            entity["timezone"] = "Europe"
    status, replies = await user.post(activity)
    assert status == 200 and replies and "went wrong" not in json.dumps(replies)


async def test_an_invoke_from_nobody_gets_a_quiet_200(server: TeamsServer) -> None:
    user = User(server)
    activity = ta.personal_message("x", **user.ids())
    activity.update(type="invoke", name="adaptiveCard/action", value={"action": {}})
    activity.pop("from", None)
    status, replies = await user.post(activity)
    assert status == 200 and replies == []


async def test_an_activity_without_a_conversation_id_gets_a_quiet_200_and_stores_nothing(server: TeamsServer) -> None:
    user = User(server)
    activity = ta.personal_message("moment The customer renewed", **user.ids())
    activity["conversation"] = {"conversationType": "personal"}
    status, replies = await user.post(activity)
    assert status == 200 and replies == []
    async with server.deps.context() as ctx:
        assert (await ctx.session.scalars(select(Workspace).where(Workspace.external_id == user.tenant))).all() == []


async def test_a_conversation_update_with_empty_members_does_not_break_the_turn(server: TeamsServer, caplog) -> None:
    user = User(server)
    activity = ta.personal_message("x", **user.ids())
    activity.update(type="conversationUpdate", membersAdded=[None, {}, {"id": None}])
    with caplog.at_level("ERROR", logger="tandem.teams"):
        status, _ = await user.post(activity)
    assert status == 200 and [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []


async def test_a_message_update_with_unreadable_channel_data_is_ignored_without_an_error(server: TeamsServer,
                                                                                         caplog) -> None:
    """The SDK's own reading of channelData fails on wrong types; Tandem ignores the activity and logs why."""
    user = User(server)
    activity = ta.personal_message("moment The customer renewed", **user.ids())
    activity["type"] = "messageUpdate"
    activity["channelData"] = {**activity.get("channelData", {}), "team": 5, "eventType": "editMessage"}
    with caplog.at_level("WARNING", logger="tandem.teams"):
        status, _ = await user.post(activity)
    assert status == 200
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == []
    assert any("unreadable channelData" in r.getMessage() for r in caplog.records)
