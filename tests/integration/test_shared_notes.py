"""Shared notes end to end through the console path (units.run + the command table + the outbox), on SQLite and
PostgreSQL: share → feed → reply → answer back → close; withdraw; forget-me mid-conversation; a small week
shows nothing; bad input changes nothing."""
from __future__ import annotations

import re
from datetime import timedelta

from bot.console.render import render
from bot.delivery.dispatcher import Dispatcher
from handlers.config import TEXT_LIMIT
from storage.models import Outbox, SharedNote, SharedNoteMessage
from tests.integration.digest_seed import after, make_team, seed_moods

SIX = ("amy", "ben", "cat", "dan", "eve", "fay")
WEEK = "2026-W47"
SECRET = "The rota keeps putting me on Fridays"


async def _shared(harness, answered=SIX) -> int:
    """A team of six, `answered` of them answering in WEEK; amy shares her note mid-week; its number."""
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, WEEK, dict.fromkeys(answered, 3), notes={"amy": -0.5}, texts={"amy": SECRET})
    harness.clock.set(after(WEEK, days=-4))  # Wednesday of WEEK
    said = await harness.say("amy", "tandem share")
    assert "never your name" in said and "may still give you away" in said
    return _number(said)


def _number(said: str) -> int:
    found = re.search(r"#(\d+)", said)
    assert found is not None, said
    return int(found.group(1))


async def _delivered(harness, user: str) -> str:
    await Dispatcher(harness.deps).drain()
    return "\n".join(render(m) for m in harness.messenger.to(user))


async def test_share_feed_reply_answer_back_and_close(harness) -> None:
    n = await _shared(harness)
    assert "no notes can be shown" in await harness.say("mia", f"tandem notes Support {WEEK[:4]}-W46")
    harness.clock.set(after(WEEK))
    feed = await harness.say("mia", "tandem notes")
    assert SECRET in feed and f"#{n}" in feed and "Amy" not in feed and "amy" not in feed

    said = await harness.say("mia", f"tandem reply {n} Thanks — shall we swap the rota?")
    assert "anonymous" in said
    to_amy = await _delivered(harness, "amy")
    assert "shall we swap the rota?" in to_amy and "Mia" not in to_amy

    said = await harness.say("amy", f"tandem answer {n} Yes please, every other week")
    assert "without your name" in said
    assert "every other week" not in await _delivered(harness, "mia")  # held until the next release time
    harness.clock.advance(timedelta(hours=4))
    to_mia = await _delivered(harness, "mia")
    assert "every other week" in to_mia and "The author" in to_mia and "Amy" not in to_mia
    await harness.say("mia", f"tandem reply {n} Done from next week")
    assert (await _delivered(harness, "amy")).count("Done from next week") == 1

    feed = await harness.say("mia", "tandem notes")
    assert "the author: “Yes please" in feed and "Amy" not in feed

    assert "Closed" in await harness.say("amy", f"tandem close {n}")
    assert "closed the conversation" not in await _delivered(harness, "mia")  # the author's close is batched too
    harness.clock.advance(timedelta(hours=4))
    told = await _delivered(harness, "mia")
    assert told.count(f"Its author closed the conversation on shared note #{n}") == 1 and "Amy" not in told
    assert "already closed" in await harness.say("amy", f"tandem close {n}")
    harness.clock.advance(timedelta(hours=4))
    assert (await _delivered(harness, "mia")).count("closed the conversation") == 1  # one notice, not two
    before = await harness.count(SharedNoteMessage)
    assert "closed; nothing was sent" in await harness.say("mia", f"tandem reply {n} one more")
    assert await harness.count(SharedNoteMessage) == before
    assert "(closed)" in await harness.say("mia", "tandem notes")


async def test_withdrawn_notes_vanish_and_replies_are_refused(harness) -> None:
    n = await _shared(harness)
    harness.clock.set(after(WEEK))
    await harness.say("mia", f"tandem reply {n} Thanks")
    assert "Withdrawn" in await harness.say("amy", f"tandem withdraw {n}")
    assert SECRET not in await harness.say("mia", "tandem notes")
    assert "no longer exists" in await harness.say("mia", f"tandem reply {n} hello?")
    assert await harness.count(SharedNoteMessage) == 1
    assert "Thanks" not in await _delivered(harness, "amy")  # the queued reply was dropped, not sent


async def test_forget_me_mid_conversation_ends_it_cleanly(harness) -> None:
    n = await _shared(harness)
    harness.clock.set(after(WEEK))
    await harness.say("mia", f"tandem reply {n} Thanks")
    await harness.say("amy", f"tandem answer {n} Sure")
    await harness.say("amy", "tandem forget-me confirm")
    assert await harness.count(SharedNote) == 0 and await harness.count(SharedNoteMessage) == 0
    assert SECRET not in await harness.say("mia", "tandem notes")
    assert "no longer exists" in await harness.say("mia", f"tandem reply {n} still there?")
    harness.clock.advance(timedelta(hours=5))
    assert "Sure" not in await _delivered(harness, "mia")


