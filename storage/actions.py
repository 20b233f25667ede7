"""Team actions and their feedback: numbered per team, closed once, with "helps" counted only in aggregate.

Callers hold the session and its transaction; nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ActionFeedback, TeamAction, is_row_id


@dataclass(frozen=True)
class FeedbackCounts:
    """How many gave feedback and how many of them said it helps — never who."""

    answered: int
    helps: int


async def add_action(session: AsyncSession, *, workspace_id: int, team_id: int, text: str,
                     created_by: int | None, now: datetime, local_date: date) -> TeamAction:
    """Record an open action with the team's next number (a race on the number fails the unique key and is
    retried by the unit of work); `local_date` is the recorder's today, which places it in its local week."""
    last = await session.scalar(select(func.max(TeamAction.number)).where(TeamAction.team_id == team_id))
    action = TeamAction(workspace_id=workspace_id, team_id=team_id, number=int(last or 0) + 1, text=text,
                        created_by=created_by, created_at=now, local_date=local_date, status="open")
    session.add(action)
    await session.flush()
    return action


async def action_by_number(session: AsyncSession, team_id: int, number: int) -> TeamAction | None:
    return await session.scalar(select(TeamAction).where(TeamAction.team_id == team_id,
                                                         TeamAction.number == number))


async def action_by_id(session: AsyncSession, action_id: int) -> TeamAction | None:
    return await session.get(TeamAction, action_id) if is_row_id(action_id) else None


async def actions_of_team(session: AsyncSession, team_id: int) -> list[TeamAction]:
    return list((await session.scalars(select(TeamAction).where(TeamAction.team_id == team_id)
                                       .order_by(TeamAction.number))).all())


async def mark_done(session: AsyncSession, action: TeamAction, *, outcome: str | None, now: datetime) -> bool:
    """Close an open action; False when it was already done, so the outcome is announced once."""
    if action.status == "done":
        return False
    action.status, action.done_at, action.outcome = "done", now, outcome
    await session.flush()
    return True


async def give_feedback(session: AsyncSession, *, action_id: int, person_id: int, helps: bool,
                        now: datetime, changeable_from: datetime) -> bool:
    """Set one person's answer (one row per person per action), or change it while it was first given at or after
    `changeable_from` (the start of the current week). The time of the first answer is kept, so the totals of
    whole past weeks never change. False when the answer is older and stays as it is."""
    row = await session.scalar(select(ActionFeedback).where(ActionFeedback.action_id == action_id,
                                                            ActionFeedback.person_id == person_id))
    if row is None:
        session.add(ActionFeedback(action_id=action_id, person_id=person_id, helps=helps, at=now))
    elif row.at < changeable_from:
        return False
    else:
        row.helps = helps
    await session.flush()
    return True


async def feedback_of_person(session: AsyncSession, person_id: int) -> list[tuple[TeamAction, ActionFeedback]]:
    """One person's own answers, for their export (never shown to anyone else)."""
    return [(a, f) for a, f in (await session.execute(
        select(TeamAction, ActionFeedback).join(ActionFeedback, ActionFeedback.action_id == TeamAction.id)
        .where(ActionFeedback.person_id == person_id).order_by(TeamAction.id))).all()]


async def actions_recorded_by(session: AsyncSession, person_id: int) -> list[TeamAction]:
    return list((await session.scalars(select(TeamAction).where(TeamAction.created_by == person_id)
                                       .order_by(TeamAction.id))).all())


async def actions_of_teams(session: AsyncSession, team_ids: list[int], first: date, last: date) -> list[TeamAction]:
    """Several teams' actions recorded on local dates first..last (inclusive), in one query (a digest build)."""
    if not team_ids:
        return []
    return list((await session.scalars(
        select(TeamAction).where(TeamAction.team_id.in_(team_ids), TeamAction.local_date.between(first, last))
        .order_by(TeamAction.team_id, TeamAction.number))).all())


@dataclass(frozen=True)
class Answer:
    """One counted answer, as the privacy rules of the totals need it (never shown as such)."""

    action_id: int
    person_id: int
    at: datetime
    helps: bool


async def answers_in_workspaces(session: AsyncSession, workspace_ids: list[int], before: datetime) -> list[Answer]:
    """Every answer set before `before` to any action of these workspaces, oldest first: the totals of one action
    are judged against the others' (two actions answered by nearly the same people can be subtracted)."""
    if not workspace_ids:
        return []
    rows = await session.execute(
        select(ActionFeedback.action_id, ActionFeedback.person_id, ActionFeedback.at, ActionFeedback.helps)
        .join(TeamAction, TeamAction.id == ActionFeedback.action_id)
        .where(TeamAction.workspace_id.in_(workspace_ids), ActionFeedback.at < before)
        .order_by(ActionFeedback.at, ActionFeedback.id))
    return [Answer(int(a), int(p), at, bool(h)) for a, p, at, h in rows.all()]
