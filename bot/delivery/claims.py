"""Who holds which outbox rows: a claimer name per drain, its liveness lock, and taking back the claims of
drains whose process is gone.

On PostgreSQL each drain holds an advisory lock while it runs; a replica that finds rows claimed by a drain
whose lock is gone (its process was killed) hands them back at once, and the claim lease covers everything
else (SQLite, a claim held far too long).
"""
from __future__ import annotations

import logging
import os
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.wiring import Deps
from storage import outbox

log = logging.getLogger("tandem.delivery")


class Claims:
    """The claimer name of this process's current drain, and the lock that proves it alive."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._host = f"{socket.gethostname()[:30]}:{os.getpid()}"
        self._token = 0
        self.name = self.renew()

    def renew(self) -> str:
        """A fresh claimer name per drain: `host:pid:token`, the token being its liveness lock."""
        self._token = random.SystemRandom().randint(1, 2**31 - 1)
        self.name = f"{self._host}:{self._token}"
        return self.name

    @asynccontextmanager
    async def alive(self) -> AsyncIterator[None]:
        """PostgreSQL: hold the advisory lock that tells other replicas this drain's claims are alive.

        The lock lives on its own connection for the length of the drain; if the process is killed the
        connection closes, the lock is gone, and the next replica to drain takes the claims back.
        """
        if self.deps.engine.dialect.name != "postgresql":
            yield
            return
        async with self.deps.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await outbox.hold_liveness_lock(connection, self._token)
            try:
                yield
            finally:
                try:
                    await outbox.drop_liveness_lock(connection, self._token)
                except Exception:  # noqa: BLE001 - never hand a locked connection back to the pool
                    await connection.invalidate()

    async def recover_orphans(self) -> None:
        """Hand back rows claimed by drains whose liveness lock is gone."""
        async with self.deps.context() as ctx:
            for claimer in await outbox.orphaned_claimers(ctx.session):
                released = await outbox.release_claims(ctx.session, claimer)
                if released:
                    log.warning("took back %s outbox row(s) claimed by %s, whose process is gone", released, claimer)

    async def release(self) -> int:
        """Hand back every row this process still claims."""
        async with self.deps.context() as ctx:
            return await outbox.release_claims(ctx.session, self.name)
