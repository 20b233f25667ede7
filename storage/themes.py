"""What a team wrote and heard in a week, as texts with who they came from, for its digest's themes.

Notes count for the team their author was a member of on the day (as mood does), moments for the team
they were filed under, customers' comments for the team of the agent rated (as CSAT does). The person
ids are used only to count distinct people and apply the privacy rules (handlers/insights/themes.py);
they are never shown. A query function: it reads and never commits.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.csat import csat_weeks
from storage.digests import _among, _in_dates, _member_on_entry_date, _rows
from storage.models import CustomerMoment, Membership, MoodEntry


@dataclass(frozen=True)
class ThemeText:
    """One text of the week: a check-in note, a customer moment or a customer's comment on a rated agent."""

    person_id: int  # the author (notes, moments) or the agent rated (comments)
    source: str  # note | moment | comment
    text: str
    polarity: float


async def week_texts(session: AsyncSession, first: date, last: date,
                     team_ids: Sequence[int]) -> dict[int, list[ThemeText]]:
    """Every team's notes, moments and customers' comments over local dates first..last, in a stable order."""
    ids = list(team_ids)
    if not ids:
        return {}
    found: dict[int, list[ThemeText]] = defaultdict(list)
    # The bare team column, unlike the mood aggregate's _team_key: SQLite then starts from the teams'
    # memberships, 2x faster for one team's digest (16 vs 33 ms at 800k entries) and as fast for 400 teams.
    notes = (select(Membership.team_id, MoodEntry.person_id, MoodEntry.note, MoodEntry.note_polarity)
             .join(MoodEntry, _member_on_entry_date())
             .where(_in_dates(MoodEntry.local_date, first, last), _among(Membership.team_id, ids),
                    MoodEntry.note.is_not(None), func.length(MoodEntry.note) > 0)
             .order_by(Membership.team_id, MoodEntry.id))
    for team_id, person_id, text, polarity in await _rows(session, notes):
        found[int(team_id)].append(ThemeText(int(person_id), "note", str(text), float(polarity or 0.0)))
    moments = (select(CustomerMoment.team_id, CustomerMoment.person_id, CustomerMoment.text, CustomerMoment.polarity)
               .where(_in_dates(CustomerMoment.local_date, first, last), _among(CustomerMoment.team_id, ids),
                      func.length(CustomerMoment.text) > 0)
               .order_by(CustomerMoment.team_id, CustomerMoment.id))
    for team_id, person_id, text, polarity in await _rows(session, moments):
        found[int(team_id)].append(ThemeText(int(person_id), "moment", str(text), float(polarity)))
    for team_id, week in (await csat_weeks(session, first, last, ids, with_comments=True)).items():
        found[team_id] += [ThemeText(agent, "comment", text, polarity) for agent, text, polarity in week.comment_texts]
    return dict(found)
