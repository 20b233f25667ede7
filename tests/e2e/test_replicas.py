"""Real `python -m bot serve` processes on one PostgreSQL database: every person exactly one check-in.

Two replicas with 500 people due at once; then a server killed with SIGKILL in the middle of a
2,000-person fan-out and restarted. Deliveries are counted across processes through the test-only
recording messenger (tests/support/recording_messenger.py: one JSON line per delivery, one file per process).
People are seeded with the check-in slot at the current UTC minute, so the first tick of a freshly
started server finds them all due: no clock tricks in the server.
"""
from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.delivery.dispatcher import SEND_CONCURRENCY
from storage.db import create_engine, upgrade
from storage.models import Outbox
from tests.conftest import ROOT, require_postgres
from tests.support.population import seed_workspace

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def fresh_database() -> AsyncIterator[str]:
    """A dedicated database on the PostgreSQL server, migrated, dropped afterwards."""
    import asyncpg

    url = require_postgres().replace("postgresql+asyncpg://", "postgresql://")
    name = f"tandem_e2e_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = url.rsplit("/", 1)[0] + "/" + name
    try:
        engine = create_engine(database_url)
        await upgrade(engine)
        await engine.dispose()
        yield database_url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


class Server:
    """One `python -m bot serve` process with the recording messenger."""

    def __init__(self, database_url: str, deliveries: Path, logs: Path, delay_ms: int) -> None:
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
        env.update(DATABASE_URL=database_url, TANDEM_CONFIG=str(ROOT / "app.yaml"), PYTHONUNBUFFERED="1",
                   TANDEM_TEST_MESSENGER_DIR=str(deliveries), TANDEM_TEST_MESSENGER_DELAY_MS=str(delay_ms))
        self.log = logs / f"serve-{self.port}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([sys.executable, "-m", "tests.support.recording_messenger",
                                             "--port", str(self.port)],
                                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def _deliveries(directory: Path) -> list[dict]:
    """Every complete line of every server's file. A reader can catch a write half-copied (O_APPEND keeps
    writers apart, not readers), so a last line without its newline is not a delivery yet."""
    lines: list[dict] = []
    for path in directory.glob("deliveries-*.jsonl"):
        text = path.read_text()
        lines.extend(json.loads(line) for line in text[:text.rfind("\n") + 1].splitlines() if line.strip())
    return [line for line in lines if line["kind"] == "checkin"]


async def _outbox_open(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count(Outbox.id)).where(
                Outbox.status.in_(("pending", "sending")))) or 0)
    finally:
        await engine.dispose()


