"""`/tandem action add|list|done` through the command table, on SQLite and PostgreSQL: managers of the team and
admins only, the team implied when there is one, and bad input answered clearly with nothing changed."""
from __future__ import annotations

from datetime import timedelta

from handlers.config import TEXT_LIMIT
from storage.models import TeamAction


async def _organisation(harness) -> None:
    await harness.join("ada", "emma", "mia", "max")
    for line in ("tandem team create Support", "tandem team add Support @emma", "tandem team manager Support @mia",
                 "tandem team create Sales Team", "tandem team manager Sales Team @max",
                 "tandem team manager Support @max"):
        assert "Only" not in await harness.say("ada", line)
    harness.clock.advance(timedelta(days=7))


async def _actions(harness) -> list[tuple[str, int, str, str, str | None]]:
    return sorted((str(a.team_id), a.number, a.text, a.status, a.outcome) for a in await harness.rows(TeamAction))


async def test_manager_adds_lists_and_closes_an_action(harness) -> None:
    await _organisation(harness)
    reply = await harness.say("mia", "tandem action add Fewer meetings on Fridays, we don't need them")
    assert "Action 1 recorded for Support" in reply
    assert "Action 2 recorded for Support" in await harness.say("mia", "tandem action add Support Quiet hours")
    listed = await harness.say("mia", "tandem action list")
    assert "1. Fewer meetings on Fridays, we don't need them" in listed and "2. Quiet hours" in listed
    assert "is done" in await harness.say("mia", "tandem action done 1 moved to 10 minutes a week")
    assert "done — moved to 10 minutes a week" in await harness.say("mia", "tandem action list Support")
    assert [(n, s, o) for _, n, _, s, o in await _actions(harness)] == [
        (1, "done", "moved to 10 minutes a week"), (2, "open", None)]


async def test_team_with_spaces_and_the_admin_for_any_team(harness) -> None:
    await _organisation(harness)
    assert "recorded for Sales Team: “Call back" in await harness.say("max", "tandem action add Sales Team Call back")
    assert "recorded for Support" in await harness.say("ada", "tandem action add support Rota")
    assert "is done" in await harness.say("ada", "tandem action done Sales Team 1")


async def test_bad_input_gets_a_clear_reply_and_changes_nothing(harness) -> None:
    await _organisation(harness)
    await harness.say("mia", "tandem action add Quiet hours")
    await harness.say("mia", "tandem action done 1")
    before = await _actions(harness)
    for user, line, expected in (
            ("mia", "tandem action add", "Say what the team will do"),
            ("mia", "tandem action add Support", "Say what the team will do"),
            ("mia", "tandem action add " + "x" * (TEXT_LIMIT + 1), f"up to {TEXT_LIMIT:,}"),
            ("mia", "tandem action done 7", "has no action 7"),
            ("mia", "tandem action done 1", "already done"),
            ("mia", "tandem action done soon", "Give the number"),
            ("mia", "tandem action done 2 " + "y" * (TEXT_LIMIT + 1), f"up to {TEXT_LIMIT:,}"),
            ("mia", "tandem action frobnicate", "not part of `action`"),
            ("mia", "tandem action list Nowhere", "no team called"),
            ("mia", "tandem action add Sales Team Steal their rota", "Only managers of Sales Team"),
            ("max", "tandem action add Meet less", "You manage 2 teams"),
            ("ada", "tandem action list", "You manage no team"),
            ("emma", "tandem action add Support Free pizza", "for team managers"),
            ("emma", "tandem action list", "for team managers")):
        reply = await harness.say(user, line)
        assert expected in reply, (line[:60], reply[:200])
        assert "Traceback" not in reply
    assert await _actions(harness) == before


async def test_each_member_is_told_once_through_the_outbox(harness) -> None:
    from handlers.actions import ANNOUNCE_KIND, announce_key
    from handlers.delivery.outgoing import Outgoing, prepare_many
    from handlers.messages import ActionAnnouncement
    from storage import outbox
    from storage.models import Outbox, Person

    await _organisation(harness)
    await harness.join("sam")
    await harness.say("ada", "tandem team add Support @sam")
    reply = await harness.say("mia", "tandem action add Quiet hours after 4pm")
    assert "2 members will hear about it once" in reply
    rows = [r for r in await harness.rows(Outbox) if r.kind == ANNOUNCE_KIND]
    people = {p.id: p.platform_user_id for p in await harness.rows(Person)}
    assert sorted(people[r.person_id] for r in rows) == ["emma", "sam"]  # members only: not the managers
    [action] = await harness.rows(TeamAction)
    async with harness.deps.context() as ctx:  # the same command replayed by the unit of work queues nothing new
        replay = [{"workspace_id": r.workspace_id, "person_id": r.person_id, "kind": ANNOUNCE_KIND,
                   "dedupe_key": announce_key(action.id, r.person_id), "payload": {"action_id": action.id}}
                  for r in rows]
        assert await outbox.enqueue_many(ctx.session, replay, now=harness.clock.now()) == 0
        prepared = await prepare_many(ctx, rows)
    texts = [p.message.body for p in prepared.values()
             if isinstance(p, Outgoing) and isinstance(p.message, ActionAnnouncement)]
    assert len(texts) == 2 and all("we're doing this: “Quiet hours after 4pm”" in t for t in texts)
    assert "is done" in await harness.say("mia", "tandem action done 1 it worked")
    assert len([r for r in await harness.rows(Outbox) if r.kind == ANNOUNCE_KIND]) == 2  # done tells nobody again