async def test_a_week_below_min_group_shows_no_note(harness) -> None:
    n = await _shared(harness, answered=("amy", "ben", "cat", "dan"))
    harness.clock.set(after(WEEK))
    feed = await harness.say("mia", "tandem notes")
    assert SECRET not in feed and "fewer than 5" in feed
    assert "no longer exists" in await harness.say("mia", f"tandem reply {n} hi")
    assert await harness.count(SharedNoteMessage) == 0


async def test_bad_input_gets_a_clear_reply_and_changes_nothing(harness) -> None:
    n = await _shared(harness)
    harness.clock.set(after(WEEK))
    outbox_before = await harness.count(Outbox)
    cases = {
        ("ben", f"tandem reply {n} hi"): "Managers",  # not a manager: the table refuses
        ("mia", "tandem reply 99999 hi"): "no longer exists",
        ("mia", f"tandem reply {n}"): "empty",
        ("mia", "tandem reply"): "Which note",
        ("mia", f"tandem reply x{n} hi"): "not a note number",
        ("mia", f"tandem reply {n} " + "x" * (TEXT_LIMIT + 1)): f"up to {TEXT_LIMIT:,}",
        ("ben", f"tandem answer {n} it was me"): "no shared note",
        ("ben", f"tandem withdraw {n}"): "no shared note",
        ("amy", f"tandem answer {n}"): "empty",
        ("amy", "tandem close"): "number alone",
    }
    for (user, text), expected in cases.items():
        said = await harness.say(user, text)
        assert expected.lower() in said.lower(), (text[:40], said)
        assert "Traceback" not in said
    assert await harness.count(SharedNoteMessage) == 0 and await harness.count(Outbox) == outbox_before
    [note] = await harness.rows(SharedNote)
    assert note.status == "open"


async def test_export_holds_the_shared_notes_and_both_sides_of_the_conversation(harness) -> None:
    import json

    n = await _shared(harness)
    harness.clock.set(after(WEEK))
    await harness.say("mia", f"tandem reply {n} Thanks")
    await harness.say("amy", f"tandem answer {n} Sure")
    [export] = (await harness.reply("amy", "tandem export")).messages
    [shared] = json.loads(export.content)["shared_notes"]
    assert (shared["number"], shared["week"], shared["note"]) == (n, WEEK, SECRET)
    assert [(t["from"], t["text"]) for t in shared["conversation"]] == [("a manager", "Thanks"), ("you", "Sure")]
    assert "Mia" not in export.content
    [mias] = (await harness.reply("mia", "tandem export")).messages
    assert json.loads(mias.content)["shared_notes"] == [] and SECRET not in mias.content


async def test_curious_manager_two_teams_differing_by_one_person_learn_nothing(harness) -> None:
    """Team B is team A plus amy; amy shares in B. The manager of both would know it was amy — so B's week is
    withheld by the digest's overlap rule and no note of B is shown (nor can it be replied to)."""
    five = ("ben", "cat", "dan", "eve", "fay")
    await make_team(harness, "Alpha", five, "mia")
    await make_team(harness, "Beta", ("amy", *five), "mia")
    await harness.say("ada", "tandem team remove Alpha @amy")  # amy is in Beta only (make_team added no one else)
    await seed_moods(harness, WEEK, dict.fromkeys(("amy", *five), 3), notes={"amy": -0.5}, texts={"amy": SECRET})
    harness.clock.set(after(WEEK, days=-4))
    said = await harness.say("amy", "tandem share")
    n = _number(said)
    harness.clock.set(after(WEEK))
    feed = await harness.say("mia", "tandem notes")
    assert SECRET not in feed and "no notes can be shown" in feed
    assert "no longer exists" in await harness.say("mia", f"tandem reply {n} who is this?")


async def test_the_digest_shows_the_feed_notes_and_drops_a_withdrawn_one_even_once_frozen(harness) -> None:
    n = await _shared(harness)
    harness.clock.set(after(WEEK, days=3))  # the week has settled: this digest is frozen
    digest = await harness.say("mia", f"tandem digest Support {WEEK}")
    assert "Shared with you: 1 open note" in digest and f"#{n}: “{SECRET}”" in digest
    assert "tandem reply N text" in digest and "Amy" not in digest
    await harness.say("amy", f"tandem withdraw {n}")
    digest = await harness.say("mia", f"tandem digest Support {WEEK}")
    assert SECRET not in digest and "Shared with you" not in digest and "Wellbeing" in digest


async def test_a_digest_below_min_group_shows_no_shared_note(harness) -> None:
    await _shared(harness, answered=("amy", "ben", "cat", "dan"))
    harness.clock.set(after(WEEK, days=3))
    digest = await harness.say("mia", f"tandem digest Support {WEEK}")
    assert SECRET not in digest and "Shared with you" not in digest and "Wellbeing" in digest


async def test_a_manager_closing_tells_the_author_once_and_a_withdrawn_note_tells_no_one(harness) -> None:
    n = await _shared(harness)
    harness.clock.set(after(WEEK))
    assert "Closed" in await harness.say("mia", f"tandem close {n}")
    told = await _delivered(harness, "amy")
    assert told.count(f"A manager closed the conversation on shared note #{n}") == 1 and "Mia" not in told
    await harness.say("amy", f"tandem withdraw {n}")
    harness.clock.advance(timedelta(hours=5))
    assert "closed the conversation" not in await _delivered(harness, "mia")
