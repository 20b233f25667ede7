"""Customer ratings: stored once per source and vendor id, agents resolved to people by email.

Query functions flush at most; the unit of work commits.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AgentDirectory, AgentLink, CustomerRating, Person, RatingSource
from storage.statements import dialect_name, rows_changed


def _insert(session: AsyncSession) -> Any:
    return pg_insert if dialect_name(session) == "postgresql" else sqlite_insert


async def insert_ratings(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> set[tuple[str, str]]:
    """Insert ratings, skipping any (source, external_id) already stored; the keys added.

    The ids already stored are looked up first (one indexed query a batch): RETURNING over a large
    executemany costs far more. ON CONFLICT still keeps a rating once when replicas race; the count
    then errs by the raced rows only.
    """
    fresh: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        fresh.setdefault((str(row["source"]), str(row["external_id"])), row)
    for source in {source for source, _ in fresh}:
        ids = [external for s, external in fresh if s == source]
        for known in await stored_ids(session, source, ids):
            fresh.pop((source, known), None)
    if fresh:
        table = CustomerRating.__table__  # a Core insert: the ORM's bulk path costs more than the database
        statement = _insert(session)(table).on_conflict_do_nothing(index_elements=["source", "external_id"])
        await session.execute(statement, list(fresh.values()))
    return set(fresh)


@dataclass(frozen=True)
class RatingRow:
    """What figures need of a rating; the comment text only when themes ask for it (`with_comments`)."""

    rated_at: datetime
    score: float
    satisfied: bool
    agent_email: str | None
    comment_polarity: float | None
    source: str
    comment: str | None = None


async def ratings_between(session: AsyncSession, start: datetime, end: datetime, *,
                          with_comments: bool = False) -> list[RatingRow]:
    """Ratings given in [start, end), with an email to attribute them by (others cannot count yet)."""
    columns = [CustomerRating.rated_at, CustomerRating.score, CustomerRating.satisfied, CustomerRating.agent_email,
               CustomerRating.comment_polarity, CustomerRating.source]
    query = select(*columns, CustomerRating.comment) if with_comments else select(*columns)
    rows = await session.execute(query.where(CustomerRating.rated_at >= start, CustomerRating.rated_at < end,
                                             CustomerRating.agent_email.is_not(None)))
    return [RatingRow(*tuple(row)) for row in rows.all()]


async def agent_people(session: AsyncSession, workspace_id: int) -> dict[str, int]:
    """Lower-cased agent email → person id in one workspace: people's own emails, then admins' links."""
    own = await session.execute(select(Person.email, Person.id).where(
        Person.workspace_id == workspace_id, Person.email.is_not(None)))
    found = {email: person_id for email, person_id in own.all() if email}
    links = await session.execute(select(AgentLink.email, AgentLink.person_id).where(
        AgentLink.workspace_id == workspace_id))
    found.update(dict(links.all()))
    return found


async def link_agent(session: AsyncSession, workspace_id: int, email: str, person_id: int, now: datetime) -> bool:
    """Point a helpdesk email at a person (replacing an earlier link); True when something changed."""
    existing = await session.scalar(select(AgentLink).where(AgentLink.workspace_id == workspace_id,
                                                            AgentLink.email == email))
    if existing is None:
        session.add(AgentLink(workspace_id=workspace_id, email=email, person_id=person_id, linked_at=now))
        await session.flush()
        return True
    if existing.person_id == person_id:
        return False
    existing.person_id, existing.linked_at = person_id, now
    await session.flush()
    return True


@dataclass(frozen=True)
class UnlinkedAgent:
    source: str
    agent: str  # the email, or the vendor's agent id when no email is known
    has_email: bool
    ratings: int
    last_rated_at: datetime


async def unlinked_agents(session: AsyncSession, workspace_id: int, limit: int = 50) -> list[UnlinkedAgent]:
    """Agents whose ratings match nobody in the workspace, most-rated first."""
    known = set((await agent_people(session, workspace_id)).keys())
    who = func.coalesce(CustomerRating.agent_email, CustomerRating.agent_ref, "")
    rows = (await session.execute(select(
        CustomerRating.source, who, func.max(CustomerRating.agent_email), func.count(CustomerRating.id),
        func.max(CustomerRating.rated_at),
    ).group_by(CustomerRating.source, who))).all()
    found = [UnlinkedAgent(source, agent or "(no agent)", email is not None, int(count), last)
             for source, agent, email, count, last in rows if email is None or email not in known]
    found.sort(key=lambda agent: (-agent.ratings, agent.source, agent.agent))
    return found[:limit]


@dataclass(frozen=True)
class SourceCounts:
    source: str
    total: int
    last_7_days: int
    last_rated_at: datetime | None
    last_received_at: datetime | None


async def source_counts(session: AsyncSession, since: datetime) -> list[SourceCounts]:
    """Per source: all ratings, those given since `since`, the newest rating and the newest arrival."""
    rows = (await session.execute(select(
        CustomerRating.source, func.count(CustomerRating.id),
        func.sum(case((CustomerRating.rated_at >= since, 1), else_=0)),
        func.max(CustomerRating.rated_at), func.max(CustomerRating.received_at),
    ).group_by(CustomerRating.source).order_by(CustomerRating.source))).all()
    return [SourceCounts(source, int(total), int(recent or 0), last, received)
            for source, total, recent, last, received in rows]


async def source_state(session: AsyncSession, source: str) -> RatingSource:
    """The source's row (created on first use), to read or move its pull position."""
    row = await session.scalar(select(RatingSource).where(RatingSource.source == source))
    if row is not None:
        return row
    await session.execute(_insert(session)(RatingSource).values(source=source).on_conflict_do_nothing(
        index_elements=["source"]))
    found = await session.scalar(select(RatingSource).where(RatingSource.source == source))
    assert found is not None  # inserted just above, or by a concurrent replica
    return found


