"""/healthz and /metrics on the running aiohttp app."""
from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.http.server import build_app


async def _client(harness, with_scheduler: bool = True) -> TestClient:
    client = TestClient(TestServer(build_app(harness.deps, with_scheduler=with_scheduler)))
    await client.start_server()
    return client


async def test_healthz_reports_database_scheduler_and_backlog(harness) -> None:
    client = await _client(harness)
    try:
        response = await client.get("/healthz")
        body = await response.json()
        assert response.status == 200, body
        assert body["status"] == "ok" and body["outbox_backlog"] == 0 and "outbox_oldest_age_s" in body
    finally:
        await client.close()


async def test_healthz_is_503_with_the_reason_when_the_database_is_gone(harness) -> None:
    client = await _client(harness, with_scheduler=False)
    try:
        await harness.deps.engine.dispose()
        harness.deps.sessions.configure(bind=_broken_engine())
        response = await client.get("/healthz")
        body = await response.json()
        assert response.status == 503
        assert body["status"] == "unhealthy" and body["problems"][0].startswith("database unreachable")
    finally:
        await client.close()


def _broken_engine():
    from storage.db import create_engine

    return create_engine("postgresql://nobody@127.0.0.1:1/nothing", pool_pre_ping=False)


async def test_metrics_exposition_has_the_promised_series(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 4")
    client = await _client(harness, with_scheduler=False)
    try:
        await client.get("/healthz")
        await client.get("/no-such-route")
        response = await client.get("/metrics")
        text = await response.text()
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/plain")
        for series in ("tandem_http_requests_total", "tandem_http_ack_seconds_bucket", "tandem_outbox_backlog",
                       "tandem_outbox_retries", "tandem_checkins_sent", "tandem_outbox_failed",
                       "tandem_digest_build_seconds"):
            assert series in text, series
        assert 'tandem_http_requests_total{route="/healthz",status="200"} 1.0' in text
        assert 'route="unmatched",status="404"' in text
        assert "tandem_checkins_answered 1.0" in text
        await harness.say("alice", "tandem team create Support")
        await harness.say("alice", "tandem team manager Support @alice")
        harness.clock.advance(timedelta(days=7))
        await harness.say("alice", "tandem digest Support")
        text = await (await client.get("/metrics")).text()
        assert "tandem_digest_build_seconds_count 1.0" in text
    finally:
        await client.close()


async def test_every_request_is_logged_once_with_id_route_status_and_outcome(harness, caplog) -> None:
    import logging

    client = await _client(harness, with_scheduler=False)
    try:
        with caplog.at_level(logging.INFO, logger="tandem.http"):
            response = await client.get("/healthz", headers={"X-Request-Id": "req-42"})
            await client.get("/nowhere")
    finally:
        await client.close()
    assert response.headers["X-Request-Id"] == "req-42"
    records = [r for r in caplog.records if r.name == "tandem.http"]
    assert [(r.request_id, r.route, r.status, r.outcome) for r in records][:1] == [("req-42", "/healthz", 200, "ok")]
    assert records[1].status == 404 and records[1].outcome == "refused" and len(records[1].request_id) == 16
