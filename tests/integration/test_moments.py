"""Customer moments on a real database: logging, details, and every kind of bad input."""
from __future__ import annotations

from handlers import moments
from handlers.identity import identify
from handlers.messages import MomentForm, MomentLogged
from storage.models import CustomerMoment, Team


async def test_moment_with_options_is_stored_with_sentiment_and_team(harness) -> None:
    await harness.join("ada", "alice")
    await harness.say("ada", "tandem team create Support")
    await harness.say("ada", "tandem team add Support @alice")
    reply = await harness.reply("alice", "moment The customer loved the quick fix outcome:positive "
                                         "touchpoint:support customer:ACME-42")
    logged = reply.messages[0]
    assert isinstance(logged, MomentLogged) and logged.outcome == "positive"
    [moment] = await harness.rows(CustomerMoment)
    [team] = await harness.rows(Team)
    assert moment.text == "The customer loved the quick fix"
    assert (moment.outcome, moment.touchpoint, moment.customer_ref) == ("positive", "support", "ACME-42")
    assert moment.team_id == team.id
    assert moment.label == "positive" and moment.polarity > 0
    assert moment.sentiment_version == harness.deps.scorer.version


async def test_moment_without_text_asks_for_the_details(harness) -> None:
    reply = await harness.reply("alice", "moment")
    form = reply.messages[0]
    assert isinstance(form, MomentForm)
    assert "support" in form.touchpoints and form.outcomes == ("positive", "mixed", "negative")
    assert await harness.count(CustomerMoment) == 0


async def test_outcome_and_touchpoint_can_be_set_after_logging(harness) -> None:
    logged = (await harness.reply("alice", "moment Customer asked about invoices")).messages[0]
    assert logged.outcome is None and logged.touchpoint is None
    async with harness.deps.context() as ctx:
        alice = await identify(ctx, harness.caller("alice"))
        await moments.set_moment_details(ctx, alice, logged.moment_id, outcome="mixed", touchpoint="billing")
    [moment] = await harness.rows(CustomerMoment)
    assert (moment.outcome, moment.touchpoint) == ("mixed", "billing")


async def test_bad_moments_get_specific_replies_and_store_nothing(harness) -> None:
    cases = {
        "moment " + "y" * 3001: "3,001 characters",
        "moment " + "z" * 40_000: "40,000 characters",
        "moment    ": None,  # whitespace only: the form is offered instead
        "moment Lovely call outcome:great": "not an outcome",
        "moment Lovely call touchpoint:spaceship": "not a touchpoint",
        "moment outcome:positive": "Say what happened",
    }
    for text, expected in cases.items():
        reply = await harness.say("alice", text)
        if expected is None:
            assert "What happened" in reply
        else:
            assert expected in reply, (text[:40], reply)
            assert "Usage: /moment" in reply
    assert await harness.count(CustomerMoment) == 0


async def test_only_the_author_can_change_a_moment(harness) -> None:
    logged = (await harness.reply("alice", "moment Customer asked about invoices")).messages[0]
    async with harness.deps.context() as ctx:
        bob = await identify(ctx, harness.caller("bob"))
        try:
            await moments.set_moment_details(ctx, bob, logged.moment_id, outcome="negative")
        except Exception as error:  # noqa: BLE001 - whatever it raises, its message must say so
            assert "can't find" in str(error)
        else:
            raise AssertionError("bob changed alice's moment")
    [moment] = await harness.rows(CustomerMoment)
    assert moment.outcome is None
