"""The first digest: figures against hand-computed values, the min_group rule, who may see what."""
from __future__ import annotations

from datetime import timedelta

from handlers.messages import DigestMessage
from storage.models import DigestRun

MEMBERS = ("amy", "ben", "cat", "dan", "eve", "fay")


async def _team(harness, name: str = "Support", members=MEMBERS, manager: str = "mia") -> None:
    await harness.join("ada", *members, manager)
    await harness.say("ada", f"tandem team create {name}")
    await harness.say("ada", f"tandem team add {name} " + " ".join(f"@{m}" for m in members))
    await harness.say("ada", f"tandem team manager {name} @{manager}")


async def _answer(harness, scores: dict[str, int]) -> None:
    for user, score in scores.items():
        await harness.say(user, "checkin")
        await harness.say(user, f"mood {score}")


async def _digest(harness, user: str, text: str = "tandem digest"):
    harness.clock.advance(timedelta(days=7))  # the week is over
    return (await harness.reply(user, text)).messages


async def test_figures_match_hand_computed_values(harness) -> None:
    await _team(harness)
    await _answer(harness, {"amy": 5, "ben": 4, "cat": 4, "dan": 2, "eve": 3})  # fay does not answer
    await harness.say("amy", "moment Customer loved it outcome:positive")
    [message] = await _digest(harness, "mia")
    report = message.report
    assert isinstance(message, DigestMessage) and report.iso_week == "2026-W47"
    assert (report.members, report.respondents) == (6, 5)
    assert report.participation == round(5 / 6, 3)
    assert report.mood.mean == 3.6  # (5+4+4+2+3)/5
    assert report.mood.distribution == {1: 0, 2: 1, 3: 1, 4: 2, 5: 1}
    assert report.moments.logged == 1 and report.moments.share_positive is None  # one author < min_group
    assert await harness.count(DigestRun) == 1


async def test_below_min_group_no_mood_figure_is_shown(harness) -> None:
    await _team(harness)
    await _answer(harness, {"amy": 1, "ben": 5, "cat": 4, "dan": 4})
    [message] = await _digest(harness, "mia")
    report = message.report
    assert report.mood is None and report.participation is None and report.respondents == 0
    assert any("fewer than 5" in n for n in report.notices)
    from bot.console.render import render

    text = render(message)
    assert "Mood:" not in text and "1 Rough" not in text


async def test_managers_see_only_their_own_teams(harness) -> None:
    await _team(harness, "Support", MEMBERS, "mia")
    await _team(harness, "Sales", ("gus", "hal", "ivy"), "max")
    [message] = await _digest(harness, "max")
    assert message.report.team == "Sales"
    assert "Only managers of Support" in await harness.say("max", "tandem digest Support")
    assert "Digests are for team managers" in await harness.say("amy", "tandem digest")
    # someone who manages no team is refused before any team is looked up: the reply can't confirm that a
    # team of that name exists
    for name in ("Support", "No Such Team"):
        assert "Digests are for team managers" in await harness.say("amy", f"tandem digest {name}")


async def test_admin_sees_every_team(harness) -> None:
    await _team(harness, "Support", MEMBERS, "mia")
    await _team(harness, "Sales", ("gus", "hal", "ivy"), "max")
    messages = await _digest(harness, "ada")
    assert sorted(m.report.team for m in messages if m.report.scope == "team") == ["Sales", "Support"]
    assert messages[-1].report.scope == "organisation"  # admins also get the pooled organisation view


async def test_only_whole_weeks_can_be_asked_for(harness) -> None:
    await _team(harness)
    assert "still running" in await harness.say("mia", "tandem digest Support 2026-W47")
    assert "in the future" in await harness.say("mia", "tandem digest Support 2027-W02")
    assert "not an ISO week" in await harness.say("mia", "tandem digest Support 2026-47")
    assert "2026 has no week 60" in await harness.say("mia", "tandem digest Support 2026-W60")
    messages = await _digest(harness, "mia", "tandem digest Support 2026-W47")
    assert messages[0].report.iso_week == "2026-W47"
