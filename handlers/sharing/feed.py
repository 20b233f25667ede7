"""Sharing a note and the managers' feed: whole ISO weeks only, shown only where the digest shows mood figures
(at least min_group people answered and no overlapping team lets a difference single someone out)."""
from __future__ import annotations

from handlers.admin import require_in_charge, resolve_team
from handlers.commands import ShareNote, ShowSharedNotes
from handlers.context import Ctx
from handlers.digest import whole_week
from handlers.errors import BadArguments, NotFound
from handlers.identity import person_today
from handlers.insights import privacy
from handlers.insights.report import SharedNoteItem
from handlers.insights.weeks import team_weeks
from handlers.messages import Reply, Text
from storage import checkins, shared_notes, teams
from storage import digests as digest_store
from storage.calendar import iso_week_bounds, iso_week_of
from storage.models import MoodEntry, Person, SharedNote, Team

ANONYMITY = ("Shared anonymously with your team's managers: they see the note's text and its week — never your "
             "name, the day or the time, and only once the week is over and at least {min_group} of the team "
             "answered. Your words themselves may still give you away.")
HANDLING = ("It is note #{number}. Take it back at any time with `tandem withdraw {number}`; any reply reaches "
            "you here, and `tandem answer {number} …` answers it.")


async def share_entry(ctx: Ctx, person: Person, entry: MoodEntry) -> str:
    """Share an answered check-in's note with the author's team of that day; the wording the author is told."""
    if not entry.note:
        raise BadArguments("That check-in has no note to share. Add one first: `note <text>`.")
    today = person_today(ctx, person)
    if iso_week_of(entry.local_date) != iso_week_of(today):
        raise BadArguments("Only a note from this week can be shared (a late note would stand out in a week its "
                           "managers have already read).")
    member_of = sorted(await teams.member_teams(ctx.session, person.id, entry.local_date), key=lambda t: t.id)
    if not member_of:
        raise NotFound("You are not in a team, so there is no manager to share the note with. It stays private.")
    note = await shared_notes.share_note(ctx.session, workspace_id=person.workspace_id, team_id=member_of[0].id,
                                         mood_entry_id=entry.id, author_id=person.id,
                                         iso_week=iso_week_of(entry.local_date))
    if note.status == "withdrawn":
        raise BadArguments(f"You withdrew note #{note.number}; it stays private.")
    min_group = privacy.effective_min_group(person.workspace.min_group)
    return f"{ANONYMITY.format(min_group=min_group)} {HANDLING.format(number=note.number)}"


async def share_latest(ctx: Ctx, person: Person, _: ShareNote) -> Reply:
    """`/tandem share`: the note of the latest check-in, if it is from this week."""
    entry = await checkins.latest_entry(ctx.session, person.id)
    if entry is None:
        raise NotFound("You have no check-in yet. Type /checkin, add a note, then `/tandem share`.")
    return Reply.of(Text(await share_entry(ctx, person, entry)))


