"""Check-ins on a real database: answer, change, note, late answers, bad input."""
from __future__ import annotations

from datetime import timedelta

from handlers import checkins
from handlers.errors import BadArguments, PromptClosed
from handlers.identity import identify
from handlers.messages import MoodPrompt, MoodRecorded
from storage.models import MoodEntry, Prompt


async def test_checkin_prompt_shows_five_labelled_choices(harness) -> None:
    reply = await harness.reply("alice", "checkin")
    prompt = reply.messages[0]
    assert isinstance(prompt, MoodPrompt)
    assert [c.score for c in prompt.choices] == [1, 2, 3, 4, 5]
    assert all(c.label and c.emoji for c in prompt.choices)


async def test_answering_again_changes_the_answer_and_never_adds_a_second_entry(harness) -> None:
    prompt = (await harness.reply("alice", "checkin")).messages[0]
    async with harness.deps.context() as ctx:
        person = await identify(ctx, harness.caller("alice"))
        first = (await checkins.record_mood(ctx, person, prompt.prompt_id, 2)).messages[0]
    async with harness.deps.context() as ctx:
        person = await identify(ctx, harness.caller("alice"))
        second = (await checkins.record_mood(ctx, person, prompt.prompt_id, 5)).messages[0]
    assert isinstance(first, MoodRecorded) and not first.changed
    assert isinstance(second, MoodRecorded) and second.changed and second.choice.score == 5
    entries = await harness.rows(MoodEntry)
    assert [(e.score, e.prompt_id) for e in entries] == [(5, prompt.prompt_id)]


async def test_second_checkin_the_same_day_reuses_the_prompt(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 3")
    text = await harness.say("alice", "checkin")
    assert "You answered" in text and "Okay" in text
    assert await harness.count(Prompt) == 1
    assert await harness.count(MoodEntry) == 1


async def test_note_is_scored_and_stored_with_the_scorer_version(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 4")
    reply = await harness.say("alice", "note Great day, the team was really helpful")
    assert "saved" in reply
    [entry] = await harness.rows(MoodEntry)
    assert entry.note == "Great day, the team was really helpful"
    assert entry.note_polarity is not None and entry.note_polarity > 0
    assert entry.note_label == "positive" and entry.sentiment_version == harness.deps.scorer.version


async def test_note_before_a_mood_is_refused_clearly(harness) -> None:
    text = await harness.say("alice", "note hello")
    assert "Pick a mood first" in text
    assert await harness.count(MoodEntry) == 0


async def test_a_closed_prompt_is_answered_politely_and_not_recorded(harness) -> None:
    prompt = (await harness.reply("alice", "checkin")).messages[0]
    harness.clock.advance(timedelta(hours=harness.deps.config.checkin.answer_window_hours + 1))
    async with harness.deps.context() as ctx:
        person = await identify(ctx, harness.caller("alice"))
        try:
            await checkins.record_mood(ctx, person, prompt.prompt_id, 4)
        except PromptClosed as closed:
            assert "closed" in closed.reply and "haven't recorded" in closed.reply
        else:
            raise AssertionError("a closed prompt was accepted")
    assert await harness.count(MoodEntry) == 0


async def test_mood_outside_one_to_five_is_refused_and_nothing_is_stored(harness) -> None:
    prompt = (await harness.reply("alice", "checkin")).messages[0]
    for bad in (0, 6, -1, 42):
        async with harness.deps.context() as ctx:
            person = await identify(ctx, harness.caller("alice"))
            try:
                await checkins.record_mood(ctx, person, prompt.prompt_id, bad)
            except BadArguments as error:
                assert "1 to 5" in error.reply
            else:
                raise AssertionError(f"mood {bad} accepted")
    assert "from 1 to 5" in await harness.say("alice", "mood 7")
    assert await harness.count(MoodEntry) == 0


async def test_someone_else_cannot_answer_my_prompt(harness) -> None:
    prompt = (await harness.reply("alice", "checkin")).messages[0]
    async with harness.deps.context() as ctx:
        bob = await identify(ctx, harness.caller("bob"))
        try:
            await checkins.record_mood(ctx, bob, prompt.prompt_id, 1)
        except Exception as error:  # noqa: BLE001 - whatever it raises, its message must say so
            assert "can't find" in str(error)
    assert await harness.count(MoodEntry) == 0


async def test_over_long_note_is_refused_and_the_mood_is_kept(harness) -> None:
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 4")
    text = await harness.say("alice", "note " + "x" * 40_000)
    assert "40,000 characters; it can be up to 3,000. Nothing was saved" in text
    [entry] = await harness.rows(MoodEntry)
    assert entry.score == 4 and entry.note is None


async def test_two_answers_racing_on_one_prompt_leave_one_entry(harness) -> None:
    """Two clicks arriving together: both succeed for the person, one entry holds the later answer."""
    import asyncio

    prompt = (await harness.reply("alice", "checkin")).messages[0]

    async def click(score: int) -> None:
        async with harness.deps.context() as ctx:
            person = await identify(ctx, harness.caller("alice"))
            await checkins.record_mood(ctx, person, prompt.prompt_id, score)

    results = await asyncio.gather(click(2), click(5), return_exceptions=True)
    assert [r for r in results if isinstance(r, Exception)] == []
    entries = await harness.rows(MoodEntry)
    assert len(entries) == 1 and entries[0].score in (2, 5)


async def test_an_id_too_large_for_the_database_is_simply_not_found(harness) -> None:
    """Ids come from button values and card data; one that would overflow an INTEGER is 'not found'."""
    async with harness.deps.context() as ctx:
        person = await identify(ctx, harness.caller("alice"))
        for bad in (2**63, -1, 0, 10**30):
            try:
                await checkins.record_mood(ctx, person, bad, 3)
            except Exception as error:  # noqa: BLE001 - whatever it raises, its message must say so
                assert "can't find" in str(error), (bad, error)
            else:
                raise AssertionError(f"prompt id {bad} accepted")
