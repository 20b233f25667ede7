"""Teams end to end: the documented activities posted to the running server, the bot answering through a
fake Bot Connector — install, proactive check-in, mood click (card updated in place), note."""
from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

from storage.models import ConversationRef, MoodEntry, Outbox
from tests.e2e.teams_support import (
    TeamsServer,
    card_actions,
    card_inputs,
    cards,
    new_tenant,
    new_user,
    personal_conversation,
    running_server,
)
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_flow")) as running:
        yield running


async def _install(server: TeamsServer, tenant: str, user: str, aad: str, conversation: str) -> None:
    status, _ = await server.post(ta.installation_update_add(server.connector.service_url, tenant, user,
                                                             conversation, aad_object_id=aad))
    assert status == 200


async def test_install_stores_the_reference_and_a_scheduled_checkin_is_answered_in_place(server) -> None:
    tenant, (user, aad), conversation = new_tenant(), new_user(), personal_conversation()
    server.clock.set(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))
    await _install(server, tenant, user, aad, conversation)

    person = await server.person(tenant, aad)
    assert person is not None and person.timezone == "Europe/London" and person.is_admin
    ref = await server.scalar(select(ConversationRef).where(ConversationRef.person_id == person.id))
    assert ref.platform == "teams" and ref.channel_id == conversation
    assert ref.reference["conversation"]["id"] == conversation
    assert ref.reference["serviceUrl"] == server.connector.service_url
    [welcome] = server.connector.activities_in(conversation)
    assert "Tandem" in welcome["text"] and "checkin" in welcome["text"]

    server.clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
    await server.dispatcher.tick()
    [prompt] = server.connector.of_kind("send")
    assert prompt.conversation_id == conversation
    [card] = cards(prompt.activity)
    scores = [a["data"]["score"] for a in card_actions(card)]
    assert scores == [1, 2, 3, 4, 5]
    assert await server.count(Outbox, Outbox.person_id == person.id, Outbox.status == "sent") == 1

    good = card_actions(card)[3]
    status, _ = await server.post(ta.card_submit(good["data"], prompt.activity_id, server.connector.service_url,
                                                 tenant, user, conversation, aad_object_id=aad))
    assert status == 200
    [entry] = await server.rows(select(MoodEntry).where(MoodEntry.person_id == person.id))
    assert entry.score == 4
    member = [a for a in server.connector.attempts if a.kind == "member"]
    assert len(member) == 1  # the Connector's member lookup gave the email helpdesk ratings are matched by
    expected = f"user.{hashlib.sha1(user.encode()).hexdigest()[:6]}@contoso.example"  # the fake's address
    assert (await server.person(tenant, aad)).email == expected
    [update] = await server.connector.wait_for(kind="update", conversation_id=conversation)
    assert update.activity_id == prompt.activity_id
    [updated] = cards(update.activity)
    assert "Good" in updated["body"][0]["text"]
    assert "note" in card_inputs(updated)
    [save] = card_actions(updated)

    note = dict(save["data"], note="Calm day, the team was really helpful")
    status, _ = await server.post(ta.card_submit(note, prompt.activity_id, server.connector.service_url,
                                                 tenant, user, conversation, aad_object_id=aad))
    assert status == 200
    [entry] = await server.rows(select(MoodEntry).where(MoodEntry.person_id == person.id))
    assert entry.note == "Calm day, the team was really helpful" and entry.note_label == "positive"
    assert "note is saved" in server.connector.activities_in(conversation)[-1]["text"]
