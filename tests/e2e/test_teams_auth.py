"""With MICROSOFT_APP_ID set, /api/messages only acts on requests with a valid Bot Framework JWT: a missing,
malformed or forged token is a fast 401 and nothing is stored or sent (no network is needed to refuse)."""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.teams.install import AUTH_TIMEOUT
from storage.models import ConversationRef, Person, Workspace
from tests.e2e.teams_support import TeamsServer, running_server
from tests.fakes import teams_activities as ta

pytestmark = pytest.mark.asyncio(loop_scope="module")
APP_ID = "2d9b3a3e-7c39-4a3f-9d7e-5c1b8a6f0e11"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsServer]:
    environ = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "not-a-real-secret"}
    async with running_server(tmp_path_factory.mktemp("teams_auth"), environ) as running:
        yield running


def forged_token(service_url: str) -> str:
    """A well-formed Bot Framework token (issuer, audience, service url, kid) signed with our own RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    claims = {"iss": "https://api.botframework.com", "aud": APP_ID, "serviceurl": service_url,
              "nbf": now - timedelta(minutes=1), "exp": now + timedelta(hours=1)}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged-key-id"})


async def _nothing_happened(server: TeamsServer) -> None:
    assert await server.count(Workspace) == 0
    assert await server.count(Person) == 0
    assert await server.count(ConversationRef) == 0
    assert server.connector.attempts == []


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer not.a.jwt"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
], ids=["missing", "empty-bearer", "garbage", "basic"])
async def test_requests_without_a_valid_token_are_refused(server, headers) -> None:
    activity = ta.personal_message("checkin", server.connector.service_url)
    status, body = await server.post(activity, headers)
    assert status == 401, body
    await _nothing_happened(server)


async def test_a_forged_token_is_refused_fast(server) -> None:
    for activity in (ta.installation_update_add(server.connector.service_url),
                     ta.personal_message("checkin", server.connector.service_url)):
        started = time.monotonic()
        status, body = await server.post(
            activity, {"Authorization": f"Bearer {forged_token(server.connector.service_url)}"})
        assert status == 401, body
        assert time.monotonic() - started < AUTH_TIMEOUT
    await _nothing_happened(server)


async def test_health_is_unaffected_by_refused_requests(server) -> None:
    async with server.http.get(f"{server.url}/healthz") as response:
        assert response.status == 200