async def week_is_shown(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> bool:
    """The digest's own rule for mood figures (enough respondents, not withheld for overlap), and stricter:
    a team that overlaps another closely is hidden on BOTH sides. For figures, hiding one side stops the
    subtraction; for notes it does not — a note shown in the larger team points at the few not in the other."""
    views, _ = await team_weeks(ctx, [team.id], iso_week, min_group, history_weeks=0)
    view = views[team.id][-1]
    if not privacy.enough(view.agg.respondents, min_group) or view.withheld:
        return False
    first, last = iso_week_bounds(iso_week)
    pairs = await digest_store.teams_sharing_members(ctx.session, [team.id], first, last)
    partners = {b if a == team.id else a: shared for (a, b), shared in pairs.items()}
    if not partners:
        return True
    sizes = await digest_store.week_aggregates(ctx.session, first, last, list(partners))
    return not any(privacy.may_differ_too_little(view.agg.respondents, sizes[p].respondents if p in sizes else 0,
                                                 shared, min_group) for p, shared in partners.items())


async def shown_notes(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> list[SharedNote]:
    """A team-week's shared notes a manager may read: none unless the week passes the privacy rule."""
    if not await week_is_shown(ctx, team, iso_week, min_group):
        return []
    return await shared_notes.visible_notes(ctx.session, team.id, iso_week)


async def digest_items(ctx: Ctx, team: Team, iso_week: str, min_group: int) -> tuple[SharedNoteItem, ...]:
    """The digest's "Shared with you": the open notes of the feed (shown_notes: the same rule, the same order)."""
    notes = [note for note in await shown_notes(ctx, team, iso_week, min_group) if note.status == "open"]
    texts = await shared_notes.note_texts(ctx.session, notes)
    return tuple(SharedNoteItem(number=note.number, text=text) for note in notes if (text := texts[note.id]))


async def teams_to_read(ctx: Ctx, person: Person, name: str | None) -> list[Team]:
    managed = await teams.managed_teams(ctx.session, person.id, person_today(ctx, person))
    if name is not None:
        team = await resolve_team(ctx, person.workspace_id, name)
        require_in_charge(person, team, managed, "read the notes shared with it", "notes")
        return [team]
    return managed or await teams.teams_of_workspace(ctx.session, person.workspace_id)


async def note_lines(ctx: Ctx, note: SharedNote, text: str | None) -> list[str]:
    """One note and its conversation, naming no one: "a manager" and "the author" only"""
    state = "" if note.status == "open" else " (closed)"
    lines = [f"#{note.number}{state}: “{text or ''}”"]
    for message in await shared_notes.messages_of(ctx.session, note.id):
        lines.append(f"    {'a manager' if message.side == 'manager' else 'the author'}: “{message.text}”")
    return lines


async def show_feed(ctx: Ctx, person: Person, command: ShowSharedNotes) -> Reply:
    """`/tandem notes [team] [week]`: the notes shared with the teams a manager runs, for one whole week."""
    week = whole_week(command.week, person_today(ctx, person))
    min_group = privacy.effective_min_group(person.workspace.min_group)
    chosen = await teams_to_read(ctx, person, command.team)
    if not chosen:
        return Reply.of(Text("There are no teams yet: `/tandem team create NAME`."))
    lines: list[str] = []
    for team in chosen:
        if not await week_is_shown(ctx, team, week, min_group):
            lines.append(f"{team.name}, {week}: no notes can be shown — fewer than {min_group} people answered "
                         "(or the team overlaps another too closely).")
            continue
        notes = await shared_notes.visible_notes(ctx.session, team.id, week)
        if not notes:
            lines.append(f"{team.name}, {week}: nobody shared a note.")
            continue
        lines.append(f"{team.name}, {week}: {len(notes)} note(s) shared with you, anonymously "
                     "(numbers are random; the order says nothing about who answered when):")
        texts = await shared_notes.note_texts(ctx.session, notes)
        for note in notes:
            lines.extend(await note_lines(ctx, note, texts[note.id]))
    lines.append("Reply to one with `tandem reply N your message`; close it with `tandem close N`.")
    return Reply.of(Text("\n".join(lines)))


async def shared_notes_export(ctx: Ctx, author_id: int) -> list[dict[str, object]]:
    """For `/tandem export`: the author's shared notes with every turn of their conversations (who on the
    manager side wrote a reply is not the author's to know, so it is not named)."""
    exported: list[dict[str, object]] = []
    notes = await shared_notes.notes_of_author(ctx.session, author_id)
    texts = await shared_notes.note_texts(ctx.session, notes)
    for note in notes:
        exported.append({
            "number": note.number, "week": note.iso_week, "status": note.status,
            "team": (team.name if (team := await teams.get_team(ctx.session, note.team_id)) else None),
            "note": texts[note.id],
            "conversation": [{"from": "you" if m.side == "author" else "a manager", "at": m.at.isoformat(),
                              "text": m.text} for m in await shared_notes.messages_of(ctx.session, note.id)]})
    return exported
