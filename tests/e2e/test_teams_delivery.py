"""Proactive delivery through the Connector: throttling and server errors go back to the outbox with backoff
and nothing is lost; a user who blocked Tandem is marked inactive and not retried."""
from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select

from handlers.messages import Text
from handlers.ports import DeliveryFailed, Recipient
from storage.models import ConversationRef, Outbox, Person
from tests.e2e.teams_support import TeamsServer, cards, new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")
CHECKIN_TIME = datetime(2026, 11, 16, 9, 30, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    async with running_server(tmp_path_factory.mktemp("teams_delivery")) as running:
        yield running


async def _installed(server: TeamsServer, day: int = 0) -> tuple[Person, str]:
    """A fresh user who installed Tandem, with the clock at their check-in time `day` days after Monday."""
    server.connector.reset()
    tenant, (user, aad), chat = new_tenant(), new_user(), personal_conversation()
    server.clock.set(CHECKIN_TIME + timedelta(days=day) - timedelta(minutes=30))
    await server.post(ta.installation_update_add(server.connector.service_url, tenant, user, chat,
                                                 aad_object_id=aad))
    server.clock.set(CHECKIN_TIME + timedelta(days=day))
    person = await server.person(tenant, aad)
    assert person is not None
    return person, chat


async def _row(server: TeamsServer, person: Person) -> Outbox:
    [row] = await server.rows(select(Outbox).where(Outbox.person_id == person.id))
    return row


async def test_a_short_429_is_waited_out_as_told_and_delivered_once(server) -> None:
    person, chat = await _installed(server)
    server.waits.clear()
    server.connector.fail_next(429, retry_after=7, conversation_id=chat)
    _, drained = await server.dispatcher.tick()
    assert drained.rate_limited == 1 and drained.sent == 1
    assert server.waits == [7]
    assert (await _row(server, person)).status == "sent"
    assert len([a for a in server.connector.activities_in(chat) if cards(a)]) == 1


async def test_a_long_429_goes_back_to_the_outbox_until_retry_after_and_nothing_is_lost(server) -> None:
    person, chat = await _installed(server)
    server.connector.fail_next(429, retry_after=120, conversation_id=chat)
    asked_at = server.clock.now()
    await server.dispatcher.tick()
    row = await _row(server, person)
    assert row.status == "pending" and row.last_error is not None and "429" in row.last_error
    assert row.next_attempt_at == asked_at + timedelta(seconds=120)
    assert (await server.dispatcher.drain()).sent == 0  # not before Retry-After
    server.clock.set(row.next_attempt_at)
    assert (await server.dispatcher.drain()).sent == 1
    assert (await _row(server, person)).status == "sent"
    assert len([a for a in server.connector.activities_in(chat) if cards(a)]) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504, 412])
async def test_server_errors_back_off_and_nothing_is_lost(server, status) -> None:
    person, chat = await _installed(server)
    server.connector.fail_next(status, times=2, conversation_id=chat)
    await server.dispatcher.tick()
    row = await _row(server, person)
    assert row.status == "pending" and row.attempts == 1
    assert row.last_error is not None and str(status) in row.last_error
    assert row.next_attempt_at > server.clock.now()
    for _ in range(2):
        server.clock.set(row.next_attempt_at)
        await server.dispatcher.drain()
        row = await _row(server, person)
    assert row.status == "sent"
    assert [a.status for a in server.connector.attempts if a.conversation_id == chat][-3:] == [status, status, 201]
    assert len([a for a in server.connector.activities_in(chat) if cards(a)]) == 1


async def test_a_user_who_blocked_tandem_is_marked_inactive_and_not_retried(server) -> None:
    person, chat = await _installed(server)
    server.connector.fail_next(403, code="MessageWritesBlocked", conversation_id=chat)
    _, drained = await server.dispatcher.tick()
    assert drained.failed == 1
    row = await _row(server, person)
    assert row.status == "failed" and row.last_error is not None and "blocked" in row.last_error
    refreshed = await server.scalar(select(Person).where(Person.id == person.id))
    assert refreshed.active is False
    assert await server.count(ConversationRef, ConversationRef.person_id == person.id) == 0
    attempts = [a for a in server.connector.attempts if a.conversation_id == chat]
    server.clock.advance(timedelta(days=1))
    await server.dispatcher.tick()
    assert [a for a in server.connector.attempts if a.conversation_id == chat] == attempts
    assert await server.count(Outbox, Outbox.person_id == person.id) == 1


async def test_messenger_without_a_reference_fails_permanently_with_the_reason(server) -> None:
    messenger = server.deps.messengers["teams"]
    recipient = Recipient(person_id=1, platform="teams", workspace_external_id=new_tenant(),
                          platform_user_id="x", display_name="X")
    with pytest.raises(DeliveryFailed) as failure:
        await messenger.send(recipient, Text("hello"))
    assert failure.value.permanent and "no Teams conversation reference" in failure.value.reason
