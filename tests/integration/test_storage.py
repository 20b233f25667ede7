"""Storage on SQLite and PostgreSQL: migrations, URL forms, the unique constraints that carry exactly-once."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from storage import outbox
from storage.db import DatabaseUrlError, create_engine, normalise_url, upgrade
from storage.models import DigestRun, MoodEntry, Prompt, SeenEvent, Team

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("given", "expected"), [
    ("", "sqlite+aiosqlite:///data/tandem.db"),
    ("sqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
    ("sqlite+aiosqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
    ("postgresql://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
    ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+asyncpg://u@h/db"),
])
def test_database_url_forms_are_normalised(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


@pytest.mark.parametrize("bad", ["mysql://u@h/db", "not a url at all", "oracle://x"])
def test_unsupported_database_urls_are_refused_clearly(bad: str) -> None:
    with pytest.raises(DatabaseUrlError, match="DATABASE_URL"):
        normalise_url(bad)


async def test_migrations_create_every_table_and_can_run_twice(database) -> None:
    url, options = database
    engine = create_engine(url, **options)
    try:
        await upgrade(engine)
        await upgrade(engine)
        async with engine.connect() as connection:
            tables = set(await connection.run_sync(lambda c: inspect(c).get_table_names()))
            version = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    finally:
        await engine.dispose()
    assert {"workspaces", "people", "teams", "memberships", "schedules", "prompts", "mood_entries",
            "customer_moments", "outbox", "conversation_refs", "seen_events", "digest_runs",
            "audit_log"} <= tables
    assert version


async def test_the_migrations_build_exactly_the_schema_the_models_describe(database) -> None:
    """Alembic's autogenerate comparison after `upgrade`: no table, column, index or constraint of
    storage/models.py is missing or different. slack_sdk's own OAuth tables are not Tandem's models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from storage.models import Base

    url, options = database
    engine = create_engine(url, **options)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    finally:
        await engine.dispose()

    def slack_sdk_table(change: tuple) -> bool:
        thing = change[1] if len(change) > 1 else None
        table = getattr(thing, "table", thing)
        return str(getattr(table, "name", "")).startswith("slack_")

    assert [change for change in diff if not slack_sdk_table(change)] == []


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def _raises_integrity(harness, make) -> None:
    with pytest.raises(IntegrityError):
        async with harness.deps.context() as ctx:
            ctx.session.add(await make(ctx))
            await ctx.session.flush()


async def test_one_prompt_per_person_per_slot_and_one_entry_per_prompt(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 3")
    [prompt] = await harness.rows(Prompt)

    async def second_prompt(ctx):
        return Prompt(person_id=prompt.person_id, slot="checkin", local_date=prompt.local_date, due_at=NOW,
                      closes_at=NOW)

    async def second_entry(ctx):
        return MoodEntry(prompt_id=prompt.id, person_id=prompt.person_id, local_date=prompt.local_date, score=1,
                         answered_at=NOW, updated_at=NOW)

    await _raises_integrity(harness, second_prompt)
    await _raises_integrity(harness, second_entry)


async def test_one_digest_run_per_team_and_week(harness) -> None:
    await harness.join("ada")
    await harness.say("ada", "tandem team create Support")
    [team] = await harness.rows(Team)
    for _ in range(2):
        async with harness.deps.context() as ctx:
            from storage.digests import save_runs

            await save_runs(ctx.session, [(team.id, "2026-W46", 5, {})], NOW)
    assert await harness.count(DigestRun) == 1

    async def duplicate(ctx):
        return DigestRun(team_id=team.id, iso_week="2026-W46", respondents=1, summary={}, built_at=NOW)

    await _raises_integrity(harness, duplicate)


async def test_outbox_dedupe_key_enqueues_once(harness) -> None:
    await harness.join("ada")
    results = []
    for _ in range(3):
        async with harness.deps.context() as ctx:
            results.append(await outbox.enqueue(ctx.session, workspace_id=1, person_id=1, kind="checkin",
                                                dedupe_key="checkin:1:2026-11-16:checkin", payload={}, now=NOW))
    assert results == [True, False, False]
    assert await harness.count(outbox.Outbox) == 1


async def test_seen_events_are_unique_per_platform_workspace_and_id(harness) -> None:
    async def seen(ctx):
        return SeenEvent(platform="slack", workspace_key="T1", event_id="Ev1", seen_at=NOW)

    async with harness.deps.context() as ctx:
        ctx.session.add(await seen(ctx))
    await _raises_integrity(harness, seen)



async def test_replicas_starting_together_migrate_once(database) -> None:
    """Two engines (two replicas) upgrading at the same moment both succeed and leave one schema version."""
    import asyncio

    url, options = database
    engines = [create_engine(url, **options) for _ in range(2)]
    try:
        await asyncio.gather(*(upgrade(engine) for engine in engines))
        async with engines[0].connect() as connection:
            versions = (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    finally:
        for engine in engines:
            await engine.dispose()
    assert len(versions) == 1
