"""The audit log: admin actions and refused attempts."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLog


async def record(session: AsyncSession, *, workspace_id: int, actor_id: int | None, action: str, allowed: bool,
                 detail: str, now: datetime) -> None:
    session.add(AuditLog(workspace_id=workspace_id, actor_id=actor_id, action=action[:100], allowed=allowed,
                         detail=detail[:500], at=now))
    await session.flush()


async def entries(session: AsyncSession, workspace_id: int) -> list[AuditLog]:
    return list((await session.scalars(select(AuditLog).where(AuditLog.workspace_id == workspace_id)
                                       .order_by(AuditLog.id))).all())
