"""Team actions on Slack over signed HTTP with the fake Web API: the announcement leaves through the outbox as one
DM per member with "This helps" / "Doesn't help" buttons; a click is counted (only in totals); a forged or
another team's action id is answered and changes nothing."""
from __future__ import annotations

from typing import Any

from bot.delivery.dispatcher import Dispatcher
from bot.slack import ids
from storage.models import ActionFeedback, TeamAction
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import block_actions_payload, slash_command_form

ADMIN, ANA, BOB = "U111", "U222", "U333"


async def _say(rig: SlackRig, user: str, text: str, name: str) -> str:
    response = await rig.post(slash_command_form("/tandem", text, user_id=user, response_url=rig.sink.url(name)))
    assert response.status == 200
    return all_text((await eventually(lambda: rig.sink.to(name)))[-1].get("blocks") or [])


async def _team_with_action(rig: SlackRig) -> dict[str, list[dict[str, Any]]]:
    """Support (ANA, BOB; ADMIN manages it) with action 1, announced; the blocks each member was sent."""
    for user in (ADMIN, ANA, BOB):
        rig.fake.set_user(user, name=f"person-{user.lower()}")
        await _say(rig, user, "help", f"meet{user}")
    await _say(rig, ADMIN, "team create Support", "create")
    await _say(rig, ADMIN, f"team manager Support <@{ADMIN}>", "manager")
    await _say(rig, ADMIN, f"team add Support <@{ANA}> <@{BOB}>", "add")
    assert "recorded" in await _say(rig, ADMIN, "action add Support Quiet hours after 4pm", "action")
    rig.fake.reset()  # only what the outbox sends from here on
    await Dispatcher(rig.deps).drain()
    sent = {call.args["channel"]: call.json_arg("blocks") for call in rig.fake.delivered("chat.postMessage")}
    return {user: sent[rig.fake.dm_channel_for(user)] for user in (ANA, BOB) if rig.fake.dm_channel_for(user) in sent}


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


async def _click(rig: SlackRig, user: str, action_id: str, value: str, name: str) -> dict[str, Any]:
    payload = block_actions_payload(action_id, value, user_id=user, channel_id=rig.fake.dm_channel_for(user))
    payload["response_url"] = rig.sink.url(name)
    response = await rig.interact(payload)
    assert response.status == 200
    return (await eventually(lambda: rig.sink.to(name)))[-1]


async def test_announcement_has_buttons_and_a_click_is_counted(rig: SlackRig) -> None:
    sent = await _team_with_action(rig)
    assert set(sent) == {ANA, BOB}
    for blocks in sent.values():
        assert "we're doing this: “Quiet hours after 4pm”" in all_text(blocks)
        assert set(_buttons(blocks)) == {ids.ACTION_HELPS_ACTION, ids.ACTION_NO_HELP_ACTION}
    value = _buttons(sent[ANA])[ids.ACTION_HELPS_ACTION]
    reply = await _click(rig, ANA, ids.ACTION_HELPS_ACTION, value, "click")
    assert "noted that it helps" in all_text(reply.get("blocks") or []) and "only totals" in all_text(reply["blocks"])
    assert reply.get("replace_original") is not True  # beside the announcement: the buttons stay to change it
    reply = await _click(rig, ANA, ids.ACTION_NO_HELP_ACTION, value, "again")
    assert "doesn't help" in all_text(reply.get("blocks") or [])
    assert [f.helps for f in await rig.rows(ActionFeedback)] == [False]  # changed, not added
    assert rig.fake.violations == []


async def test_forged_or_foreign_action_ids_change_nothing(rig: SlackRig) -> None:
    sent = await _team_with_action(rig)
    value = _buttons(sent[ANA])[ids.ACTION_HELPS_ACTION]
    for n, (user, forged) in enumerate(((ADMIN, value), (ANA, "999999"), (ANA, "0"), (ANA, "-1"), (ANA, "x"),
                                        (ANA, "9" * 40), (ANA, ""))):
        reply = await _click(rig, user, ids.ACTION_HELPS_ACTION, forged, f"forged{n}")
        text = all_text(reply.get("blocks") or []) or str(reply.get("text"))
        assert "no action of a team you are in" in text or "doesn't do anything any more" in text, (forged, text)
    assert await rig.count(ActionFeedback) == 0
    assert await rig.count(TeamAction) == 1
