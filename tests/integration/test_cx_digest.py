"""Helpdesk ratings in the digest on a real database: attributed to the agent's team on the day, shown only
from min_group agents, and a curious manager's attempts to learn one agent's CSAT fail."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from handlers.insights.report import TeamDigest
from storage.calendar import iso_week_bounds
from storage.models import Membership
from tests.integration.digest_seed import after, give_emails, make_team, people, rate, seed_moods, team_id

SIX = ("amy", "ben", "cat", "dan", "eve", "fay")
WEEK = "2026-W46"


async def digests(harness, user: str, text: str = "tandem digest") -> dict[str, TeamDigest]:
    return {m.report.team: m.report for m in (await harness.reply(user, text)).messages}


async def test_csat_is_shown_from_enough_agents_with_its_trend_and_tone(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await give_emails(harness, *SIX)
    for week, bad in (("2026-W44", 1), ("2026-W45", 1), (WEEK, 3)):
        await seed_moods(harness, week, dict.fromkeys(SIX, 4))
        await rate(harness, week, {agent: ["good", "good", "good"] if i >= bad else ["good", "bad", "bad"]
                                   for i, agent in enumerate(SIX)})
    harness.clock.set(after(WEEK))
    report = (await digests(harness, "mia", f"tandem digest Support {WEEK}"))["Support"]
    ratings = report.customer_ratings
    assert ratings is not None and (ratings.ratings, ratings.agents, ratings.sources) == (18, 6, ("zendesk",))
    assert ratings.csat == round(100 * 12 / 18, 1)  # 3 agents with 1 good of 3, 3 with 3 of 3
    assert ratings.trend is not None and ratings.trend.direction == "down" and ratings.trend.weeks == 2
    assert ratings.comment_sentiment is not None
    assert [p.csat for p in report.history][-3:] == [round(100 * 16 / 18, 1), round(100 * 16 / 18, 1), ratings.csat]
    assert "CSAT 67%" in (await harness.say("mia", f"tandem digest Support {WEEK}"))


async def test_fewer_than_min_group_agents_show_only_the_count(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await give_emails(harness, *SIX[:4])  # only four agents match: one short of min_group 5
    await seed_moods(harness, WEEK, dict.fromkeys(SIX, 4))
    await rate(harness, WEEK, {agent: ["good"] * 5 for agent in SIX[:3]} | {"dan": ["bad"]})
    harness.clock.set(after(WEEK))
    ratings = (await digests(harness, "mia", f"tandem digest Support {WEEK}"))["Support"].customer_ratings
    assert ratings is not None and (ratings.ratings, ratings.agents, ratings.csat, ratings.comment_sentiment) == (
        16, None, None, None)
    text = await harness.say("mia", f"tandem digest Support {WEEK}")
    assert "fewer than 5 agents" in text and "% satisfied" not in text


async def test_two_teams_differing_by_one_agent_cannot_be_subtracted(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Support core", SIX[:5], "mia")  # everyone but fay
    await give_emails(harness, *SIX)
    await seed_moods(harness, WEEK, dict.fromkeys(SIX, 4))
    await rate(harness, WEEK, {agent: ["good"] * 4 for agent in SIX[:5]} | {"fay": ["bad"] * 4})
    harness.clock.set(after(WEEK))
    reports = await digests(harness, "mia", f"tandem digest Support {WEEK}")
    reports |= await digests(harness, "mia", f"tandem digest \"Support core\" {WEEK}")
    whole, core = reports["Support"].customer_ratings, reports["Support core"].customer_ratings
    assert whole is not None and whole.csat is not None and core is not None
    assert core.csat is None and core.agents is None  # without the overlap rule: 100% vs 83% gives fay's 0%
    assert any("agents rated differ from another team's" in n for n in reports["Support core"].notices)


async def test_ratings_follow_the_agent_to_the_team_of_that_day_and_count_once_linked(harness) -> None:
    await make_team(harness, "Support", SIX, "mia")
    await make_team(harness, "Sales", ("gus", "hal", "ivy", "jon", "kim"), "max")
    await give_emails(harness, *SIX[:5], "gus", "hal", "ivy", "jon", "kim")
    ids, sales_id = await people(harness), await team_id(harness, "Sales")
    monday, _ = iso_week_bounds(WEEK)
    async with harness.deps.context() as ctx:  # eve moves from Support to Sales on Wednesday
        await ctx.session.execute(update(Membership).where(Membership.person_id == ids["eve"]).values(
            ended_on=monday + timedelta(days=2)))
        ctx.session.add(Membership(team_id=sales_id, person_id=ids["eve"], role="member",
                                   started_on=monday + timedelta(days=2)))
    await seed_moods(harness, WEEK, dict.fromkeys(SIX, 4))
    await rate(harness, WEEK, {agent: ["good"] for agent in SIX[:5]}, day=1)  # Tuesday: eve still in Support
    await rate(harness, WEEK, {"eve": ["bad", "bad"]} | {a: ["good"] for a in ("gus", "hal", "ivy", "jon")}, day=3,
               prefix="thu")
    await rate(harness, WEEK, {"fay": ["bad"]}, day=1, prefix="fay")  # fay's helpdesk email matches nobody yet
    await harness.say("ada", "tandem cx link @fay fay@example.com")  # linked before the week settles
    harness.clock.set(after(WEEK))
    support = (await digests(harness, "mia", f"tandem digest Support {WEEK}"))["Support"].customer_ratings
    sales = (await digests(harness, "max", f"tandem digest Sales {WEEK}"))["Sales"].customer_ratings
    assert support is not None and (support.ratings, support.agents) == (6, 6)  # eve's Tuesday one, fay's once linked
    assert sales is not None and (sales.ratings, sales.agents) == (6, 5)  # eve's Thursday ones count for Sales


async def test_the_organisation_view_states_the_pooled_within_team_estimate(harness) -> None:
    teams = {"Support": ("amy", "ben", "cat", "dan", "eve"), "Sales": ("gus", "hal", "ivy", "jon", "kim"),
             "Success": ("lea", "max", "ned", "ola", "pat")}
    for name, members in teams.items():
        await make_team(harness, name, members, f"boss{name.lower()}")
        await give_emails(harness, *members)
    weeks = [f"2026-W{n}" for n in range(38, 47)]
    for index, week in enumerate(weeks):
        high = index % 2 == 0  # alternate good and poor weeks, the same in every team
        for members in teams.values():
            await seed_moods(harness, week, dict.fromkeys(members, 4 if high else 2))
            previous_high = index > 0 and (index - 1) % 2 == 0
            await rate(harness, week, {agent: ["good"] * (4 if previous_high else 2) + ["bad"] * 2
                                       for agent in members})
    harness.clock.set(after(weeks[-1]))
    reports = await digests(harness, "ada", f"tandem digest org {weeks[-1]}")
    org = reports["All teams"]
    assert org.pooled_csat is not None and org.pooled_csat.teams == 3
    # after a good week CSAT is 4/6 = 66.7%, after a poor one 2/4 = 50%: 16.7 points higher in every team
    assert org.pooled_csat.difference == 16.7 and org.pooled_csat.low == org.pooled_csat.high == 16.7
    assert "its CSAT the following week was higher by 16.7 points" in org.pooled_csat.statement
    assert "Within teams, a week later · CSAT" in await harness.say("ada", f"tandem digest org {weeks[-1]}")
    support = await digests(harness, "bosssupport", f"tandem digest Support {weeks[-1]}")
    assert support["Support"].pooled_csat is None  # a team's own digest never carries it
