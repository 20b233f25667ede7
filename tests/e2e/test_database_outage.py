"""The database goes away for 30 s while the server runs, then comes back (issue 8).

PostgreSQL is reached through a TCP proxy that the test cuts and restores, so the shared server on this
machine keeps running for everyone else while Tandem sees exactly what a stopped database looks like:
every connection dropped, every new one refused.
"""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlparse

import asyncpg
import pytest

from bot.delivery.dispatcher import Dispatcher
from bot.delivery.scheduler import TickScheduler
from handlers.errors import DATABASE_UNAVAILABLE
from storage.models import CustomerMoment, Outbox
from tests.conftest import require_postgres
from tests.e2e.slack_support import eventually, slack_rig
from tests.fakes.slack_signing import slash_command_form
from tests.fakes.tcp_proxy import TcpProxy

OUTAGE_SECONDS = 30


@pytest.mark.slow
async def test_requests_get_a_temporary_error_and_scheduled_work_resumes(clock) -> None:
    url = require_postgres()
    target = urlparse(url.replace("+asyncpg", ""))
    schema = f"outage_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    await admin.execute(f'CREATE SCHEMA "{schema}"')
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied = url.replace(f"{target.hostname}:{target.port or 5432}", f"127.0.0.1:{proxy.port}")
    if proxied == url:
        proxied = url.replace(f"@{target.hostname}", f"@127.0.0.1:{proxy.port}", 1)
    options = {"connect_args": {"server_settings": {"search_path": schema}, "timeout": 3}, "pool_timeout": 5}
    clock.set(datetime(2026, 11, 16, 9, 0, tzinfo=UTC))  # Monday; check-ins are due at 09:30 London time
    try:
        async with slack_rig((proxied, options), clock) as rig:
            dispatcher = Dispatcher(rig.deps)
            scheduler = TickScheduler(dispatcher)
            for user in ("U1ADA", "U2BEN"):
                rig.fake.set_user(user, name=user.lower(), tz="Europe/London")
                await rig.post(slash_command_form("/tandem", "help", user_id=user, response_url=rig.sink.url(user)))
            await rig.post(slash_command_form("/moment", "The customer renewed early outcome:positive",
                                              user_id="U2BEN", response_url=rig.sink.url("before")))
            for done in ("U1ADA", "U2BEN", "before"):  # both people exist before the outage starts
                await eventually(partial(rig.sink.to, done))
            assert await rig.count(CustomerMoment) == 1

            await proxy.cut()
            health = await rig.client.get("/healthz")
            assert health.status == 503 and "database unreachable" in (await health.json())["problems"][0]
            response = await rig.post(slash_command_form("/moment", "Said while the database was down",
                                                         user_id="U2BEN", response_url=rig.sink.url("during")))
            assert response.status == 200  # acknowledged at once, as Slack requires
            [reply] = await eventually(lambda: rig.sink.to("during"), timeout=20)
            assert DATABASE_UNAVAILABLE in reply["text"] and "Traceback" not in str(reply)
            clock.set(datetime(2026, 11, 16, 9, 30, tzinfo=UTC))
            await scheduler._safe_tick()  # the minute's tick fails quietly and is retried by the next one
            await asyncio.sleep(OUTAGE_SECONDS)

            await proxy.restore()
            clock.set(datetime(2026, 11, 16, 9, 31, tzinfo=UTC))
            await scheduler._safe_tick()
            health = await rig.client.get("/healthz")
            assert health.status == 200
            posted = {c.args.get("channel") for c in rig.fake.delivered("chat.postMessage")}
            assert {"DU1ADA", "DU2BEN"} <= posted, posted  # everyone's check-in went out after the outage
            rows = await rig.rows(Outbox)
            assert sorted(r.status for r in rows if r.kind == "checkin") == ["sent", "sent"]
            moments = [m.text for m in await rig.rows(CustomerMoment)]
            assert moments == ["The customer renewed early"]  # kept; the refused one left nothing behind
    finally:
        await proxy.close()
        await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        await admin.close()

