"""Engine, sessions and migrations: the only place that knows which database Tandem runs on."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

DEFAULT_SQLITE_PATH = Path("data") / "tandem.db"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseUrlError(ValueError):
    """DATABASE_URL names a database Tandem cannot use."""


def normalise_url(url: str | None) -> str:
    """Accept the common URL spellings and return the async driver form SQLAlchemy needs.

    `sqlite:///x.db` → `sqlite+aiosqlite:///x.db`; `postgres://` and `postgresql://` → `postgresql+asyncpg://`.
    An empty value means the embedded default, a SQLite file under ./data/.
    """
    if not url or not url.strip():
        return f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"
    url = url.strip()
    try:
        parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises several types for a bad URL
        raise DatabaseUrlError(f"DATABASE_URL {url!r} is not a database URL "
                               "(use sqlite:///path/to/file.db or postgresql://user@host/db)") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite").render_as_string(hide_password=False)
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)
    raise DatabaseUrlError(f"DATABASE_URL uses {backend!r}; Tandem supports sqlite and postgresql")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=15000")  # first: switching to WAL must wait for a busy writer too
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLAlchemy, not the driver, opens transactions (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take SQLite's write lock when a transaction starts, waiting for it under busy_timeout.

    A deferred transaction that has read and then writes must upgrade its lock; if another connection
    committed in between, SQLite fails at once with "database is locked" (no waiting), which concurrent
    first contacts and answers hit. Starting every transaction IMMEDIATE makes units of work queue for
    the lock instead; SQLite allows one writer at a time anyway, and PostgreSQL is the choice for load.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def json_text(value: Any) -> str:
    """JSON columns as text, via orjson: a 400-team digest stores 400 summaries, and json.dumps spent
    18 ms of the build on them (orjson: 2 ms). Non-string keys become strings, as json.dumps does."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_engine(url: str | None, **kwargs: Any) -> AsyncEngine:
    """Build the async engine; SQLite gets WAL and foreign keys on every connection; JSON goes through orjson."""
    kwargs.setdefault("json_serializer", json_text)
    kwargs.setdefault("json_deserializer", orjson.loads)
    normalised = normalise_url(url)
    parsed = make_url(normalised)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One connection: units of work queue for it on the event loop instead of in SQLite's busy handler,
        # which sleeps in coarse steps (half the time idle under concurrent requests). SQLite has one writer
        # at a time anyway; busy_timeout still covers another process (the CLI) using the same file.
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        engine = create_async_engine(normalised, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    return create_async_engine(normalised, **kwargs)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def unit_of_work(factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One session for one request or job: commit if it finished, roll back if it raised."""
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


@asynccontextmanager
async def _sqlite_migration_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    """A file lock beside the SQLite database, so two processes starting together migrate once."""
    database = engine.url.database
    if not database or database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not on POSIX: SQLite is one process anyway
        yield
        return
    with open(f"{database}.migrate.lock", "a+") as handle:
        await asyncio.to_thread(fcntl.flock, handle, fcntl.LOCK_EX)  # wait without blocking the event loop
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` with Alembic, on the engine's own connection.

    Replicas that start together migrate once, one after another: PostgreSQL takes an advisory lock,
    SQLite a file lock beside the database.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))

    def run(sync_connection: Any) -> None:
        config.attributes["connection"] = sync_connection
        command.upgrade(config, revision)

    if not is_postgres(engine):
        async with _sqlite_migration_lock(engine), engine.connect() as connection:  # the lock before any connection
            await connection.run_sync(run)
            await connection.commit()
        return
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_advisory_lock(7244110)"))
        try:
            await connection.run_sync(run)
            await connection.commit()
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(7244110)"))
            await connection.commit()



def is_unavailable(error: BaseException) -> bool:
    """True when the database could not be reached at all (not when it refused a query)."""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

    if isinstance(error, (OperationalError, InterfaceError)):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, (ConnectionError, OSError, asyncio.TimeoutError))