async def source_states(session: AsyncSession) -> list[RatingSource]:
    return list((await session.scalars(select(RatingSource).order_by(RatingSource.source))).all())


async def take_lease(session: AsyncSession, source: str, owner: str, now: datetime, until: datetime) -> bool:
    """Compare-and-set the source's pull lease: True when `owner` holds it until `until`."""
    await source_state(session, source)
    result = await session.execute(update(RatingSource).where(
        RatingSource.source == source,
        or_(RatingSource.lease_until.is_(None), RatingSource.lease_until < now, RatingSource.lease_owner == owner),
    ).values(lease_owner=owner, lease_until=until))
    return rows_changed(result) > 0


async def release_lease(session: AsyncSession, source: str, owner: str) -> None:
    await session.execute(update(RatingSource).where(RatingSource.source == source,
                                                     RatingSource.lease_owner == owner)
                          .values(lease_owner=None, lease_until=None))


async def note_received(session: AsyncSession, source: str, now: datetime) -> None:
    """When the source last delivered: one upsert, as it runs with every batch of webhooks."""
    statement = _insert(session)(RatingSource).values(source=source, last_received_at=now)
    await session.execute(statement.on_conflict_do_update(index_elements=["source"],
                                                          set_={"last_received_at": now}))


async def note_error(session: AsyncSession, source: str, error: str, now: datetime) -> None:
    state = await source_state(session, source)
    state.last_error, state.last_error_at = error[:500], now


async def remember_agent(session: AsyncSession, source: str, agent_ref: str, email: str | None, name: str,
                         now: datetime) -> int:
    """Record what the vendor's agent API said of an id and fill the email into that agent's ratings."""
    statement = _insert(session)(AgentDirectory).values(source=source, agent_ref=agent_ref, email=email,
                                                        name=name[:200], looked_up_at=now)
    await session.execute(statement.on_conflict_do_update(
        index_elements=["source", "agent_ref"], set_={"email": email, "name": name[:200], "looked_up_at": now}))
    if email is None:
        return 0
    result = await session.execute(update(CustomerRating).where(
        CustomerRating.source == source, CustomerRating.agent_ref == agent_ref,
        CustomerRating.agent_email.is_(None)).values(agent_email=email))
    return rows_changed(result)


async def agents_without_email(session: AsyncSession, source: str, limit: int = 100) -> list[str]:
    """Vendor agent ids whose ratings have no email and which were never looked up."""
    looked_up = select(AgentDirectory.agent_ref).where(AgentDirectory.source == source)
    rows = await session.scalars(select(CustomerRating.agent_ref).where(
        CustomerRating.source == source, CustomerRating.agent_email.is_(None),
        CustomerRating.agent_ref.is_not(None), CustomerRating.agent_ref.not_in(looked_up),
    ).distinct().limit(limit))
    return [ref for ref in rows.all() if ref]


async def purge_comments_before(session: AsyncSession, cutoff: datetime) -> int:
    """Blank customers' comments of ratings given before `cutoff`; the comment's sentiment stays."""
    result = await session.execute(update(CustomerRating).where(
        and_(CustomerRating.rated_at < cutoff, CustomerRating.comment.is_not(None))).values(comment=None))
    return rows_changed(result)


async def stored_ids(session: AsyncSession, source: str, external_ids: Sequence[str]) -> set[str]:
    """Which of these vendor ids of one source are stored already (a dry run's "would add")."""
    rows = await session.scalars(select(CustomerRating.external_id).where(
        CustomerRating.source == source, CustomerRating.external_id.in_(list(external_ids))))
    return set(rows.all())


async def emails_of(session: AsyncSession, person: Person) -> list[str]:
    """Every helpdesk email that counts for this person: their own and those an admin linked to them."""
    linked = (await session.scalars(select(AgentLink.email).where(AgentLink.person_id == person.id))).all()
    return sorted({*linked, *([person.email] if person.email else [])})


async def ratings_of(session: AsyncSession, emails: Sequence[str]) -> list[CustomerRating]:
    if not emails:
        return []
    return list((await session.scalars(select(CustomerRating).where(
        CustomerRating.agent_email.in_(list(emails))).order_by(CustomerRating.rated_at))).all())


async def delete_ratings_of(session: AsyncSession, emails: Sequence[str]) -> int:
    """Forget the ratings of these agent emails (forget-me); sealed weekly sums keep past digests as sent."""
    if not emails:
        return 0
    result = await session.execute(delete(CustomerRating).where(CustomerRating.agent_email.in_(list(emails))))
    return rows_changed(result)