async def _team_of(harness, size: int) -> list[str]:
    """Support with `size` members (min_group is 5 by default in the harness workspace unless changed)."""
    members = [f"m{i}" for i in range(size)]
    await harness.join("ada", "mia", *members)
    for line in ("tandem team create Support", "tandem team manager Support @mia",
                 "tandem team add Support " + " ".join(f"@{m}" for m in members)):
        assert "Only" not in await harness.say("ada", line)
    harness.clock.advance(timedelta(days=7))
    assert "recorded" in await harness.say("mia", "tandem action add Quiet hours")
    return members


async def _min_group(harness) -> int:
    from storage.models import Workspace

    [workspace] = await harness.rows(Workspace)
    return int(workspace.min_group)


async def test_feedback_is_one_per_person_changeable_and_totals_only_at_min_group(harness) -> None:
    from storage.models import ActionFeedback

    members = await _team_of(harness, 6)
    min_group = await _min_group(harness)
    for member in members[:min_group - 1]:
        assert "noted that it helps" in await harness.say(member, "tandem action helps 1")
    assert "noted that it doesn't help" in await harness.say(members[0], "tandem action no-help Support 1")
    assert await harness.count(ActionFeedback) == min_group - 1  # changed, not added
    harness.clock.advance(timedelta(days=7))
    listed = await harness.say("mia", "tandem action list")
    assert "no totals to show" in listed and "said it helps" not in listed
    assert "noted" in await harness.say(members[min_group - 1], "tandem action helps 1")
    assert "no totals to show" in await harness.say("mia", "tandem action list")  # this week's click
    harness.clock.advance(timedelta(days=7))
    assert f"{min_group - 1} of {min_group} said it helps" in await harness.say("mia", "tandem action list")


async def test_feedback_bad_input_changes_nothing(harness) -> None:
    from storage.models import ActionFeedback

    members = await _team_of(harness, 3)
    for user, line, expected in (("mia", "tandem action helps 1", "You are in no team"),
                                 (members[0], "tandem action helps 9", "has no action 9"),
                                 (members[0], "tandem action helps 1 a lot", "number only"),
                                 (members[0], "tandem action no-help", "Give the number"),
                                 (members[0], "tandem action helps Nowhere 1", "no team called")):
        reply = await harness.say(user, line)
        assert expected in reply, (line, reply[:200])
    assert await harness.count(ActionFeedback) == 0


async def _first_totals(harness, size: int) -> tuple[list[str], int, str]:
    """A team of `size` whose first min_group members said action 1 helps, a week ago: the members, min_group and
    the manager's `action list`, which shows those first totals."""
    members = await _team_of(harness, size)
    min_group = await _min_group(harness)
    for member in members[:min_group]:
        await harness.say(member, "tandem action helps 1")
    harness.clock.advance(timedelta(days=7))
    shown = await harness.say("mia", "tandem action list")
    assert f"{min_group} of {min_group} said it helps" in shown
    return members, min_group, shown


async def test_curious_manager_cannot_see_one_click_arrive(harness) -> None:
    """The manager asks before and after one member clicks, in the same week and at min_group: no change."""
    members, min_group, before = await _first_totals(harness, 7)
    await harness.say(members[min_group], "tandem action no-help 1")  # one more answers this week
    assert await harness.say("mia", "tandem action list") == before


async def test_curious_manager_cannot_learn_the_one_answer_of_a_later_week(harness) -> None:
    """Totals move only in steps of min_group: one answer in a later week never shows as a change of one."""
    members, min_group, first = await _first_totals(harness, 12)
    await harness.say(members[min_group], "tandem action no-help 1")  # the one answer of the week
    harness.clock.advance(timedelta(days=7))
    assert await harness.say("mia", "tandem action list") == first  # a week later: still the same totals
    for member in members[min_group + 1:2 * min_group]:  # min_group more answers in all: the totals move
        await harness.say(member, "tandem action helps 1")
    harness.clock.advance(timedelta(days=7))
    assert f"{2 * min_group - 1} of {2 * min_group} said it helps" in await harness.say("mia", "tandem action list")


