"""Retention: old note, moment and customer-comment text is deleted, the numbers stay."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from handlers.cx.ingest import IncomingRating, ingest
from handlers.delivery.retention import apply_retention, cutoff_for
from storage.models import CustomerMoment, CustomerRating, MoodEntry, SeenEvent


def test_cutoff_counts_calendar_months_and_clamps_month_ends() -> None:
    assert cutoff_for(date(2026, 11, 23), 24) == date(2024, 11, 23)
    assert cutoff_for(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert cutoff_for(date(2026, 1, 15), 13) == date(2024, 12, 15)


async def test_old_text_is_removed_and_scores_are_kept(harness) -> None:
    harness.deps.config = replace(harness.deps.config, retention=replace(harness.deps.config.retention, text_months=1))
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 2")
    await harness.say("alice", "note Swamped and tired")
    await harness.say("alice", "moment Customer churned outcome:negative touchpoint:support customer:ACME")
    harness.clock.advance(timedelta(days=40))
    await harness.say("alice", "checkin")
    await harness.say("alice", "mood 4")
    await harness.say("alice", "note Better week")
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [IncomingRating("zendesk", "old", ctx.clock.now() - timedelta(days=39), "bad",
                                                  "good_bad", "ana@example.com", comment="Rude and slow, Mr Smith"),
                                   IncomingRating("zendesk", "new", ctx.clock.now(), "good", "good_bad",
                                                  "ana@example.com", comment="Lovely")], "webhook", ctx.scorer,
                     ctx.clock.now())
    async with harness.deps.context() as ctx:
        assert await apply_retention(ctx) == (1, 1, 1)
    async with harness.deps.context() as ctx:
        assert await apply_retention(ctx) == (0, 0, 0)  # idempotent
    ratings = {r.external_id: r for r in await harness.rows(CustomerRating)}
    assert (ratings["old"].comment, ratings["new"].comment) == (None, "Lovely")
    assert ratings["old"].comment_polarity is not None and ratings["old"].score == 0.0  # the numbers stay
    entries = sorted(await harness.rows(MoodEntry), key=lambda e: e.local_date)
    assert [(e.score, e.note, e.note_label) for e in entries] == [(2, None, entries[0].note_label),
                                                                  (4, "Better week", entries[1].note_label)]
    assert entries[0].note_polarity is not None
    [moment] = await harness.rows(CustomerMoment)
    assert (moment.text, moment.customer_ref, moment.outcome, moment.touchpoint) == ("", None, "negative", "support")


async def test_retention_off_keeps_everything(harness) -> None:
    harness.deps.config = replace(harness.deps.config, retention=replace(harness.deps.config.retention, text_months=0))
    await harness.say("alice", "moment Old story")
    harness.clock.advance(timedelta(days=4000))
    async with harness.deps.context() as ctx:
        assert await apply_retention(ctx) == (0, 0, 0)
    [moment] = await harness.rows(CustomerMoment)
    assert moment.text == "Old story"


async def test_the_scheduler_runs_retention(harness) -> None:
    from bot.delivery.dispatcher import Dispatcher
    from bot.delivery.scheduler import TickScheduler

    harness.deps.config = replace(harness.deps.config, retention=replace(harness.deps.config.retention, text_months=1))
    await harness.say("alice", "moment An old customer story")
    harness.clock.advance(timedelta(days=45))
    scheduler = TickScheduler(Dispatcher(harness.deps))
    assert await scheduler.apply_retention() == (0, 1, 0)
    [moment] = await harness.rows(CustomerMoment)
    assert moment.text == ""


async def test_delivery_ids_are_forgotten_after_a_week_so_the_table_stays_small(harness) -> None:
    from bot.delivery.dispatcher import Dispatcher
    from bot.delivery.scheduler import TickScheduler
    from handlers.workspaces import first_delivery

    async with harness.deps.context() as ctx:
        assert await first_delivery(ctx, "slack", "T1", "Ev-old")
    harness.clock.advance(timedelta(days=8))
    async with harness.deps.context() as ctx:
        assert await first_delivery(ctx, "slack", "T1", "Ev-new")
        assert not await first_delivery(ctx, "slack", "T1", "Ev-old")  # still remembered until the run
    await TickScheduler(Dispatcher(harness.deps)).apply_retention()
    assert sorted(e.event_id for e in await harness.rows(SeenEvent)) == ["Ev-new"]
