"""Customer moments."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CustomerMoment, is_row_id


async def add_moment(session: AsyncSession, moment: CustomerMoment) -> CustomerMoment:
    session.add(moment)
    await session.flush()
    return moment


async def get_moment(session: AsyncSession, moment_id: int) -> CustomerMoment | None:
    return await session.get(CustomerMoment, moment_id) if is_row_id(moment_id) else None


async def moments_of_person(session: AsyncSession, person_id: int, limit: int | None = None) -> list[CustomerMoment]:
    query = select(CustomerMoment).where(CustomerMoment.person_id == person_id).order_by(
        CustomerMoment.created_at.desc(), CustomerMoment.id.desc())
    if limit:
        query = query.limit(limit)
    return list((await session.scalars(query)).all())
