"""Creating many people in a few statements: an org chart import brings thousands at once, and one INSERT
(and one round trip) per person would make a 20,000-row file take minutes."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person
from storage.statements import dialect_name

CHUNK = 1000
ANALYZE_AFTER = 1000  # PostgreSQL: this many new people make the planner's row counts wrong until it re-reads them


async def add_people(session: AsyncSession, workspace_id: int, rows: Sequence[dict[str, Any]], now: datetime) -> None:
    """Insert people (each row: platform_user_id, display_name, email, timezone, holiday_country, active); a
    platform id the workspace already has is left alone (another import got there first).

    On PostgreSQL a large batch is followed by ANALYZE: with the table's statistics from before it, the
    planner scans every person for each lookup by email or id that follows (30 ms instead of 3 ms each).
    """
    postgres = dialect_name(session) == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    values = [{"workspace_id": workspace_id, "locale": None, "is_admin": False, "created_at": now, **row}
              for row in rows]
    for start in range(0, len(values), CHUNK):
        await session.execute(insert(Person).on_conflict_do_nothing(
            index_elements=["workspace_id", "platform_user_id"]), values[start:start + CHUNK])
    if postgres and len(values) >= ANALYZE_AFTER:
        await session.execute(text(f"ANALYZE {Person.__tablename__}"))
