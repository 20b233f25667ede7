"""A curious manager tries to recover one person's mood from what Tandem shows them — and fails.

Each test plays one attack against one rule: small groups, lone quotes, partial weeks, overlapping
teams, team versus organisation, history that could reveal a withheld week, and a settled week asked
for again after someone changed or deleted their answers.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.console.render import render
from handlers.insights.report import TeamDigest
from storage import digests as digest_store
from storage.calendar import iso_week_bounds
from storage.models import MoodEntry, Prompt
from tests.integration.digest_seed import after, make_team, people, seed_moments, seed_moods, team_id

SIX = ("amy", "ben", "cat", "dan", "eve", "fay")


def answers(report: TeamDigest) -> tuple[int, int] | None:
    """(sum of scores, number of answers) as a reader can rebuild them from a digest, or None."""
    if report.mood is None:
        return None
    distribution = report.mood.distribution
    return sum(score * count for score, count in distribution.items()), sum(distribution.values())


def subtract(bigger: TeamDigest, smaller: TeamDigest) -> tuple[int, int] | None:
    """The attacker's move: what the answers of the people in one group but not the other add up to."""
    a, b = answers(bigger), answers(smaller)
    if a is None or b is None:
        return None
    return a[0] - b[0], a[1] - b[1]


async def _digests(harness, user: str, text: str = "tandem digest") -> list[TeamDigest]:
    return [m.report for m in (await harness.reply(user, text)).messages]


async def test_a_four_person_week_shows_no_mood_anywhere(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", {"amy": 1, "ben": 5, "cat": 5, "dan": 5}, notes={"amy": -0.9})
    harness.clock.set(after("2026-W47"))
    messages = (await harness.reply("mia", "tandem digest")).messages
    report = messages[0].report
    assert answers(report) is None and report.participation is None and report.respondents == 0
    assert report.history[-1].mood is None and report.history[-1].participation is None
    document = report.to_json()
    assert document["mood"] is None and document["suppressed"] is True
    text = render(messages[0])
    assert "Mood:" not in text and "tone" not in text and "fewer than 5" in text
    assert "no individual answers" not in messages[0].chart_alt or "not shown" in messages[0].chart_alt


async def test_a_lone_quote_from_a_small_week_is_never_shown(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX, 4))
    await seed_moments(harness, "Support", "2026-W47", [
        ("amy", "negative", -0.9, "support", "I messed up the Acme renewal, my fault"),
        ("ben", "positive", 0.5, "sales", "Good call"),
        ("ben", "positive", 0.6, "sales", "Another good call"),
        ("cat", "positive", 0.4, "sales", "Fine"),
    ])  # three authors: fewer than min_group
    harness.clock.set(after("2026-W47"))
    [report] = await _digests(harness, "mia")
    assert report.moments.logged == 4 and report.moments.excerpts == ()
    assert report.moments.share_negative is None and report.moments.quality_index is None
    assert report.history[-1].quality is None
    assert "Acme" not in str(report.to_json())


