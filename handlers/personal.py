"""What people can do with their own data: see it, export it, delete it, pause check-ins."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta

from handlers import commands as c
from handlers.context import Ctx
from handlers.errors import BadArguments
from handlers.identity import person_today
from handlers.insights.build import forget_quotes
from handlers.messages import Confirm, Export, Reply, Text, mood_choice
from handlers.sharing.feed import shared_notes_export
from storage import actions, checkins, moments, people, ratings, team_sources, teams
from storage.calendar import iso_week_of
from storage.models import Person

HISTORY_WEEKS = 8


async def history(ctx: Ctx, person: Person, _: c.ShowHistory) -> Reply:
    """The person's own last 8 weeks of mood (weekly means) and recent moments."""
    today = person_today(ctx, person)
    since = today - timedelta(weeks=HISTORY_WEEKS)
    entries = await checkins.entries_of_person(ctx.session, person.id, since)
    by_week: dict[str, list[int]] = defaultdict(list)
    for entry in entries:
        by_week[iso_week_of(entry.local_date)].append(entry.score)
    lines = [f"Your last {HISTORY_WEEKS} weeks (only you can see this):"]
    if not by_week:
        lines.append("  No check-ins yet. Type /checkin to start.")
    for week, scores in sorted(by_week.items()):
        mean = sum(scores) / len(scores)
        bar = "█" * round(mean * 2)
        lines.append(f"  {week}  {bar:<10} {mean:.1f}  ({len(scores)} check-in{'s' if len(scores) != 1 else ''})")
    recent = await moments.moments_of_person(ctx.session, person.id, limit=5)
    if recent:
        lines.append("Your recent customer moments:")
        for moment in recent:
            outcome = moment.outcome or "outcome not set"
            text = moment.text or "(text deleted after the retention period)"
            snippet = text if len(text) <= 80 else text[:77] + "..."
            lines.append(f"  {moment.local_date:%d %b}  [{outcome}]  {snippet}")
    if person.paused_until:
        lines.append(f"Check-ins are paused until {person.paused_until:%A %d %B %Y}.")
    return Reply.of(Text("\n".join(lines)))


async def _team_name(ctx: Ctx, team_id: int) -> str:
    team = await teams.get_team(ctx.session, team_id)
    return team.name if team is not None else "a deleted team"


async def export(ctx: Ctx, person: Person, _: c.ExportData) -> Reply:
    """Everything Tandem holds about the person, as JSON."""
    entries = await checkins.entries_of_person(ctx.session, person.id)
    logged = await moments.moments_of_person(ctx.session, person.id)
    today = person_today(ctx, person)
    emails = await ratings.emails_of(ctx.session, person)
    rated = await ratings.ratings_of(ctx.session, emails)
    answered = await actions.feedback_of_person(ctx.session, person.id)
    recorded = await actions.actions_recorded_by(ctx.session, person.id)
    team_names = {a.team_id: await _team_name(ctx, a.team_id) for a in (*recorded, *(a for a, _ in answered))}
    data = {
        "exported_at": ctx.clock.now().isoformat(),
        "person": {"id": person.platform_user_id, "name": person.display_name, "timezone": person.timezone,
                   "locale": person.locale, "holiday_country": person.holiday_country, "admin": person.is_admin,
                   "paused_until": person.paused_until.isoformat() if person.paused_until else None,
                   "email": person.email, "helpdesk_emails": emails},
        "teams": [t.name for t in await teams.member_teams(ctx.session, person.id, today)],
        "manages": [t.name for t in await teams.managed_teams(ctx.session, person.id, today)],
        "check_ins": [{"date": e.local_date.isoformat(), "mood": e.score, "mood_label": mood_choice(e.score).label,
                       "note": e.note, "note_sentiment": e.note_polarity} for e in entries],
        "customer_moments": [{"date": m.local_date.isoformat(), "text": m.text, "outcome": m.outcome,
                              "touchpoint": m.touchpoint, "customer": m.customer_ref, "sentiment": m.polarity,
                              "source": m.source_link} for m in logged],
        # customers' ratings of your helpdesk work; their comments are the customers' words, not yours
        "customer_ratings": [{"rated_at": r.rated_at.isoformat(), "source": r.source, "rating": r.raw_value,
                              "scale": r.scale, "score": r.score, "satisfied": r.satisfied} for r in rated],
        # notes you shared anonymously, and their conversations ("manager" turns are what you received)
        "shared_notes": await shared_notes_export(ctx, person.id),
        "action_feedback": [{"team": team_names[a.team_id], "action": a.number, "text": a.text, "helps": f.helps,
                             "at": f.at.isoformat()} for a, f in answered],
        "actions_recorded": [{"team": team_names[a.team_id], "action": a.number, "text": a.text, "status": a.status,
                              "outcome": a.outcome, "created_at": a.created_at.isoformat()} for a in recorded],
    }
    content = json.dumps(data, indent=2, ensure_ascii=False)
    return Reply.of(Export(filename=f"tandem-export-{today.isoformat()}.json", content=content,
                           summary=f"Your data: {len(entries)} check-ins, {len(logged)} customer moments and "
                                   f"{len(rated)} customer ratings."))


async def forget_me(ctx: Ctx, person: Person, command: c.ForgetMe) -> Reply:
    """Delete the person and everything theirs, after an explicit confirmation."""
    if not command.confirmed:
        return Reply.of(Confirm(
            question=("This permanently deletes your check-ins, notes (shared ones with their conversations), "
                      "customer moments, the helpdesk ratings Tandem counted for you, and your profile from Tandem. "
                      "Team figures already sent in past digests stay as they were, without you. "
                      "To go ahead, type `/tandem forget-me confirm`."),
            confirm_command="/tandem forget-me confirm"))
    own = await moments.moments_of_person(ctx.session, person.id)
    await forget_quotes(ctx, person.workspace_id, [m.text for m in own])
    await ratings.delete_ratings_of(ctx.session, await ratings.emails_of(ctx.session, person))
    synced = bool(await team_sources.sources_of_workspace(ctx.session, person.workspace_id))
    if synced:  # else the next sync of a user group, channel or org chart that lists them adds them back
        await people.add_opt_outs(ctx.session, person, ctx.clock.now())
    await people.delete_person(ctx.session, person)
    kept = (" Teams here are kept in sync with Slack, Teams or the org chart, so I keep one thing: the id they "
            "list you by, only so no sync adds you back." if synced else "")
    return Reply.of(Text(f"Done — everything Tandem held about you is deleted.{kept} "
                         "If you talk to me again, I'll start afresh."))


async def pause(ctx: Ctx, person: Person, command: c.Pause) -> Reply:
    until = command.until
    today = person_today(ctx, person)
    if until is not None and until <= today:
        raise BadArguments(f"{until:%d %B %Y} is not in the future.")
    if until is not None and until > today + timedelta(days=366):
        raise BadArguments("A pause can last up to a year.")
    person.paused_until = until or today + timedelta(days=366)
    if until is None:
        return Reply.of(Text("Check-ins are paused until you type /tandem resume (for a year at most)."))
    return Reply.of(Text(f"Check-ins are paused; they start again on {until:%A %d %B %Y}."))


async def resume(ctx: Ctx, person: Person, _: c.Resume) -> Reply:
    was_paused = person.paused_until is not None and person.paused_until > person_today(ctx, person)
    person.paused_until = None
    return Reply.of(Text("Welcome back — check-ins are on again." if was_paused else "Check-ins were not paused."))
