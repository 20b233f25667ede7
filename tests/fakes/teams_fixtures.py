"""pytest fixtures for Teams tests. Import by name in a test module
(`from tests.fakes.teams_fixtures import fake_connector  # noqa: F401`) or list the module in the
root conftest's `pytest_plugins`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from tests.fakes.bot_connector import FakeBotConnector


@pytest_asyncio.fixture
async def fake_connector() -> AsyncIterator[FakeBotConnector]:
    """A running fake Bot Connector; put `fake_connector.service_url` in the activities' serviceUrl."""
    async with FakeBotConnector() as fake:
        yield fake
