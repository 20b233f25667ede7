"""People: lookup by platform id or name, creation, admin flags, pause state."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, SyncOptOut, Workspace, is_row_id


async def find_person(session: AsyncSession, workspace_id: int, platform_user_id: str) -> Person | None:
    return await session.scalar(select(Person).where(
        Person.workspace_id == workspace_id, Person.platform_user_id == platform_user_id))


async def find_person_by_handle(session: AsyncSession, workspace_id: int, handle: str) -> Person | None:
    """A person by platform id or, failing that, by display name (case-insensitive)."""
    person = await find_person(session, workspace_id, handle)
    if person is not None:
        return person
    matches = (await session.scalars(select(Person).where(
        Person.workspace_id == workspace_id, func.lower(Person.display_name) == handle.lower()))).all()
    return matches[0] if len(matches) == 1 else None


async def get_person(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id) if is_row_id(person_id) else None


async def count_people(session: AsyncSession, workspace_id: int) -> int:
    return int(await session.scalar(select(func.count(Person.id)).where(Person.workspace_id == workspace_id)) or 0)


async def add_person(session: AsyncSession, *, workspace_id: int, platform_user_id: str, display_name: str,
                     timezone: str | None, locale: str | None, is_admin: bool, now: datetime,
                     email: str | None = None) -> Person:
    person = Person(workspace_id=workspace_id, platform_user_id=platform_user_id, display_name=display_name,
                    email=email, timezone=timezone, locale=locale, is_admin=is_admin, active=True, created_at=now)
    session.add(person)
    await session.flush()
    return person


def stage_synced_person(session: AsyncSession, workspace: Workspace, key: str, name: str,
                        email: str | None, now: datetime) -> Person:
    """A person a team sync or org import found (`key`: platform id or placeholder id), written by the next
    flush together with the others: a 2,000-person first sync would otherwise cost 2,000 round trips. A
    placeholder is not active until that person appears on their platform."""
    person = Person(workspace_id=workspace.id, platform_user_id=key, display_name=name, email=email,
                    timezone=None, locale=None, is_admin=False, active=not key.startswith(PLACEHOLDER_PREFIX),
                    created_at=now)
    person.workspace = workspace
    session.add(person)
    return person


async def write_staged(session: AsyncSession) -> None:
    """Insert every staged person in one batch, so they have ids."""
    await session.flush()


async def admins(session: AsyncSession, workspace_id: int) -> list[Person]:
    return list((await session.scalars(select(Person).where(
        Person.workspace_id == workspace_id, Person.is_admin.is_(True)).order_by(Person.id))).all())


async def schedulable_people(session: AsyncSession, workspace_id: int) -> list[Person]:
    """Active people of a workspace; pause and holidays are judged per person in their own zone."""
    return list((await session.scalars(select(Person).where(
        Person.workspace_id == workspace_id, Person.active.is_(True)).order_by(Person.id))).all())


async def delete_person(session: AsyncSession, person: Person) -> None:
    await session.delete(person)
    await session.flush()


async def schedulable_people_after(session: AsyncSession, workspace_id: int, after_id: int, limit: int) -> list[Row]:
    """The next `limit` active people of a workspace by id, as light rows (id, timezone, holiday_country,
    paused_until): the scheduling tick plans thousands of people per part and needs nothing else."""
    return list((await session.execute(select(Person.id, Person.timezone, Person.holiday_country,
                                              Person.paused_until).where(
        Person.workspace_id == workspace_id, Person.active.is_(True), Person.id > after_id)
        .order_by(Person.id).limit(limit))).all())


async def people_by_id(session: AsyncSession, ids: list[int]) -> dict[int, Person]:
    found: dict[int, Person] = {}
    for start in range(0, len(ids), 500):
        found.update((p.id, p) for p in (await session.scalars(select(Person).where(
            Person.id.in_(ids[start:start + 500])))).all())
    return found


async def people_by_platform_ids(session: AsyncSession, workspace_id: int, user_ids: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    for start in range(0, len(user_ids), 500):
        found.update((p.platform_user_id, p) for p in (await session.scalars(select(Person).where(
            Person.workspace_id == workspace_id, Person.platform_user_id.in_(user_ids[start:start + 500])))).all())
    return found


async def people_by_emails(session: AsyncSession, workspace_id: int, emails: list[str]) -> dict[str, Person]:
    """People by lower-cased email; where two share one, the one with a platform id wins over a placeholder."""
    found: dict[str, Person] = {}
    for start in range(0, len(emails), 500):
        for person in (await session.scalars(select(Person).where(
                Person.workspace_id == workspace_id, Person.email.in_(emails[start:start + 500]))
                .order_by(Person.id))).all():
            if person.email and (person.email not in found or is_placeholder(found[person.email])):
                found[person.email] = person
    return found


PLACEHOLDER_PREFIX = "email:"  # an org chart row known only by email, until they appear on their platform


def placeholder_id(email: str) -> str:
    return PLACEHOLDER_PREFIX + email


def is_placeholder(person: Person) -> bool:
    return person.platform_user_id.startswith(PLACEHOLDER_PREFIX)


def opt_out_keys(person: Person) -> list[str]:
    """What a synced source may name this person by: their platform id and, if known, their email."""
    keys = [person.platform_user_id]
    if person.email and not is_placeholder(person):
        keys.append(placeholder_id(person.email))
    return keys


async def add_opt_outs(session: AsyncSession, person: Person, now: datetime) -> None:
    """Remember only the keys a synced source may name this person by, so no sync adds them back."""
    keys = opt_out_keys(person)
    known = await opted_out(session, person.workspace_id, keys)
    session.add_all([SyncOptOut(workspace_id=person.workspace_id, key=key[:330], person_key=person.platform_user_id,
                                created_at=now) for key in dict.fromkeys(keys) if key not in known])
    await session.flush()


async def opted_out(session: AsyncSession, workspace_id: int, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update((await session.scalars(select(SyncOptOut.key).where(
            SyncOptOut.workspace_id == workspace_id, SyncOptOut.key.in_(keys[start:start + 500])))).all())
    return found


async def clear_opt_outs(session: AsyncSession, person: Person) -> None:
    """They talk to Tandem again: every key kept for them goes."""
    keys = opt_out_keys(person)
    await session.execute(delete(SyncOptOut).where(
        SyncOptOut.workspace_id == person.workspace_id,
        or_(SyncOptOut.key.in_(keys), SyncOptOut.person_key == person.platform_user_id)))
