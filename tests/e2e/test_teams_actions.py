"""Team actions on Teams with the fake Bot Connector: the announcement leaves through the outbox as a card with
"This helps" / "Doesn't help" (valid Adaptive Card 1.5); a submit is counted; forged submits change nothing."""
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from handlers.config import TEXT_LIMIT
from storage.models import ActionFeedback, Team, TeamAction
from tests.e2e.teams_support import (
    TeamsServer,
    card_actions,
    cards,
    new_tenant,
    new_user,
    personal_conversation,
    running_server,
)
from tests.fakes import teams_activities as ta
from tests.support.official_schemas import adaptive_card_validator, errors

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_actions")) as running:
        yield running


class Org:
    def __init__(self, server: TeamsServer) -> None:
        self.server, self.tenant, self.url = server, new_tenant(), server.connector.service_url
        self.admin, self.admin_aad = new_user()
        self.ana, self.ana_aad = new_user()
        self.admin_chat, self.ana_chat = personal_conversation(), personal_conversation()

    async def say(self, text: str, *, ana: bool = False, mention: str | None = None) -> None:
        user, aad, chat, name = ((self.ana, self.ana_aad, self.ana_chat, "Ana Lee") if ana
                                 else (self.admin, self.admin_aad, self.admin_chat, "Sam Admin"))
        message = ta.personal_message(text, self.url, self.tenant, user, chat, aad_object_id=aad, user_name=name)
        if mention:
            message["entities"].append({"type": "mention", "text": "<at>Ana Lee</at>",
                                        "mentioned": {"id": mention, "name": "Ana Lee"}})
        status, _ = await self.server.post(message)
        assert status == 200

    async def submit(self, data: dict[str, Any], reply_to: str, *, ana: bool = True) -> None:
        user, aad, chat = (self.ana, self.ana_aad, self.ana_chat) if ana else (self.admin, self.admin_aad,
                                                                              self.admin_chat)
        status, _ = await self.server.post(ta.card_submit(data, reply_to, self.url, self.tenant, user, chat,
                                                          aad_object_id=aad))
        assert status == 200

    def texts(self, chat: str) -> list[str]:
        return [str(a.get("text") or "") for a in self.server.connector.activities_in(chat)]

    async def feedback(self) -> list[bool]:
        ana = await self.server.person(self.tenant, self.ana_aad)
        assert ana is not None
        return [f.helps for f in await self.server.rows(select(ActionFeedback).where(
            ActionFeedback.person_id == ana.id))]


async def _announced(server: TeamsServer) -> tuple[Org, dict[str, Any], str]:
    org = Org(server)
    await org.say("tandem help")
    await org.say("tandem help", ana=True)
    await org.say("tandem team create Support")
    await org.say("tandem team add Support <at>Ana Lee</at>", mention=org.ana)
    await org.say("tandem action add Support Quiet hours after 4pm")
    assert any("Action 1 recorded" in t for t in org.texts(org.admin_chat))
    await server.dispatcher.drain()
    sent = [s for s in server.connector.sent if s.conversation_id == org.ana_chat and cards(s.activity)
            and any(a["data"].get("tandem") == "action_feedback" for a in card_actions(cards(s.activity)[0]))]
    [announcement] = sent
    [card] = cards(announcement.activity)
    assert announcement.activity_id is not None
    return org, card, announcement.activity_id


async def test_announcement_card_is_valid_and_a_submit_is_counted(server: TeamsServer) -> None:
    org, card, activity_id = await _announced(server)
    assert errors(adaptive_card_validator(), card) == []
    assert "we're doing this: “Quiet hours after 4pm”" in str(card["body"])
    helps, no_help = card_actions(card)
    assert (helps["title"], helps["data"]["helps"], no_help["data"]["helps"]) == ("This helps", True, False)
    await org.submit(helps["data"], activity_id)
    assert await org.feedback() == [True]
    assert "noted that it helps" in org.texts(org.ana_chat)[-1] and "only totals" in org.texts(org.ana_chat)[-1]
    await org.submit(no_help["data"], activity_id)
    assert await org.feedback() == [False]  # changed in the same week, not added


async def test_forged_submits_get_a_reply_and_store_nothing(server: TeamsServer) -> None:
    org, card, activity_id = await _announced(server)
    good = card_actions(card)[0]["data"]
    await org.say("tandem team create Sales")
    await org.say("tandem action add Sales Fewer meetings")  # a team Ana is not in
    ana = await server.person(org.tenant, org.ana_aad)
    assert ana is not None
    sales = await server.scalar(select(TeamAction).join(Team, Team.id == TeamAction.team_id).where(
        Team.name == "Sales", TeamAction.workspace_id == ana.workspace_id))
    assert sales is not None
    before = len(org.texts(org.ana_chat))
    for data in ({**good, "action_id": sales.id}, {**good, "action_id": 999999}, {**good, "action_id": "x"},
                 {**good, "helps": "yes"},
                 {**good, "helps": None}, {"tandem": "action_feedback"}, {**good, "action_id": -1},
                 {**good, "action_id": "9" * 40}, {**good, "action_id": True}):
        await org.submit(data, activity_id)
    await org.submit(good, activity_id, ana=False)  # the admin is no member of Support
    assert await org.feedback() == []
    replies = org.texts(org.ana_chat)[before:]
    assert len(replies) == 9 and all(("out of date" in r or "no action of a team you are in" in r) for r in replies)
    assert "no action of a team you are in" in org.texts(org.admin_chat)[-1]


async def test_digest_card_form_records_an_action_and_refuses_bad_input(server: TeamsServer) -> None:
    from bot.teams.render import digest_card
    from handlers.insights.figures import figures_from
    from handlers.messages import DigestMessage
    from storage.digests import WeekAggregate

    org, _, _ = await _announced(server)
    report = figures_from("Support", "2026-W46", WeekAggregate(members=6, respondents=5, entries=9, mood_sum=33,
                                                               distribution={3: 3, 4: 4, 5: 2}), 5)
    card = digest_card(DigestMessage(report=report))
    assert errors(adaptive_card_validator(), card) == []
    [form] = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    assert form["data"] == {"tandem": "action_add", "team": "Support"}
    assert any(e.get("id") == "action_text" for e in card["body"])
    await org.submit({**form["data"], "action_text": "Fewer meetings on Fridays"}, "digest-1", ana=False)
    assert "Action 2 recorded for Support" in org.texts(org.admin_chat)[-1]
    for data, expected in (({**form["data"], "action_text": ""}, "Say what the team will do"),
                           ({**form["data"], "action_text": "x" * (TEXT_LIMIT + 1)}, "can be up to"),
                           ({**form["data"], "team": "Nowhere", "action_text": "x"}, "no team called"),
                           ({**form["data"], "team": ["Support"], "action_text": "x"}, "no team called")):
        await org.submit(data, "digest-1", ana=False)
        assert expected in org.texts(org.admin_chat)[-1], (data, org.texts(org.admin_chat)[-1])
    await org.submit({**form["data"], "action_text": "Ana's own idea"}, "digest-1")  # a member, not a manager
    assert "managers" in org.texts(org.ana_chat)[-1]
    ana = await server.person(org.tenant, org.ana_aad)
    assert ana is not None
    texts = [a.text for a in await server.rows(select(TeamAction).where(TeamAction.workspace_id == ana.workspace_id))]
    assert texts == ["Quiet hours after 4pm", "Fewer meetings on Fridays"]
