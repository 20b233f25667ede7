"""Weeks of history for digest tests, written straight into the real database (chatting 12 weeks of
check-ins through the harness would take minutes). Teams, people and managers are still made with
the same commands a chat user types."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update

from handlers.cx.ingest import IncomingRating, ingest
from storage.calendar import iso_week_bounds
from storage.models import CustomerMoment, Membership, MoodEntry, Person, Prompt, Team

LONG_AGO = date(2025, 1, 6)


async def make_team(harness, name: str, members: Sequence[str], manager: str, admin: str = "ada") -> None:
    """Create the team by command, then date its memberships back so seeded history counts."""
    await harness.join(admin, *members, manager)
    await harness.say(admin, f"tandem team create {name}")
    await harness.say(admin, f"tandem team add {name} " + " ".join(f"@{m}" for m in members))
    await harness.say(admin, f"tandem team manager {name} @{manager}")
    async with harness.deps.context() as ctx:
        await ctx.session.execute(update(Membership).values(started_on=LONG_AGO))


async def people(harness) -> dict[str, int]:
    async with harness.deps.context() as ctx:
        return {p.platform_user_id: p.id for p in (await ctx.session.scalars(select(Person))).all()}


async def team_id(harness, name: str) -> int:
    async with harness.deps.context() as ctx:
        return int(await ctx.session.scalar(select(Team.id).where(Team.name == name)))


async def seed_moods(harness, iso_week: str, scores: Mapping[str, int | Sequence[int]],
                     notes: Mapping[str, float] | None = None, texts: Mapping[str, str] | None = None) -> None:
    """Mood answers for a week: one score = Monday only; a list = Monday, Tuesday, ... in order.
    `notes`: Monday's note polarity per person; `texts`: that note's text (else "a note")."""
    ids = await people(harness)
    monday, _ = iso_week_bounds(iso_week)
    async with harness.deps.context() as ctx:
        for user, given in scores.items():
            for offset, score in enumerate([given] if isinstance(given, int) else list(given)):
                day = monday + timedelta(days=offset)
                at = datetime.combine(day, time(9, 30), tzinfo=UTC)
                prompt = Prompt(person_id=ids[user], slot="checkin", local_date=day, due_at=at, sent_at=at,
                                closes_at=at + timedelta(hours=16))
                ctx.session.add(prompt)
                await ctx.session.flush()
                polarity = (notes or {}).get(user) if offset == 0 else None
                note = None if polarity is None else (texts or {}).get(user, "a note")
                ctx.session.add(MoodEntry(prompt_id=prompt.id, person_id=ids[user], local_date=day, score=score,
                                          note=note, note_polarity=polarity,
                                          note_label=None, sentiment_version="test", answered_at=at, updated_at=at))


async def seed_moments(harness, team: str, iso_week: str,
                       moments: Sequence[tuple[str, str | None, float, str | None, str]]) -> None:
    """Moments as (author, outcome, polarity, touchpoint, text), all on the week's Tuesday."""
    ids = await people(harness)
    tid = await team_id(harness, team)
    day = iso_week_bounds(iso_week)[0] + timedelta(days=1)
    async with harness.deps.context() as ctx:
        workspace_id = int(await ctx.session.scalar(select(Team.workspace_id).where(Team.id == tid)))
        for author, outcome, polarity, touchpoint, text in moments:
            ctx.session.add(CustomerMoment(
                workspace_id=workspace_id, person_id=ids[author], team_id=tid, local_date=day, text=text,
                polarity=polarity, label="positive" if polarity > 0 else "negative" if polarity < 0 else "neutral",
                sentiment_version="test", outcome=outcome, touchpoint=touchpoint,
                created_at=datetime.combine(day, time(12), tzinfo=UTC)))


def after(iso_week: str, days: int = 3) -> datetime:
    """A moment `days` after the week's Sunday, 09:00 UTC (the week is over and settled)."""
    return datetime.combine(iso_week_bounds(iso_week)[1] + timedelta(days=days), time(9), tzinfo=UTC)


async def give_emails(harness, *users: str) -> None:
    ids = await people(harness)
    async with harness.deps.context() as ctx:
        for user in users:
            await ctx.session.execute(update(Person).where(Person.id == ids[user]).values(email=f"{user}@example.com"))


async def rate(harness, week: str, ratings: dict[str, list[str]], day: int = 1, prefix: str = "r") -> None:
    """Good/bad Zendesk ratings per agent, given at noon UTC on the week's `day` (0 = Monday)."""
    monday, _ = iso_week_bounds(week)
    at = datetime.combine(monday + timedelta(days=day), time(12), tzinfo=UTC)
    rows = [IncomingRating("zendesk", f"{prefix}-{week}-{agent}-{n}", at, value, "good_bad", f"{agent}@example.com",
                           comment="Helpful and quick" if value == "good" else "Slow and rude")
            for agent, values in ratings.items() for n, value in enumerate(values)]
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, rows, "webhook", ctx.scorer, at)
