"""Team actions on Slack over signed HTTP with the fake Web API: the announcement leaves through the outbox as one
DM per member with "This helps" / "Doesn't help" buttons; a click is counted (only in totals); a forged or
another team's action id is answered and changes nothing."""
from __future__ import annotations

import json
from typing import Any

from bot.delivery.dispatcher import Dispatcher
from bot.slack import ids
from handlers.config import TEXT_LIMIT
from handlers.insights.figures import figures_from
from handlers.messages import DigestMessage
from handlers.ports import Recipient
from storage.digests import WeekAggregate
from storage.models import ActionFeedback, TeamAction
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import block_actions_payload, slash_command_form, view_submission_payload

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
    await _say(rig, ADMIN, "team create Sales", "sales")
    assert "recorded" in await _say(rig, ADMIN, "action add Sales Fewer meetings", "sales-action")  # Ana isn't in it
    [sales] = [a for a in await rig.rows(TeamAction) if a.text == "Fewer meetings"]
    for n, (user, forged) in enumerate(((ADMIN, value), (ANA, str(sales.id)), (ANA, "999999"), (ANA, "0"),
                                        (ANA, "-1"), (ANA, "x"),
                                        (ANA, "9" * 40), (ANA, ""))):
        reply = await _click(rig, user, ids.ACTION_HELPS_ACTION, forged, f"forged{n}")
        text = all_text(reply.get("blocks") or []) or str(reply.get("text"))
        assert "no action of a team you are in" in text or "doesn't do anything any more" in text, (forged, text)
    assert await rig.count(ActionFeedback) == 0
    assert await rig.count(TeamAction) == 2


async def _digest_button(rig: SlackRig) -> dict[str, Any]:
    """Support's digest DM'd to its manager, as the outbox sends it; the "Record an action" button on it."""
    report = figures_from("Support", "2026-W46", WeekAggregate(members=6, respondents=5, entries=9, mood_sum=33,
                                                               distribution={3: 3, 4: 4, 5: 2}), 5)
    recipient = Recipient(person_id=0, platform="slack", workspace_external_id="T111", platform_user_id=ADMIN,
                          display_name="Sam", channel_id=rig.fake.dm_channel_for(ADMIN))
    await rig.deps.messengers["slack"].send(recipient, DigestMessage(report=report))
    [posted] = rig.fake.delivered("chat.postMessage")
    [button] = [b["accessory"] for b in posted.json_arg("blocks") if b.get("accessory", {}).get("action_id")
                == ids.ACTION_RECORD_ACTION]
    assert button["value"] == "Support" and rig.fake.violations == []
    return dict(button)


async def _open_form(rig: SlackRig, user: str, value: str) -> dict[str, Any]:
    payload = block_actions_payload(ids.ACTION_RECORD_ACTION, value, user_id=user, trigger_id="13345224609.1",
                                    channel_id=rig.fake.dm_channel_for(user))
    payload["response_url"] = rig.sink.url(f"digest{user}")
    assert (await rig.interact(payload)).status == 200
    [opened] = await eventually(lambda: rig.fake.delivered("views.open"))
    view = opened.json_arg("view")
    assert view["callback_id"] == ids.ACTION_MODAL
    return dict(view)


async def _submit(rig: SlackRig, user: str, view: dict[str, Any], text: str) -> str:
    values = {ids.ACTION_TEXT_INPUT: {ids.ACTION_TEXT_INPUT: {"type": "plain_text_input", "value": text}}}
    response = await rig.interact(view_submission_payload(ids.ACTION_MODAL, values, user_id=user,
                                                          private_metadata=view["private_metadata"]))
    assert response.status == 200
    return await response.text()


async def test_digest_button_opens_a_form_whose_submit_records_and_announces_the_action(rig: SlackRig) -> None:
    await _team_with_action(rig)  # action 1 exists; its announcements already sent
    rig.fake.reset()
    view = await _open_form(rig, ADMIN, (await _digest_button(rig))["value"])
    assert "errors" not in await _submit(rig, ADMIN, view, "Fewer meetings on Fridays")
    actions = await rig.rows(TeamAction)
    assert sorted((a.number, a.text) for a in actions) == [(1, "Quiet hours after 4pm"),
                                                           (2, "Fewer meetings on Fridays")]
    confirmed = await eventually(lambda: [c for c in rig.fake.delivered("chat.postMessage")
                                          if "Action 2 recorded" in all_text(c.json_arg("blocks") or [])])
    assert confirmed
    rig.fake.reset()
    await Dispatcher(rig.deps).drain()
    told = {call.args["channel"] for call in rig.fake.delivered("chat.postMessage")}
    assert told == {rig.fake.dm_channel_for(ANA), rig.fake.dm_channel_for(BOB)}


async def test_form_refusals_show_beside_the_field_and_store_nothing(rig: SlackRig) -> None:
    await _team_with_action(rig)
    view = await _open_form(rig, ADMIN, "Support")
    for user, text, expected in ((ADMIN, "", "Say what the team will do"),
                                 (ADMIN, "x" * (TEXT_LIMIT + 1), "can be up to"),
                                 (ANA, "Sneaky action", "managers")):
        body = json.loads(await _submit(rig, user, view, text))
        assert body["response_action"] == "errors" and expected in body["errors"][ids.ACTION_TEXT_INPUT], body
    forged = dict(view, private_metadata=json.dumps({"team": "Nowhere"}))
    body = json.loads(await _submit(rig, ADMIN, forged, "Something"))
    assert "no team called “Nowhere”" in body["errors"][ids.ACTION_TEXT_INPUT], body
    body = json.loads(await _submit(rig, ADMIN, dict(view, private_metadata="{"), "Something"))
    assert "lost track" in body["errors"][ids.ACTION_TEXT_INPUT]
    assert await rig.count(TeamAction) == 1
