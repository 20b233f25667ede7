"""Bulk-seeded workspaces for scale tests and benchmarks: thousands of people in one INSERT each.

Going through `identify()` one person at a time would measure the seeding instead of the scheduler.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.models import ConversationRef, Person, Schedule, Workspace


async def seed_workspace(engine: AsyncEngine, *, people: int, checkin_time: str, timezone: str = "UTC",
                         platform: str = "console", external_id: str = "local", days: str = "0,1,2,3,4,5,6",
                         holiday_country: str = "", reminder_hours: int = 0, user_prefix: str = "U",
                         dm_channels: bool = False, now: datetime | None = None) -> tuple[int, list[int]]:
    """A workspace whose schedule fires at `checkin_time` (UTC people by default).

    Returns (workspace id, person ids).
    """
    now = now or datetime.now(UTC)
    async with engine.begin() as connection:
        workspace_id = (await connection.execute(insert(Workspace).values(
            platform=platform, external_id=external_id, name=external_id, timezone=timezone,
            holiday_country=holiday_country, min_group=5, active=True, created_at=now,
        ).returning(Workspace.id))).scalar_one()
        await connection.execute(insert(Schedule).values(
            workspace_id=workspace_id, checkin_days=days, checkin_time=checkin_time, digest_day=0, digest_time="09:00",
            reminder_hours=reminder_hours, enabled=True, updated_at=now))
        rows = [{"workspace_id": workspace_id, "platform_user_id": f"{user_prefix}{i:06d}",
                 "display_name": f"person {i}", "timezone": timezone, "locale": "en-GB", "holiday_country": None,
                 "is_admin": i == 0, "paused_until": None, "active": True, "created_at": now} for i in range(people)]
        for start in range(0, len(rows), 2000):
            await connection.execute(insert(Person), rows[start:start + 2000])
        found = (await connection.execute(select(Person.id, Person.platform_user_id).where(
            Person.workspace_id == workspace_id).order_by(Person.id))).all()
        if dm_channels:  # DMs opened earlier, as Slack's conversations.open left them (channel D + user id)
            refs = [{"person_id": pid, "platform": platform, "channel_id": f"D{uid}", "reference": None,
                     "updated_at": now} for pid, uid in found]
            for start in range(0, len(refs), 2000):
                await connection.execute(insert(ConversationRef), refs[start:start + 2000])
    return workspace_id, [pid for pid, _ in found]
