"""Which feedback totals a manager may see, so that no one person's "helps" can be worked out from them.

Answers are counted only once their week is over (and can no longer change), and totals are shown in steps:
first when at least `min_group` people have answered, and afterwards only when at least `min_group` more have —
so comparing this week's totals with last week's never isolates the one person who answered in between.
Two actions whose counted answerers differ by fewer than `min_group` people (the same people plus one, say, for
two teams that differ by one member) show no totals at all, on either side, as digests withhold close overlaps.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from handlers.context import Ctx
from handlers.insights import privacy
from storage.actions import Answer, FeedbackCounts, answers_in_workspaces
from storage.models import TeamAction


def stepped(answers: list[Answer], min_group: int) -> list[Answer]:
    """The answers behind the totals shown: the longest prefix, ending at a week's end, at which the count reached
    `min_group` and then grew by at least `min_group` each time it moved. `answers` are oldest first."""
    shown: list[Answer] = []
    by_week: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    for answer in answers:
        by_week[answer.at.isocalendar()[:2]].append(answer)
    pending: list[Answer] = []
    for week in sorted(by_week):
        pending += by_week[week]
        if len(pending) >= min_group:
            shown, pending = shown + pending, []
    return shown


def shown_totals(answers: Iterable[Answer], action_ids: Iterable[int], min_group: int) -> dict[int, FeedbackCounts]:
    """Totals of the asked actions that may be shown; an action absent from the result shows none."""
    floor = privacy.effective_min_group(min_group)
    per_action: dict[int, list[Answer]] = defaultdict(list)
    for answer in answers:
        per_action[answer.action_id].append(answer)
    counted = {a: stepped(rows, floor) for a, rows in per_action.items()}
    people = {a: frozenset(r.person_id for r in rows) for a, rows in counted.items() if rows}
    too_close = {a for a in people for b in people if a != b and 0 < len(people[a] ^ people[b]) < floor}
    return {a: FeedbackCounts(answered=len(counted[a]), helps=sum(r.helps for r in counted[a]))
            for a in action_ids if a in people and a not in too_close}


async def feedback_shown(ctx: Ctx, actions: list[TeamAction], before: datetime,
                         min_group: int) -> dict[int, FeedbackCounts]:
    """shown_totals for these actions, judged against every action of their workspaces."""
    answers = await answers_in_workspaces(ctx.session, sorted({a.workspace_id for a in actions}), before)
    return shown_totals(answers, [a.id for a in actions], min_group)