async def test_quotes_from_a_big_enough_week_carry_no_names_or_mentions(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moments(harness, "Support", "2026-W47", [
        ("amy", "positive", 0.9, None, "<@U0BEN> and @cat.smith saved the day, mail amy@example.com"),
        ("ben", "negative", -0.8, None, "*Awful* call, see <https://tickets.example/9|ticket 9>"),
        ("cat", "mixed", 0.1, None, "ok"), ("dan", "mixed", 0.0, None, "ok"), ("eve", "mixed", 0.0, None, "ok"),
    ])
    harness.clock.set(after("2026-W47"))
    [report] = await _digests(harness, "mia")
    texts = [q.text for q in report.moments.excerpts]
    assert texts[:2] == ["someone and someone saved the day, mail [e-mail]", "Awful call, see ticket 9"]
    assert all(len(t) <= 140 for t in texts)


async def test_two_requests_cannot_be_subtracted_to_isolate_a_day(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", {u: [4, 4, 4] for u in SIX})
    harness.clock.set(after("2026-W47", days=2))  # Tuesday of W48
    tuesday = await _digests(harness, "mia")
    await seed_moods(harness, "2026-W48", {"amy": [1, 1]})  # amy has a rough Monday and Tuesday
    harness.clock.advance(timedelta(days=2))  # Thursday: the attacker asks again, for every week they can
    thursday = await _digests(harness, "mia")
    assert answers(tuesday[0]) == answers(thursday[0])  # the same whole week, the same figures
    assert subtract(thursday[0], tuesday[0]) == (0, 0)
    assert "still running" in await harness.say("mia", "tandem digest Support 2026-W48")


async def test_a_manager_of_two_teams_that_differ_by_one_person_cannot_subtract(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Support core", SIX[:5], "mia")  # everyone but fay
    for week in ("2026-W46", "2026-W47"):
        await seed_moods(harness, week, {"amy": 4, "ben": 4, "cat": 4, "dan": 4, "eve": 4, "fay": 1})
    harness.clock.set(after("2026-W47"))
    reports = {r.team: r for r in await _digests(harness, "mia")}
    whole, core = reports["Support"], reports["Support core"]
    assert subtract(whole, core) is None  # without the rule this would be (1, 1): fay's answer
    assert answers(whole) == (21, 6) and core.mood is None
    assert any("differ from another team's by fewer than 5" in n for n in core.notices)
    assert [p.mood for p in core.history][-2:] == [None, None]  # last week's history is withheld too
    # a second manager who sees only the smaller team is refused the same figure: no collusion either
    await harness.join("max")
    assert "max" in (await harness.say("ada", "tandem team manager Support core @max")).lower()
    [seen_by_max] = await _digests(harness, "max")
    assert seen_by_max.team == "Support core" and seen_by_max.mood is None


async def test_the_organisation_view_cannot_be_subtracted_from_a_team(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Sales", ("gus", "hal", "ivy"), "max")
    await seed_moods(harness, "2026-W47", {**dict.fromkeys(SIX, 4), "gus": 1, "hal": 5, "ivy": 5})
    harness.clock.set(after("2026-W47"))
    reports = {r.team: r for r in await _digests(harness, "ada")}
    organisation, support = reports["All teams"], reports["Support"]
    assert reports["Sales"].mood is None
    assert subtract(organisation, support) == (0, 0)  # the organisation adds nobody the teams don't show
    assert organisation.respondents == support.respondents == 6
    assert "pools the 1 of 2 teams" in organisation.notices[0]


async def test_trend_and_history_do_not_reveal_a_withheld_week(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W44", dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W45", dict.fromkeys(SIX, 4))
    await seed_moods(harness, "2026-W46", {"amy": 1, "ben": 1, "cat": 1, "dan": 1})  # 4 people: withheld
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX, 3))
    harness.clock.set(after("2026-W47"))
    [report] = await _digests(harness, "mia")
    # had W46 been pooled into the baseline, baseline × answers − the shown weeks would give it away
    assert report.mood is not None and report.mood.trend is not None
    assert (report.mood.trend.baseline, report.mood.trend.weeks) == (4.0, 2)
    assert [p.mood for p in report.history][-4:] == [4.0, 4.0, None, 3.0]


async def test_the_threshold_cannot_be_set_below_three(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    reply = await harness.say("ada", "tandem privacy min-group 2")
    assert "privacy min-group" in reply.lower() or "between" in reply.lower()
    await harness.say("ada", "tandem privacy min-group 3")
    await seed_moods(harness, "2026-W47", {"amy": 2, "ben": 4})
    harness.clock.set(after("2026-W47"))
    [report] = await _digests(harness, "mia")
    assert report.min_group == 3 and report.mood is None  # two answers stay hidden even at the floor


async def _open_answer(harness, user: str, day: date, score: int, closes_at: datetime) -> None:
    """An answer whose check-in stays open until `closes_at`, so it can still be changed through `mood N`."""
    person = (await people(harness))[user]
    at = datetime.combine(day, time(9, 30), tzinfo=UTC)
    async with harness.deps.context() as ctx:
        prompt = Prompt(person_id=person, slot="checkin", local_date=day, due_at=at, sent_at=at, closes_at=closes_at)
        ctx.session.add(prompt)
        await ctx.session.flush()
        ctx.session.add(MoodEntry(prompt_id=prompt.id, person_id=person, local_date=day, score=score,
                                  sentiment_version="test", answered_at=at, updated_at=at))


async def _live_figures(harness, team: str, iso_week: str) -> tuple[int, int]:
    """(respondents, sum of scores) recomputed from today's rows: what a recomputed digest would be built on."""
    first, last = iso_week_bounds(iso_week)
    tid = await team_id(harness, team)
    async with harness.deps.context() as ctx:
        agg = (await digest_store.week_aggregates(ctx.session, first, last, [tid]))[tid]
    return agg.respondents, agg.mood_sum


async def test_a_settled_week_asked_for_again_after_an_edit_and_a_forget_me_is_unchanged(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX[1:], 4))
    sunday = iso_week_bounds("2026-W47")[1]
    await _open_answer(harness, "amy", sunday, 2, closes_at=after("2026-W47", days=5))  # a very late-closing check-in
    harness.clock.set(after("2026-W47"))  # Wednesday: the week has settled
    [before] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    organisation_before = (await _digests(harness, "ada", "tandem digest org 2026-W47"))[0]
    assert answers(before) == (22, 6) and before.respondents == 6

    assert "5" in await harness.say("amy", "mood 5")  # amy changes her answer: the handler accepts it
    assert "deleted" in await harness.say("ben", "tandem forget-me confirm")  # ben leaves with all his rows
    scores = sorted(e.score for e in await harness.rows(MoodEntry))
    assert scores == [4, 4, 4, 4, 5]  # both changes really happened in the data
    assert await _live_figures(harness, "Support", "2026-W47") == (5, 21)  # a recomputation would now differ

    harness.clock.advance(timedelta(days=1))
    [again] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert again.to_json() == before.to_json()
    assert subtract(before, again) == (0, 0)  # nothing left to subtract: (22, 6) − (21, 5) would give ben's 4
    [seen_by_admin] = [r for r in await _digests(harness, "ada", "tandem digest 2026-W47") if r.team == "Support"]
    assert seen_by_admin.to_json() == before.to_json()  # another viewer, the same frozen figures
    assert (await _digests(harness, "ada", "tandem digest org 2026-W47"))[0].to_json() == organisation_before.to_json()

    # the week as history of a later digest is the same frozen figure, not a recomputation
    await seed_moods(harness, "2026-W48", dict.fromkeys(("amy", "cat", "dan", "eve", "fay"), 3))
    harness.clock.set(after("2026-W48"))
    [next_week] = await _digests(harness, "mia", "tandem digest Support 2026-W48")
    assert next_week.history[-2] == before.history[-1]
    assert next_week.mood is not None and before.mood is not None
    assert next_week.mood.trend is None or next_week.mood.trend.baseline == before.mood.mean


async def test_late_answers_count_until_the_week_settles(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", dict.fromkeys(SIX[:5], 4))
    sunday = iso_week_bounds("2026-W47")[1]
    await _open_answer(harness, "fay", sunday, 4, closes_at=after("2026-W47", days=1) + timedelta(hours=8))
    harness.clock.set(after("2026-W47", days=1))  # Monday 09:00: the week is over but not settled
    [monday] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert answers(monday) == (24, 6)
    assert "1" in await harness.say("fay", "mood 1")  # fay changes her Sunday answer before it closes
    [later] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert answers(later) == (21, 6)  # the legitimate late change is counted
    harness.clock.set(after("2026-W47"))  # settled now: the first build freezes what the data says
    [settled] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert answers(settled) == (21, 6)
    assert "deleted" in await harness.say("fay", "tandem forget-me confirm")
    [after_forget] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert after_forget.to_json() == settled.to_json()


async def test_an_overlapping_team_first_asked_for_after_a_forget_me_cannot_be_subtracted(harness) -> None:
    others = ("gus", "hal", "ivy", "jon", "kim")
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Service", SIX + others, "max")  # Support and five more: both may be shown
    await seed_moods(harness, "2026-W47", {**dict.fromkeys(SIX, 4), **dict.fromkeys(others, 2)})
    harness.clock.set(after("2026-W47"))
    [support] = await _digests(harness, "mia", "tandem digest Support 2026-W47")  # only Support is asked for
    for user in ("gus", "hal", "ivy"):
        assert "deleted" in await harness.say(user, "tandem forget-me confirm")
    assert (await _live_figures(harness, "Service", "2026-W47"))[0] == 8  # now only 2 more than Support
    harness.clock.advance(timedelta(days=3))
    [service] = await _digests(harness, "max", "tandem digest Service 2026-W47")
    # the whole workspace was sealed with Support's digest: Service shows 11, so the difference stays 5 people
    assert answers(service) == (34, 11) and answers(support) == (24, 6)
    difference = subtract(service, support)
    assert difference is not None and difference[1] >= 5


async def test_forget_me_takes_a_persons_quote_out_of_frozen_digests(harness) -> None:
    """Figures of a settled week stay frozen, but the words of someone who left are not kept quoted."""
    await make_team(harness, "Support", SIX, "mia")
    await seed_moments(harness, "Support", "2026-W47", [
        ("amy", "positive", 0.9, None, "The client said our onboarding was the best they had seen"),
        ("ben", "negative", -0.8, None, "Customer escalated after a week without an answer"),
        ("cat", "mixed", 0.1, None, "ok"), ("dan", "mixed", 0.0, None, "ok"), ("eve", "mixed", 0.0, None, "ok"),
    ])
    harness.clock.set(after("2026-W47"))
    [before] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert "Customer escalated after a week without an answer" in [q.text for q in before.moments.excerpts]
    assert "deleted" in await harness.say("ben", "tandem forget-me confirm")
    [again] = await _digests(harness, "mia", "tandem digest Support 2026-W47")
    assert "Customer escalated after a week without an answer" not in [q.text for q in again.moments.excerpts]
    assert again.moments.logged == before.moments.logged and again.moments.quality_index == before.moments.quality_index


async def test_a_team_created_after_a_week_settled_does_not_reopen_it(harness) -> None:
    """The new team's rows are sealed then; everyone else's sealed figures stay as first sealed."""
    await make_team(harness, "Support", SIX, "mia")
    await seed_moods(harness, "2026-W47", {**dict.fromkeys(SIX, 4), "ben": 1})
    harness.clock.set(after("2026-W48"))
    [first] = await _digests(harness, "mia", "tandem digest Support 2026-W48")  # seals W47 for the workspace
    assert first.history[-2].mood == 3.5  # (5 × 4 + 1) / 6
    assert "deleted" in await harness.say("ben", "tandem forget-me confirm")
    assert "Newcomers" in await harness.say("ada", "tandem team create Newcomers")
    harness.clock.set(after("2026-W49"))
    [later] = await _digests(harness, "mia", "tandem digest Support 2026-W49")  # W47 sealed again, for Newcomers
    assert later.history[-3] == first.history[-2]  # not 4.0: that would give away ben's answer
    w47 = iso_week_bounds("2026-W47")[0]
    async with harness.deps.context() as ctx:
        teams = [await team_id(harness, "Support"), await team_id(harness, "Newcomers")]
        assert await digest_store.sealed_team_counts(ctx.session, teams, [w47]) == {w47: 2}
