"""Themes in the digest, from real notes, moments and customers' comments in the database (SQLite and
PostgreSQL), against hand-labelled fixtures; and the privacy rules: a theme raised by fewer than min_group
(5) people never appears, in any week, and overlapping teams can't be subtracted to learn who raised one."""
from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import jsonschema

from bot.console.render import render_digest_text
from handlers.cx.ingest import IncomingRating, ingest
from storage.calendar import iso_week_bounds
from tests.integration.digest_seed import after, give_emails, make_team, seed_moments, seed_moods

ROOT = Path(__file__).resolve().parents[2]
SEVEN = ("amy", "ben", "cat", "dan", "eve", "fay", "gus")

# Hand-labelled: what each note is about (the test's expectation, written before running the code).
NOTES = {
    "amy": ("Swamped again, third late night this week", "workload"),
    "ben": ("Too much work and the backlog keeps growing", "workload"),
    "cat": ("Overloaded with tickets, no time for lunch", "workload"),
    "dan": ("Deadline crunch, I'm exhausted", "workload"),
    "eve": ("I worked the whole weekend to hit the deadline", "workload"),
    "fay": ("Merge conflicts ate my afternoon", "merge conflicts"),  # raised by 4 only: never shown
    "gus": ("Lovely week, nothing to report", None),
}
MOMENTS = [  # (author, text): billing by 4 authors here, and by the customers of a 5th agent below
    ("amy", "Client asked for a refund, frustrated by repeated outages"),
    ("ben", "The invoice was wrong twice, customer upset"),
    ("cat", "Sorted a billing question in one call"),
    ("dan", "Pricing confused them, they want a discount"),
    ("ben", "Merge conflicts in their integration repo, we helped"),
    ("cat", "Walked them through merge conflicts on their fork"),
    ("dan", "Merge conflicts again on the customer's branch"),
]


async def _week(harness, week: str = "2026-W47") -> None:
    await seed_moods(harness, week, dict.fromkeys(SEVEN, 3), notes=dict.fromkeys(NOTES, -0.4),
                     texts={u: text for u, (text, _) in NOTES.items()})
    await seed_moments(harness, "Support", week, [(a, None, -0.3, None, text) for a, text in MOMENTS])


async def _comment(harness, week: str, agent: str, comments: list[str]) -> None:
    """Customers' comments on one agent, given on the week's Wednesday."""
    at = datetime.combine(iso_week_bounds(week)[0] + timedelta(days=2), time(12), tzinfo=UTC)
    rows = [IncomingRating("zendesk", f"{week}-{agent}-{n}", at, "bad", "good_bad", f"{agent}@example.com",
                           comment=text) for n, text in enumerate(comments)]
    async with harness.deps.context() as ctx:
        await ingest(ctx.session, rows, "webhook", ctx.scorer, at)


async def test_themes_come_from_notes_moments_and_comments_counted_by_people(harness) -> None:
    await make_team(harness, "Support", SEVEN, "mia")
    await give_emails(harness, *SEVEN)
    await _week(harness)
    await _comment(harness, "2026-W47", "gus", ["You charged me twice, fix my invoice", "Refund still missing"])
    harness.clock.set(after("2026-W47"))
    [message] = (await harness.reply("mia", "tandem digest")).messages
    themes = {t.name: t for t in message.report.themes}
    assert themes["workload"].people == 5 and themes["workload"].tone == "negative"
    # billing: amy (refund), ben (invoice), cat (billing), dan (pricing) wrote moments; gus's customers commented
    assert themes["billing"].people == 5 and themes["billing"].known
    assert "merge conflicts" not in themes  # fay's note and three moments: four people, below min_group 5
    assert "outages" not in themes  # one person
    assert all(t.people >= 5 for t in themes.values())
    text = render_digest_text(message.report)
    assert "What people raised" in text and "workload: 5 people · negative on balance" in text
    for written, _ in NOTES.values():
        assert written not in text  # never a quote of a note
    data = message.report.to_json()
    jsonschema.validate(data, json.loads((ROOT / "docs" / "digest.schema.json").read_text(encoding="utf-8")))
    assert {t["name"] for t in data["themes"]} == set(themes)


async def test_a_theme_below_min_group_never_appears_across_weeks(harness) -> None:
    await make_team(harness, "Support", SEVEN, "mia")
    # "merge conflicts": three people in W46 and three others in W47 — six in all, but never five in one week
    for week, authors in (("2026-W46", SEVEN[:3]), ("2026-W47", SEVEN[3:6])):
        await seed_moods(harness, week, dict.fromkeys(SEVEN, 4), notes=dict.fromkeys(authors, -0.2),
                         texts=dict.fromkeys(authors, "merge conflicts all day"))
    harness.clock.set(after("2026-W47"))
    for week in ("2026-W46", "2026-W47"):
        [message] = (await harness.reply("mia", f"tandem digest Support {week}")).messages
        assert message.report.themes == ()
        assert "merge conflicts" not in render_digest_text(message.report)


async def test_overlapping_teams_cannot_be_subtracted_to_learn_who_raised_a_theme(harness) -> None:
    await make_team(harness, "Support", SEVEN[:6], "mia")
    await make_team(harness, "Support Plus", SEVEN, "mia")  # Support and gus: differ by one person
    writers = (*SEVEN[:5], "gus")
    await seed_moods(harness, "2026-W47", dict.fromkeys(SEVEN, 3), notes=dict.fromkeys(writers, -0.5),
                     texts=dict.fromkeys(writers, "swamped, too much work"))
    harness.clock.set(after("2026-W47"))
    for team, expected in (("Support", []), ("Support Plus", [("workload", 6)])):
        [message] = (await harness.reply("mia", f"tandem digest {team}")).messages
        # Support's 5 and Support Plus's 6 would tell the manager that gus wrote about workload
        assert [(t.name, t.people) for t in message.report.themes] == expected, team


async def test_the_organisation_view_shows_themes_several_teams_share(harness) -> None:
    await make_team(harness, "Support", SEVEN[:5], "mia")
    await make_team(harness, "Sales", ("hal", "ivy", "jon", "kim", "lea"), "mia")
    await seed_moods(harness, "2026-W47", dict.fromkeys(SEVEN[:5], 3), notes=dict.fromkeys(SEVEN[:5], -0.5),
                     texts=dict.fromkeys(SEVEN[:5], "Too many meetings, swamped"))
    sales = ("hal", "ivy", "jon", "kim", "lea")
    await seed_moods(harness, "2026-W47", dict.fromkeys(sales, 4), notes=dict.fromkeys(sales, 0.3),
                     texts=dict.fromkeys(sales, "Good week but too many meetings"))
    harness.clock.set(after("2026-W47"))
    reply = await harness.reply("ada", "tandem digest org")
    [org] = [m.report for m in reply.messages if m.report.scope == "organisation"]
    shared = {t.name: t for t in org.themes}
    assert (shared["meetings"].teams, shared["meetings"].people) == (2, 10)
    assert "workload" not in shared  # raised in Support only
    assert "Themes several teams raised" in render_digest_text(org)
