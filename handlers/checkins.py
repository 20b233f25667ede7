"""Check-ins: the prompt, the mood answer (changeable, never duplicated), the optional note."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from handlers import commands as c
from handlers.context import Ctx
from handlers.errors import BadArguments, NotFound, PromptClosed, TandemError
from handlers.identity import person_today
from handlers.messages import MoodPrompt, MoodRecorded, Reply, Text, mood_choice
from handlers.sharing.feed import share_entry
from handlers.text_limits import within_limit
from storage import checkins
from storage.models import MoodEntry, Person, Prompt

CHECKIN_SLOT = "checkin"
QUESTION = "How are you feeling about work today?"


async def today_prompt(ctx: Ctx, person: Person, *, due_at: datetime | None = None) -> Prompt:
    """Today's check-in prompt of the person, created if it does not exist yet (one per day and slot)."""
    now = ctx.clock.now()
    local_date = person_today(ctx, person)
    prompt = await checkins.find_prompt(ctx.session, person.id, local_date, CHECKIN_SLOT)
    if prompt is None:
        due = due_at or now
        prompt = await checkins.add_prompt(
            ctx.session, person_id=person.id, local_date=local_date, slot=CHECKIN_SLOT, due_at=due,
            closes_at=due + timedelta(hours=ctx.config.checkin.answer_window_hours))
    return prompt


async def start_checkin(ctx: Ctx, person: Person, _: c.StartCheckin) -> Reply:
    """`/checkin`: today's prompt now, without waiting for the schedule."""
    prompt = await today_prompt(ctx, person)
    now = ctx.clock.now()
    if prompt.closes_at <= now:
        return Reply.of(Text("Today's check-in has closed. See you at the next one!"))
    if prompt.sent_at is None:
        prompt.sent_at = now
    entry = await checkins.entry_for_prompt(ctx.session, prompt.id)
    question = QUESTION
    if entry is not None:
        choice = mood_choice(entry.score)
        question = f"You answered {choice.emoji} {choice.label} today. Pick again to change it."
    return Reply.of(MoodPrompt(prompt_id=prompt.id, question=question))


async def record_mood(ctx: Ctx, person: Person, prompt_id: int, score: int) -> Reply:
    """Record or change the answer to one prompt; a late answer to a closed prompt is not recorded."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise BadArguments(f"A mood is a number from 1 to 5; got {score!r}.")
    prompt = await checkins.get_prompt(ctx.session, prompt_id)
    if prompt is None or prompt.person_id != person.id:
        raise NotFound("I can't find that check-in. Type /checkin for today's.")
    now = ctx.clock.now()
    if prompt.closes_at <= now:
        raise PromptClosed(f"That check-in from {prompt.local_date:%A %d %B} has closed, so I haven't recorded it "
                           "as today's. Type /checkin to answer today's.")
    entry = await checkins.entry_for_prompt(ctx.session, prompt.id)
    if entry is None:
        try:
            async with ctx.session.begin_nested():
                entry = await checkins.add_entry(ctx.session, MoodEntry(
                    prompt_id=prompt.id, person_id=person.id, local_date=prompt.local_date, score=score,
                    answered_at=now, updated_at=now))
            return Reply.of(MoodRecorded(prompt_id=prompt.id, choice=mood_choice(score), changed=False,
                                         has_note=False))
        except IntegrityError:  # a second click raced this one and stored its answer first: change that one
            entry = await checkins.entry_for_prompt(ctx.session, prompt.id)
            if entry is None:
                raise
    changed = entry.score != score
    entry.score, entry.updated_at = score, now
    return Reply.of(MoodRecorded(prompt_id=prompt.id, choice=mood_choice(score), changed=changed,
                                 has_note=bool(entry.note)))


async def answer_mood(ctx: Ctx, person: Person, command: c.AnswerMood) -> Reply:
    """A mood click answers its own check-in; `mood N` typed answers the newest open prompt, or today's."""
    prompt_id = command.prompt_id
    if prompt_id is None:
        prompt = await checkins.latest_open_prompt(ctx.session, person.id, ctx.clock.now())
        prompt_id = (prompt or await today_prompt(ctx, person)).id
    return await record_mood(ctx, person, prompt_id, command.score)


async def add_note(ctx: Ctx, person: Person, command: c.AddNote) -> Reply:
    """Attach (or replace) the note of an answered check-in, scored for sentiment."""
    note, prompt_id = (command.text or "").strip(), command.prompt_id
    if not note:
        raise BadArguments("The note is empty.")
    within_limit(note, "note")
    now = ctx.clock.now()
    if prompt_id is not None:
        prompt = await checkins.get_prompt(ctx.session, prompt_id)
        if prompt is None or prompt.person_id != person.id:
            raise NotFound("I can't find that check-in. Type /checkin for today's.")
        entry = await checkins.entry_for_prompt(ctx.session, prompt.id)
        if prompt.closes_at <= now:
            raise PromptClosed("That check-in has closed, so the note wasn't saved.")
    else:
        entry = await checkins.latest_entry(ctx.session, person.id)
        if entry is not None:
            prompt = await checkins.get_prompt(ctx.session, entry.prompt_id)
            if prompt is None or prompt.closes_at <= now:
                entry = None
    if entry is None:
        raise NotFound("Pick a mood first, then add a note. Type /checkin to start.")
    sentiment = ctx.scorer.score(note)
    entry.note, entry.note_polarity, entry.note_label = note, sentiment.polarity, sentiment.label
    entry.sentiment_version, entry.updated_at = ctx.scorer.version, now
    if command.share:
        return Reply.of(Text(f"Thanks — your note is saved. {await _shared(ctx, person, entry)}", saved_note=True))
    return Reply.of(Text("Thanks — your note is saved. Managers never see it with your name; "
                         "notes only count in team-wide figures.", saved_note=True))


async def _shared(ctx: Ctx, person: Person, entry: MoodEntry) -> str:
    """Share the saved note as asked; a note that cannot be shared is still saved, and the author told why."""
    try:
        return await share_entry(ctx, person, entry)
    except TandemError as refused:
        return f"It was not shared: {refused}"