async def _wait_for(condition, timeout: float, servers: list[Server], what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await condition():
            return
        for server in servers:
            if server.process.poll() not in (None, -signal.SIGKILL):
                pytest.fail(f"serve exited with {server.process.returncode}:\n{server.log.read_text()[-3000:]}")
        await asyncio.sleep(0.1)
    logs = "\n".join(s.log.read_text()[-2000:] for s in servers)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


async def _seed(database_url: str, people: int) -> list[int]:
    engine = create_engine(database_url)
    try:
        now = datetime.now(UTC)
        _, ids = await seed_workspace(engine, people=people, checkin_time=now.strftime("%H:%M"), now=now)
        return ids
    finally:
        await engine.dispose()


async def test_two_replicas_deliver_exactly_one_checkin_to_each_of_500_people(fresh_database: str,
                                                                              tmp_path: Path) -> None:
    ids = await _seed(fresh_database, 500)
    deliveries = tmp_path / "deliveries"
    servers = [Server(fresh_database, deliveries, tmp_path, delay_ms=300) for _ in range(2)]
    try:
        async def all_done() -> bool:
            return len({d["person_id"] for d in _deliveries(deliveries)}) == 500 \
                and await _outbox_open(fresh_database) == 0

        await _wait_for(all_done, 60, servers, "500 check-ins")
        await asyncio.sleep(1.5)  # a late duplicate would show up here
    finally:
        for server in servers:
            server.stop()
    lines = _deliveries(deliveries)
    per_person = Counter(d["person_id"] for d in lines)
    per_process = Counter(d["pid"] for d in lines)
    print(f"\n500 people, 2 replicas: {len(lines)} check-ins delivered, split by process {dict(per_process)}")
    assert set(per_person) == set(ids)
    assert set(per_person.values()) == {1}, [p for p, n in per_person.items() if n > 1]


async def test_a_server_killed_mid_fanout_loses_nobody_on_restart(fresh_database: str, tmp_path: Path) -> None:
    ids = await _seed(fresh_database, 2000)
    deliveries = tmp_path / "deliveries"
    first = Server(fresh_database, deliveries, tmp_path, delay_ms=100)
    servers = [first]
    try:
        async def under_way() -> bool:
            return len(_deliveries(deliveries)) >= 400

        await _wait_for(under_way, 60, servers, "the fan-out to get under way")
        first.kill()
        before_restart = len(_deliveries(deliveries))
        assert before_restart < 2000, "the fan-out finished before the kill; the test proved nothing"
        servers.append(Server(fresh_database, deliveries, tmp_path, delay_ms=0))

        async def all_done() -> bool:
            return len({d["person_id"] for d in _deliveries(deliveries)}) == 2000 \
                and await _outbox_open(fresh_database) == 0

        await _wait_for(all_done, 60, servers, "all 2,000 check-ins after the restart")
        await asyncio.sleep(1.0)
    finally:
        for server in servers:
            server.stop()
    per_person = Counter(d["person_id"] for d in _deliveries(deliveries))
    duplicates = sum(n - 1 for n in per_person.values())
    print(f"\nkilled after {before_restart} of 2000 check-ins; after the restart: {len(per_person)} people reached, "
          f"{duplicates} duplicate(s) (the batch in flight at the kill)")
    assert set(per_person) == set(ids)  # nobody lost
    # at most what was sent but not yet recorded: the 50 sends in flight, plus fewer than 50 sent rows waiting
    # for their flush (the dispatcher starts no new send while 50 wait), so fewer than 2 x 50 on any machine
    assert duplicates < 2 * SEND_CONCURRENCY


async def _claimed(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(select(func.count(Outbox.id)).where(Outbox.status == "sending")) or 0)
    finally:
        await engine.dispose()


async def test_sigterm_mid_fanout_stops_cleanly_and_a_restart_finishes_without_duplicates(
        fresh_database: str, tmp_path: Path) -> None:
    """Graceful shutdown: no new work, sends in flight finish and are recorded, the rest is handed back."""
    ids = await _seed(fresh_database, 1000)
    deliveries = tmp_path / "deliveries"
    first = Server(fresh_database, deliveries, tmp_path, delay_ms=100)
    servers = [first]
    try:
        async def under_way() -> bool:
            return len(_deliveries(deliveries)) >= 200

        await _wait_for(under_way, 60, servers, "the fan-out to get under way")
        first.process.send_signal(signal.SIGTERM)
        assert first.process.wait(timeout=20) == 0
        stopped_at = len(_deliveries(deliveries))
        assert stopped_at < 1000, "the fan-out finished before SIGTERM; the test proved nothing"
        assert await _claimed(fresh_database) == 0  # nothing left claimed by the stopped server
        log = first.log.read_text()
        assert "shutting down" in log and "handed back" in log and "Traceback" not in log
        servers = [Server(fresh_database, deliveries, tmp_path, delay_ms=0)]  # the first one exited, as asked

        async def all_done() -> bool:
            return len({d["person_id"] for d in _deliveries(deliveries)}) == 1000 \
                and await _outbox_open(fresh_database) == 0

        await _wait_for(all_done, 60, servers, "all 1,000 check-ins after the restart")
    finally:
        for server in servers:
            server.stop()
    per_person = Counter(d["person_id"] for d in _deliveries(deliveries))
    print(f"\nSIGTERM after {stopped_at} of 1000 check-ins; after the restart {len(per_person)} reached, "
          f"{sum(n - 1 for n in per_person.values())} duplicate(s)")
    assert set(per_person) == set(ids)
    assert all(n == 1 for n in per_person.values())  # a graceful stop records what it sent: no duplicates
