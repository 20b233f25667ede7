"""pytest fixtures for the fake Slack Web API.

Import them into a test module (non-root conftests may not declare ``pytest_plugins``)::

    from tests.fakes.slack_fixtures import fake_slack, fake_slack_client  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlackApi


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    """A started fake on the test's event loop; point ``SLACK_API_URL`` at ``fake_slack.base_url``."""
    async with FakeSlackApi() as fake:
        yield fake


@pytest.fixture
def fake_slack_client(fake_slack: FakeSlackApi) -> AsyncWebClient:
    """A real slack_sdk client talking to the fake (no retry handlers: the outbox owns retries)."""
    return AsyncWebClient(token="xoxb-test", base_url=fake_slack.base_url, retry_handlers=[])


@pytest.fixture
def fake_slack_env(fake_slack: FakeSlackApi, monkeypatch: pytest.MonkeyPatch) -> FakeSlackApi:
    """The fake plus the environment Tandem reads, for tests that build the app from Settings."""
    monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-signing-secret")
    return fake_slack
