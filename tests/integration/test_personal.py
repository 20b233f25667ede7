"""People's own data: history, export, forget-me, pause and resume."""
from __future__ import annotations

import json
from datetime import timedelta

from handlers.cx.ingest import IncomingRating, ingest
from handlers.messages import Confirm, Export
from storage.models import AgentLink, CustomerMoment, CustomerRating, Membership, MoodEntry, Outbox, Person, Prompt


async def _checkin(harness, user: str, score: int, note: str | None = None) -> None:
    await harness.say(user, "checkin")
    await harness.say(user, f"mood {score}")
    if note:
        await harness.say(user, f"note {note}")


async def test_history_shows_weekly_means_and_recent_moments(harness) -> None:
    await _checkin(harness, "alice", 4)
    harness.clock.advance(timedelta(days=1))
    await _checkin(harness, "alice", 2)
    await harness.say("alice", "moment Customer thanked us outcome:positive")
    text = await harness.say("alice", "tandem history")
    assert "2026-W47" in text and "3.0" in text and "(2 check-ins)" in text
    assert "Customer thanked us" in text and "[positive]" in text


async def _rate(harness, *emails: str) -> None:
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [IncomingRating("zendesk", email, ctx.clock.now(), "good", "good_bad", email,
                                                  comment="Thanks, Sam!") for email in emails], "webhook",
                     ctx.scorer, ctx.clock.now())


async def test_export_is_the_persons_own_data_as_json(harness) -> None:
    await harness.join("ada")
    await _checkin(harness, "alice", 4, "busy but fine")
    await _checkin(harness, "bob", 1, "bob's private note")
    await harness.say("alice", "moment Renewal signed outcome:positive touchpoint:renewal")
    await harness.say("ada", "tandem cx link @alice alice@helpdesk.example")
    await _rate(harness, "alice@helpdesk.example", "bob@helpdesk.example")
    export = (await harness.reply("alice", "tandem export")).messages[0]
    assert isinstance(export, Export) and export.filename.endswith(".json")
    data = json.loads(export.content)
    assert data["person"]["id"] == "alice"
    assert [(c["mood"], c["note"]) for c in data["check_ins"]] == [(4, "busy but fine")]
    assert [m["text"] for m in data["customer_moments"]] == ["Renewal signed"]
    assert data["person"]["helpdesk_emails"] == ["alice@helpdesk.example"]
    assert [(r["source"], r["rating"], r["satisfied"]) for r in data["customer_ratings"]] == [("zendesk", "good", True)]
    assert "Thanks" not in export.content  # the customer's words are theirs, not the agent's
    assert "bob" not in export.content


async def test_forget_me_asks_first_then_deletes_everything_of_the_person(harness) -> None:
    await harness.join("ada")
    await _checkin(harness, "alice", 4, "note")
    await _checkin(harness, "bob", 3)
    await harness.say("ada", "tandem team create Support")
    await harness.say("ada", "tandem team add Support @alice @bob")
    await harness.say("alice", "moment Customer churned outcome:negative")
    await harness.say("ada", "tandem cx link @alice alice@helpdesk.example")
    await _rate(harness, "alice@helpdesk.example", "bob@helpdesk.example")
    confirm = (await harness.reply("alice", "tandem forget-me")).messages[0]
    assert isinstance(confirm, Confirm) and "forget-me confirm" in confirm.question
    assert await harness.count(MoodEntry) == 2  # nothing deleted before the confirmation
    assert "deleted" in await harness.say("alice", "tandem forget-me confirm")
    people = {p.platform_user_id for p in await harness.rows(Person)}
    assert people == {"ada", "bob"}
    assert [e.score for e in await harness.rows(MoodEntry)] == [3]
    assert await harness.count(CustomerMoment) == 0
    assert [r.agent_email for r in await harness.rows(CustomerRating)] == ["bob@helpdesk.example"]
    assert await harness.count(AgentLink) == 0
    assert len(await harness.rows(Membership)) == 1
    people_ids = {p.id for p in await harness.rows(Person)}
    assert {p.person_id for p in await harness.rows(Prompt)} <= people_ids
    assert "Only `confirm`" in await harness.say("bob", "tandem forget-me now")


async def test_pause_until_a_date_and_resume(harness) -> None:
    text = await harness.say("alice", "tandem pause until 2026-12-01")
    assert "start again on Tuesday 01 December 2026" in text
    [alice] = await harness.rows(Person)
    assert str(alice.paused_until) == "2026-12-01"
    assert "not in the future" in await harness.say("alice", "tandem pause until 2026-01-01")
    assert "not a date" in await harness.say("alice", "tandem pause until tomorrow")
    assert "Welcome back" in await harness.say("alice", "tandem resume")
    [alice] = await harness.rows(Person)
    assert alice.paused_until is None


async def test_paused_person_gets_no_scheduled_checkin(harness) -> None:
    from bot.delivery.dispatcher import Dispatcher

    await harness.join("ada", "alice", timezone="Europe/London")
    await harness.say("alice", "tandem pause until 2026-11-18")
    dispatcher = Dispatcher(harness.deps)
    harness.clock.set(harness.clock.now().replace(hour=9, minute=31))  # Monday 09:31 London
    await dispatcher.tick()
    assert [r.platform_user_id for r, _ in harness.messenger.sent] == ["ada"]
    harness.clock.advance(timedelta(days=2))  # Wednesday: the pause is over
    await dispatcher.tick()
    assert sorted(r.platform_user_id for r, _ in harness.messenger.sent) == ["ada", "ada", "alice"]
    assert all(o.kind == "checkin" for o in await harness.rows(Outbox))
