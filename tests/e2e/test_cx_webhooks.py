"""Helpdesk webhooks end to end on SQLite and PostgreSQL: signed deliveries stored once, the vendor's retry of
the same rating counted once, replays, forgeries, stale and malformed bodies refused with nothing stored."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from storage.models import CustomerRating, SeenEvent
from tests.fakes.helpdesk_signing import signed_headers, zendesk_time
from tests.support.cx_server import CxServer, cx_server

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "cx"


@pytest.fixture
async def server(database) -> AsyncIterator[CxServer]:
    url, options = database
    async with cx_server(url, options) as running:
        yield running


def zendesk_body(server: CxServer, ticket: str = "208", score: str = "good") -> bytes:
    return json.dumps({"ticket_id": ticket, "score": score, "comment": "Awesome support!",
                       "assignee_email": "Agent@Example.com", "assignee_id": "9001",
                       "rated_at": zendesk_time(server.clock.now() - timedelta(minutes=1))}).encode()


def intercom_body(server: CxServer) -> bytes:
    data = json.loads((SPECS / "intercom/examples/webhook.conversation_rating_added.CONSTRUCTED.json").read_text())
    stamp = int((server.clock.now() - timedelta(minutes=1)).timestamp())
    data["data"]["item"]["conversation_rating"]["created_at"] = stamp
    return json.dumps(data).encode()


def helpscout_body(server: CxServer) -> bytes:
    data = json.loads((SPECS / "helpscout/examples/rating.docs-example.json").read_text())
    data["createdAt"] = zendesk_time(server.clock.now() - timedelta(minutes=1))
    return json.dumps(data).encode()


def freshdesk_body(server: CxServer) -> bytes:
    return json.dumps({"rating_id": "102", "ticket_id": "432", "rating": "-102", "agent_email": "bo@example.com",
                       "comment": "Slow answers", "rated_at": zendesk_time(server.clock.now())}).encode()


async def test_every_vendor_delivery_is_stored_once_with_its_scale(server: CxServer) -> None:
    for vendor, body in [("zendesk", zendesk_body(server)), ("intercom", intercom_body(server)),
                         ("freshdesk", freshdesk_body(server)), ("helpscout", helpscout_body(server))]:
        status, answer = await server.post(vendor, body)
        assert (status, answer) == (200, {"ok": True, "added": 1, "duplicates": 0}), vendor
    rows = {r.source: r for r in await server.rows(CustomerRating)}
    assert (rows["zendesk"].external_id, rows["zendesk"].score, rows["zendesk"].agent_email) == (
        "ticket-208", 100.0, "agent@example.com")
    assert (rows["intercom"].raw_value, rows["intercom"].score, rows["intercom"].agent_ref) == ("2", 25.0, "991267466")
    assert rows["intercom"].comment == "Took three days to get an answer" and rows["intercom"].comment_label
    assert (rows["freshdesk"].score, rows["freshdesk"].satisfied) == (pytest.approx(16.67), False)
    assert (rows["helpscout"].raw_value, rows["helpscout"].satisfied, rows["helpscout"].ticket_ref) == (
        "great", True, "1560011")


async def test_a_retry_counts_once_and_a_replay_is_refused(server: CxServer) -> None:
    body = zendesk_body(server)
    headers = signed_headers("zendesk", body, server.clock.now())
    assert (await server.post("zendesk", body, headers))[0] == 200
    status, answer = await server.post("zendesk", body, headers)  # the same signed request again
    assert status == 409 and "already received" in answer["error"]
    server.clock.advance(timedelta(minutes=1))  # Zendesk retries: a new timestamp and signature
    assert await server.post("zendesk", body) == (200, {"ok": True, "added": 0, "duplicates": 1})
    intercom = intercom_body(server)
    assert (await server.post("intercom", intercom))[0] == 200
    assert (await server.post("intercom", intercom))[0] == 409  # same notification id
    assert await server.count(CustomerRating) == 2


async def test_forged_stale_malformed_and_off_scale_deliveries_store_nothing(server: CxServer) -> None:
    body = zendesk_body(server)
    now = server.clock.now()
    cases = [
        ("zendesk", body, signed_headers("zendesk", body, now, secret="not-the-secret"), 401, "bad signature"),
        ("zendesk", body, signed_headers("zendesk", body, now - timedelta(minutes=10)), 401, "stale"),
        ("zendesk", body, {"Content-Type": "application/json"}, 401, "missing"),
        ("zendesk", b"{not json", None, 400, "not JSON"),
        ("zendesk", b"[1, 2]", None, 400, "not a JSON object"),
        ("zendesk", zendesk_body(server, score="meh"), None, 400, "not good or bad"),
        ("intercom", intercom_body(server), signed_headers("intercom", b"other", now), 401, "bad signature"),
        ("intercom", b'{"type": "notification_event", "topic": "conversation.rating.added", "data": {}}', None, 400,
         "data.item"),
        ("freshdesk", freshdesk_body(server), {"X-Tandem-Token": "guess"}, 401, "bad token"),
        ("freshdesk", freshdesk_body(server).replace(b'"-102"', b'"99"'), None, 422, "not a Freshdesk rating"),
        ("helpscout", helpscout_body(server).replace(b'"Great"', b'"Superb"'), None, 422, "great_okay_bad"),
        ("helpscout", b"x" * (65 * 1024), None, 413, "larger than"),
    ]
    for vendor, sent, headers, status, reason in cases:
        got, answer = await server.post(vendor, sent, headers)
        assert got == status and reason in answer["error"], (vendor, reason, got, answer)
    assert await server.count(CustomerRating) == 0
    assert await server.count(SeenEvent) == 0


async def test_notifications_without_a_rating_are_acknowledged(server: CxServer) -> None:
    ping = (SPECS / "intercom/examples/webhook.ping.zulip-fixture.json").read_bytes()
    assert await server.post("intercom", ping) == (200, {"ok": True, "added": 0, "duplicates": 0})
    offered = zendesk_body(server, ticket="7", score="offered")
    assert await server.post("zendesk", offered) == (200, {"ok": True, "added": 0, "duplicates": 0})
    assert await server.count(CustomerRating) == 0


async def test_routes_exist_only_for_configured_helpdesks(database) -> None:
    url, options = database
    async with cx_server(url, options, environ={"ZENDESK_WEBHOOK_SECRET": "only-zendesk"}) as only:
        assert (await only.post("intercom", b"{}", {}))[0] == 404
        assert (await only.post("zendesk", b"{}", {}))[0] == 401


async def test_a_body_sent_in_chunks_without_a_length_is_read_whole(server: CxServer) -> None:
    body = intercom_body(server)

    async def chunks():
        for start in range(0, len(body), 7):
            yield body[start:start + 7]

    headers = signed_headers("intercom", body, server.clock.now())
    async with server.http.post(f"{server.url}/cx/intercom", data=chunks(), headers=headers) as response:
        assert response.status == 200 and (await response.json())["added"] == 1
