"""Customer ratings on SQLite and PostgreSQL: stored once, normalised, attributed by email and by links."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from handlers.cx.ingest import IncomingRating, ingest
from handlers.cx.scales import BadRating
from storage import ratings as store
from storage.models import CustomerRating, Person

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def rating(external_id: str, value: object = "good", scale: str = "good_bad", **fields: object) -> IncomingRating:
    defaults: dict[str, object] = {"source": "zendesk", "rated_at": NOW - timedelta(hours=1),
                                   "agent_email": "Agent@Example.com", "comment": None}
    defaults.update(fields)
    return IncomingRating(external_id=external_id, value=value, scale=scale, **defaults)  # type: ignore[arg-type]


async def test_a_rating_delivered_twice_is_stored_once(harness) -> None:
    async with harness.deps.context() as ctx:
        first = await ingest(ctx.session, [rating("1"), rating("2", "bad")], "webhook", ctx.scorer, NOW)
        again = await ingest(ctx.session, [rating("1"), rating("3", 4, "1-5", source="intercom")], "pull",
                             ctx.scorer, NOW)
    assert (first.added, first.duplicates) == (2, 0)
    assert (again.added, again.duplicates) == (1, 1)
    rows = sorted(await harness.rows(CustomerRating), key=lambda r: (r.source, r.external_id))
    assert [(r.source, r.external_id, r.score, r.satisfied, r.scale) for r in rows] == [
        ("intercom", "3", 75.0, True, "1-5"), ("zendesk", "1", 100.0, True, "good_bad"),
        ("zendesk", "2", 0.0, False, "good_bad")]
    assert {r.agent_email for r in rows} == {"agent@example.com"}


async def test_comments_are_scored_and_bad_values_store_nothing(harness) -> None:
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [rating("c", comment="Wonderful, quick and kind help!")], "csv", ctx.scorer, NOW)
        with pytest.raises(BadRating, match="not a rating on the good_bad scale"):
            await ingest(ctx.session, [rating("d"), rating("e", "meh")], "webhook", ctx.scorer, NOW)
        with pytest.raises(BadRating, match="not plausible"):
            await ingest(ctx.session, [rating("f", rated_at=NOW + timedelta(days=30))], "webhook", ctx.scorer, NOW)
    [row] = await harness.rows(CustomerRating)
    assert row.comment_polarity is not None and row.comment_polarity > 0 and row.comment_label == "positive"
    assert row.sentiment_version == harness.deps.scorer.version


async def test_unlinked_agents_count_until_an_admin_links_them(harness) -> None:
    await harness.join("ada")
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, [rating(str(n), agent_email="bo@helpdesk.example") for n in range(3)]
                     + [rating("x", agent_email=None, agent_ref="9001")], "pull", ctx.scorer, NOW)
    async with harness.deps.context() as ctx:
        [ada] = await harness.rows(Person)
        before = await store.unlinked_agents(ctx.session, ada.workspace_id)
        assert [(a.agent, a.ratings, a.has_email) for a in before] == [("bo@helpdesk.example", 3, True),
                                                                       ("9001", 1, False)]
        assert await store.link_agent(ctx.session, ada.workspace_id, "bo@helpdesk.example", ada.id, NOW)
        assert not await store.link_agent(ctx.session, ada.workspace_id, "bo@helpdesk.example", ada.id, NOW)
        assert await store.remember_agent(ctx.session, "zendesk", "9001", "zed@helpdesk.example", "Zed", NOW) == 1
    async with harness.deps.context() as ctx:
        after = await store.unlinked_agents(ctx.session, ada.workspace_id)
        assert [(a.agent, a.ratings) for a in after] == [("zed@helpdesk.example", 1)]
        assert (await store.agent_people(ctx.session, ada.workspace_id))["bo@helpdesk.example"] == ada.id
        [counts] = await store.source_counts(ctx.session, NOW - timedelta(days=7))
        assert (counts.source, counts.total, counts.last_7_days) == ("zendesk", 4, 4)


async def test_one_replica_holds_a_source_lease_at_a_time(harness) -> None:
    async with harness.deps.context() as ctx:
        assert await store.take_lease(ctx.session, "zendesk", "a", NOW, NOW + timedelta(minutes=5))
        assert not await store.take_lease(ctx.session, "zendesk", "b", NOW, NOW + timedelta(minutes=5))
        assert await store.take_lease(ctx.session, "zendesk", "b", NOW + timedelta(minutes=6),
                                      NOW + timedelta(minutes=11))
        await store.release_lease(ctx.session, "zendesk", "b")
        assert await store.take_lease(ctx.session, "zendesk", "a", NOW, NOW + timedelta(minutes=5))


async def test_admins_see_the_sources_and_link_agents_by_command(harness) -> None:
    await harness.join("ada", "alice")
    assert "No helpdesk has sent" in await harness.say("ada", "tandem cx status")
    async with harness.deps.context() as ctx:
        now = harness.clock.now()
        await ingest(ctx.session, [rating(str(n), agent_email="alice@helpdesk.example", rated_at=now)
                                   for n in range(4)], "webhook", ctx.scorer, now)
        await store.note_error(ctx.session, "zendesk", "HTTP 401 from the ratings API", harness.clock.now())
    status = await harness.say("ada", "tandem cx status")
    assert "zendesk: 4 in 7 days, 4 in all" in status and "HTTP 401" in status
    assert "1 helpdesk agent(s) match nobody here (4 ratings" in status
    listed = await harness.say("ada", "tandem cx unlinked")
    assert "alice@helpdesk.example on zendesk: 4 rating(s)" in listed
    linked = await harness.say("ada", "tandem cx link @alice Alice@Helpdesk.example")
    assert "Linked" in linked and "Alice" in linked
    assert "matches someone here" in await harness.say("ada", "tandem cx unlinked")
    assert "already linked" in await harness.say("ada", "tandem cx link @alice alice@helpdesk.example")


async def test_cx_commands_refuse_bad_input_and_non_admins(harness) -> None:
    await harness.join("ada", "alice")
    for text, expected in {"tandem cx": "Say what to do", "tandem cx link @alice": "Name the person and the email",
                           "tandem cx link @alice not-an-email": "is not an email address",
                           "tandem cx link @alice <mailto:a@b.example|a@b.example>": "is not an email address",
                           "tandem cx frobnicate": "not a cx command",
                           "tandem cx link @nobody a@b.example": "I don't know @nobody"}.items():
        reply = await harness.say("ada", text)
        assert expected in reply, (text, reply)
        assert "Usage: /tandem cx status" in reply or "I don't know @nobody" in reply
    refused = await harness.say("alice", "tandem cx link @alice alice@helpdesk.example")
    assert "admin" in refused.lower()
    async with harness.deps.context() as ctx:
        assert await store.agent_people(ctx.session, 1) == {}


async def test_an_agent_known_only_by_the_vendors_id_is_linked_by_it(harness) -> None:
    await harness.join("ada", "alice")
    async with harness.deps.context() as ctx:
        now = harness.clock.now()
        await ingest(ctx.session, [rating(str(n), agent_email=None, agent_ref="991267466", source="intercom",
                                          value=5, scale="1-5", rated_at=now) for n in range(3)], "webhook",
                     ctx.scorer, now)
    assert "link it as intercom:991267466" in await harness.say("ada", "tandem cx unlinked")
    refused = await harness.say("ada", "tandem cx link @alice intercom:991267466")
    assert "doesn't know Alice's email yet" in refused
    async with harness.deps.context() as ctx:
        alice = next(p for p in await harness.rows(Person) if p.platform_user_id == "alice")
        await ctx.session.execute(update(Person).where(Person.id == alice.id).values(email="alice@example.com"))
    linked = await harness.say("ada", "tandem cx link @alice intercom:991267466")
    assert "3 earlier rating(s) now count for Alice's team" in linked
    assert {r.agent_email for r in await harness.rows(CustomerRating)} == {"alice@example.com"}
    assert "not SOURCE:ID" in await harness.say("ada", "tandem cx link @alice jira:12")


async def test_a_rating_in_two_deliveries_of_one_batch_counts_for_the_first(harness) -> None:
    from handlers.cx.ingest import row_for, store_deliveries

    async with harness.deps.context() as ctx:
        rows = [row_for(rating(n), "webhook", ctx.scorer, NOW) for n in ("a", "b", "a")]
        results = await store_deliveries(ctx.session, [[rows[0], rows[1]], [rows[2]], [rows[1], rows[1]]], NOW)
    assert [(r.added, r.duplicates) for r in results] == [(2, 0), (0, 1), (0, 2)]
    assert await harness.count(CustomerRating) == 2
