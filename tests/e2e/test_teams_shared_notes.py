"""Shared notes on Teams through the running server and the fake Bot Connector: the note card submitted with
the share toggle on → the manager's digest card with a reply box per note → its submit → the outbox relays the
reply to the author's conversation as a card with an answer box; the answer reaches the manager at the next release
from "the author", and a close tells the author and stops further turns (no name either way)."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from handlers.sharing.relay import next_release
from storage.models import SharedNote, SharedNoteMessage
from tests.e2e.teams_support import TeamsServer, cards, new_tenant, new_user, personal_conversation, running_server
from tests.fakes import teams_activities as ta
from tests.support.official_schemas import adaptive_card_validator, errors
from tests.support.seed import seed_answers, seed_team

WEDNESDAY = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)  # 2026-W47
SECRET = "The rota keeps putting me on Fridays"


@pytest.fixture
async def server(database: tuple[str, dict[str, Any]], tmp_path: Path) -> AsyncIterator[TeamsServer]:
    """A server of its own on each database (SQLite and PostgreSQL, from tests/conftest.py's `database`)."""
    async with running_server(tmp_path, database=database) as running:
        yield running


def _inputs(card: dict) -> list[str]:
    return [e["id"] for e in card["body"] if e.get("type") == "Input.Text"]


async def test_share_then_reply_from_the_digest_card_reaches_the_author_with_an_answer_box(server) -> None:
    tenant = new_tenant()
    people = [(new_user(), personal_conversation()) for _ in range(8)]  # admin, manager, six members
    server.clock.set(WEDNESDAY)
    for (user, aad), conversation in people:
        status, _ = await server.post(ta.installation_update_add(server.connector.service_url, tenant, user,
                                                                 conversation, aad_object_id=aad))
        assert status == 200
    found = [await server.person(tenant, aad) for (_, aad), _ in people]
    assert all(p is not None for p in found)
    admin, mia, *members = [p for p in found if p is not None]
    async with server.deps.context() as ctx:  # the team and its week, seeded (typing them is tested elsewhere)
        await seed_team(ctx.session, admin.workspace_id, "Support", now=WEDNESDAY, managers=[mia], members=members)
        answers = await seed_answers(ctx.session, members, at=WEDNESDAY)
    author = members[0]
    (author_user, author_aad), author_conversation = people[2]
    (mia_user, mia_aad), mia_conversation = people[1]

    server.clock.set(datetime.combine(WEDNESDAY.date(), time(12), tzinfo=UTC))
    status, _ = await server.post(ta.card_submit(
        {"tandem": "note", "prompt_id": answers[0].prompt_id, "note": SECRET, "share": "true"}, "x",
        server.connector.service_url, tenant, author_user, author_conversation, aad_object_id=author_aad))
    assert status == 200
    [shared] = await server.rows(select(SharedNote))
    n = shared.number

    server.clock.set(WEDNESDAY + timedelta(days=7))
    before = len(server.connector.activities_in(mia_conversation))
    status, _ = await server.post(ta.personal_message("tandem digest Support 2026-W47", server.connector.service_url,
                                                      tenant, mia_user, mia_conversation, aad_object_id=mia_aad))
    assert status == 200
    sent = server.connector.activities_in(mia_conversation)[before:]
    digest = [c for a in sent for c in cards(a) if f"note_turn_{n}" in _inputs(c)]
    assert digest, sent
    assert SECRET in json.dumps(digest[0], ensure_ascii=False) and errors(adaptive_card_validator(), digest[0]) == []

    status, _ = await server.post(ta.card_submit(
        {"tandem": "note_turn", "verb": "reply", "number": n, f"note_turn_{n}": "Shall we swap the rota?"}, "x",
        server.connector.service_url, tenant, mia_user, mia_conversation, aad_object_id=mia_aad))
    assert status == 200
    assert await server.count(SharedNoteMessage) == 1
    await server.dispatcher.drain()
    relayed = [c for a in server.connector.activities_in(author_conversation) for c in cards(a)
               if f"note_turn_{n}" in _inputs(c)]
    assert relayed and "Shall we swap the rota?" in json.dumps(relayed[-1], ensure_ascii=False)
    [send] = [a for e in relayed[-1]["body"] if e.get("type") == "ActionSet" for a in e["actions"]]
    assert send["data"] == {"tandem": "note_turn", "verb": "answer", "number": n}
    assert errors(adaptive_card_validator(), relayed[-1]) == []

    status, _ = await server.post(ta.card_submit(  # the author's answer: stored, held to the next release
        {**send["data"], f"note_turn_{n}": "Yes please"}, "x", server.connector.service_url, tenant,
        author_user, author_conversation, aad_object_id=author_aad))
    assert status == 200 and await server.count(SharedNoteMessage) == 2

    held = server.connector.activities_in(mia_conversation)
    await server.dispatcher.drain()  # before the release: the manager has nothing yet
    assert len(server.connector.activities_in(mia_conversation)) == len(held)
    server.clock.set(next_release(server.clock.now()) + timedelta(minutes=1))
    await server.dispatcher.drain()
    answered = json.dumps(server.connector.activities_in(mia_conversation)[len(held):], ensure_ascii=False)
    assert f"The author of shared note #{n}" in answered and "Yes please" in answered
    assert author_user not in answered and author_aad not in answered  # never who: no id of the author
    assert not author.display_name or author.display_name not in answered

    before_close = len(server.connector.activities_in(author_conversation))
    status, _ = await server.post(ta.personal_message(f"tandem close {n}", server.connector.service_url, tenant,
                                                      mia_user, mia_conversation, aad_object_id=mia_aad))
    assert status == 200
    await server.dispatcher.drain()
    told = json.dumps(server.connector.activities_in(author_conversation)[before_close:], ensure_ascii=False)
    assert f"A manager closed the conversation on shared note #{n}" in told
    status, _ = await server.post(ta.personal_message(f"tandem answer {n} One more thing", server.connector.service_url,
                                                      tenant, author_user, author_conversation,
                                                      aad_object_id=author_aad))
    assert status == 200 and await server.count(SharedNoteMessage) == 2  # closed: nothing more is stored
