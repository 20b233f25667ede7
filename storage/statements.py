"""What query modules ask of their session and of a statement's result, typed once.

SQLAlchemy types `AsyncSession.bind` as optional and `execute()` as a plain `Result`; Tandem's sessions
are always bound, and an UPDATE, DELETE or INSERT always gives a `CursorResult` with a row count.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    """"postgresql" or "sqlite": the database the session's statements run on."""
    return session.get_bind().dialect.name


def rows_changed(result: Result[Any]) -> int:
    """How many rows a data-changing statement touched (0 where the driver cannot tell)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"a row count needs the result of an UPDATE, DELETE or INSERT, not {type(result).__name__}")
    return int(result.rowcount or 0)