async def test_curious_manager_cannot_subtract_two_teams_that_differ_by_one(harness) -> None:
    """The same action for Support and for Support plus one person: neither shows totals."""
    members = await _team_of(harness, 6)
    assert "Only" not in await harness.say("ada", "tandem team create Wider")
    assert "Only" not in await harness.say("ada", "tandem team manager Wider @mia")
    await harness.join("solo")
    assert "Only" not in await harness.say("ada", "tandem team add Wider @solo " + " ".join(f"@{m}" for m in members))
    assert "recorded" in await harness.say("mia", "tandem action add Wider Quiet hours")
    for member in members:
        await harness.say(member, "tandem action helps Support 1")
        await harness.say(member, "tandem action helps Wider 1")
    await harness.say("solo", "tandem action no-help Wider 1")
    harness.clock.advance(timedelta(days=7))
    for team in ("Support", "Wider"):
        listed = await harness.say("mia", f"tandem action list {team}")
        assert "no totals to show" in listed and "said it helps" not in listed, listed


async def test_curious_manager_cannot_see_a_change_of_mind(harness) -> None:
    """Past weeks' totals never move: an answer from last week stays; one from this week is changed in place."""
    members = await _team_of(harness, 7)
    min_group = await _min_group(harness)
    for member in members[:min_group + 1]:
        await harness.say(member, "tandem action helps 1")
    harness.clock.advance(timedelta(days=7))
    before = await harness.say("mia", "tandem action list")
    assert f"{min_group + 1} of {min_group + 1} said it helps" in before
    refused = await harness.say(members[0], "tandem action no-help 1")
    assert "was counted last week and stays as it is" in refused
    assert await harness.say("mia", "tandem action list") == before
    harness.clock.advance(timedelta(days=7))
    assert await harness.say("mia", "tandem action list") == before  # nothing changed, even a week on


async def test_an_answer_changes_only_in_the_week_it_was_first_given(harness) -> None:
    from storage.models import ActionFeedback

    members = await _team_of(harness, 3)
    assert "noted that it helps" in await harness.say(members[0], "tandem action helps 1")
    harness.clock.advance(timedelta(hours=2))
    assert "noted that it doesn't help" in await harness.say(members[0], "tandem action no-help 1")
    [row] = await harness.rows(ActionFeedback)
    assert row.helps is False
    harness.clock.advance(timedelta(days=7))
    assert "stays as it is" in await harness.say(members[0], "tandem action helps 1")
    [row] = await harness.rows(ActionFeedback)
    assert row.helps is False


async def test_export_holds_own_feedback_and_recorded_actions_and_forget_me_deletes_the_feedback(harness) -> None:
    import json

    from handlers.messages import Export
    from storage.models import ActionFeedback

    members = await _team_of(harness, 3)
    await harness.say(members[0], "tandem action no-help 1")
    await harness.say(members[1], "tandem action helps 1")
    [mine] = [m for m in (await harness.reply(members[0], "tandem export")).messages if isinstance(m, Export)]
    data = json.loads(mine.content)
    assert [(f["team"], f["action"], f["helps"]) for f in data["action_feedback"]] == [("Support", 1, False)]
    assert data["actions_recorded"] == []
    [theirs] = [m for m in (await harness.reply("mia", "tandem export")).messages if isinstance(m, Export)]
    recorded = json.loads(theirs.content)["actions_recorded"]
    assert [(a["team"], a["text"]) for a in recorded] == [("Support", "Quiet hours")]
    await harness.say(members[0], "tandem forget-me confirm")
    assert [f.helps for f in await harness.rows(ActionFeedback)] == [True]
    assert await harness.count(TeamAction) == 1


async def test_overlapping_teams_answer_their_own_actions_only(harness) -> None:
    """A member of two teams answers each team's action separately and by name; a bare number is ambiguous."""
    from storage.models import ActionFeedback

    members = await _team_of(harness, 3)
    for line in ("tandem team create Sales", "tandem team manager Sales @mia", f"tandem team add Sales @{members[0]}"):
        assert "Only" not in await harness.say("ada", line)
    assert "Action 1 recorded for Sales" in await harness.say("mia", "tandem action add Sales Fewer meetings")
    assert "Name the team" in await harness.say(members[0], "tandem action helps 1")
    assert "not a member of Sales" in await harness.say(members[1], "tandem action helps Sales 1")
    assert "noted that it helps" in await harness.say(members[0], "tandem action helps Sales 1")
    assert "noted that it doesn't help" in await harness.say(members[0], "tandem action no-help Support 1")
    rows = {(f.action_id, f.helps) for f in await harness.rows(ActionFeedback)}
    actions = {a.id: a.text for a in await harness.rows(TeamAction)}
    assert {(actions[a], h) for a, h in rows} == {("Fewer meetings", True), ("Quiet hours", False)}
