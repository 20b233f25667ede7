"""Connector clients are built once per app id, service URL and audience, and the cache stays bounded."""
from __future__ import annotations

from botframework.connector.auth import ConnectorFactory

from bot.teams.connectors import ClientCache, ReusingConnectorFactory


class CountingFactory(ConnectorFactory):
    """Stands in for the SDK's factory: a new object per call, and a count of calls."""

    def __init__(self) -> None:
        self.built = 0

    async def create(self, service_url: str, audience: str):  # any client object
        self.built += 1
        return object()


async def test_the_same_service_url_reuses_one_client() -> None:
    inner, cache = CountingFactory(), ClientCache()
    factory = ReusingConnectorFactory(inner, cache, "app-1")
    first = await factory.create("https://smba.example/emea/", "aud")
    again = await ReusingConnectorFactory(inner, cache, "app-1").create("https://smba.example/emea/", "aud")
    assert first is again and inner.built == 1


async def test_other_apps_urls_or_audiences_get_their_own_client() -> None:
    inner, cache = CountingFactory(), ClientCache()
    clients = {await ReusingConnectorFactory(inner, cache, app).create(url, aud)
               for app, url, aud in [("app-1", "https://a/", "x"), ("app-2", "https://a/", "x"),
                                     ("app-1", "https://b/", "x"), ("app-1", "https://a/", "y")]}
    assert len(clients) == 4 and inner.built == 4


async def test_the_cache_forgets_the_least_recently_used_beyond_its_limit() -> None:
    inner, cache = CountingFactory(), ClientCache(limit=2)
    factory = ReusingConnectorFactory(inner, cache, "app")
    a = await factory.create("https://a/", "x")
    await factory.create("https://b/", "x")
    assert await factory.create("https://a/", "x") is a  # a is now the most recent
    await factory.create("https://c/", "x")  # evicts b
    assert inner.built == 3
    await factory.create("https://b/", "x")  # rebuilt; evicts a
    assert inner.built == 4
    await factory.create("https://c/", "x")
    assert inner.built == 4  # c was kept
    assert await factory.create("https://a/", "x") is not a and inner.built == 5
