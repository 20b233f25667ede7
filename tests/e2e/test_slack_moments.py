"""Customer moments over real signed HTTP: /moment with and without text, the modal, outcome buttons,
the message shortcut, and escaping of what people typed when Tandem shows it again."""
from __future__ import annotations

import json

from bot.slack import ids
from storage.models import CustomerMoment
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import (
    block_actions_payload,
    message_shortcut_payload,
    plain_text_value,
    slash_command_form,
    view_submission_payload,
)

INJECTION = "Customer said <!channel> ask <@U123> about <https://evil.example|this link> & more"


async def moment_command(rig: SlackRig, text: str, hook: str = "cmd") -> dict:
    response = await rig.post(slash_command_form("/moment", text, response_url=rig.sink.url(hook)))
    assert response.status == 200 and await response.text() == ""
    return (await eventually(lambda: rig.sink.to(hook)))[-1]


async def test_moment_with_text_logs_at_once_and_offers_outcome_buttons(rig: SlackRig) -> None:
    reply = await moment_command(rig, "Renewal call went great, they loved the new dashboard")
    assert reply["response_type"] == "ephemeral"
    [moment] = await rig.rows(CustomerMoment)
    assert moment.text.startswith("Renewal call went great") and moment.outcome is None
    actions = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"]
    outcome_ids = [e["action_id"] for e in actions if e["type"] == "button"]
    assert outcome_ids == ["moment_outcome_positive", "moment_outcome_mixed", "moment_outcome_negative"]
    assert actions[0]["value"] == str(moment.id)

    payload = block_actions_payload("moment_outcome_positive", str(moment.id))
    payload["response_url"] = rig.sink.url("outcome")
    await rig.interact(payload)
    updated = (await eventually(lambda: rig.sink.to("outcome")))[0]
    assert updated["replace_original"] is True and "Outcome: *positive*" in all_text(updated["blocks"])
    [moment] = await rig.rows(CustomerMoment)
    assert moment.outcome == "positive"
    assert rig.fake.violations == []


async def test_the_word_payload_in_a_command_does_not_turn_it_into_an_interaction(rig: SlackRig) -> None:
    """Bolt's own form parser reads any body containing "payload" as interactivity and drops the command."""
    reply = await moment_command(rig, "The payload they sent us failed to validate, fixed it on the call")
    assert "Logged your customer moment" in reply["text"]
    [moment] = await rig.rows(CustomerMoment)
    assert moment.text.startswith("The payload they sent us")


async def test_moment_without_text_opens_the_modal_and_submit_logs_it(rig: SlackRig) -> None:
    await rig.post(slash_command_form("/moment", "", response_url=rig.sink.url("cmd")))
    opened = (await eventually(lambda: rig.fake.calls_to("views.open")))[0]
    view = opened.json_arg("view")
    assert view["callback_id"] == ids.MOMENT_MODAL
    assert [b["block_id"] for b in view["blocks"]] == ["text", "outcome", "touchpoint", "customer"]
    values = {
        "text": {"text": plain_text_value("Onboarding call was rough, setup failed twice")},
        "outcome": {"outcome": {"type": "static_select", "selected_option": {"value": "negative"}}},
        "touchpoint": {"touchpoint": {"type": "static_select", "selected_option": {"value": "onboarding"}}},
        "customer": {"customer": plain_text_value("ACME-42")},
    }
    response = await rig.interact(view_submission_payload(ids.MOMENT_MODAL, values,
                                                          private_metadata=view["private_metadata"]))
    assert response.status == 200 and await response.text() == ""
    [moment] = await rig.rows(CustomerMoment)
    assert (moment.outcome, moment.touchpoint, moment.customer_ref) == ("negative", "onboarding", "ACME-42")
    dm = (await eventually(lambda: rig.fake.delivered("chat.postMessage")))[0]
    assert dm.args["channel"] == "DU111" and "Logged your customer moment" in dm.args["text"]
    assert rig.fake.violations == []


async def test_moment_modal_errors_show_in_the_modal_and_store_nothing(rig: SlackRig) -> None:
    for text in ("", "y" * 40_000):
        values = {"text": {"text": plain_text_value(text)}}
        response = await rig.interact(view_submission_payload(ids.MOMENT_MODAL, values,
                                                              private_metadata=json.dumps({"link": None})))
        assert response.status == 200
        answer = await response.json()
        assert answer["response_action"] == "errors" and answer["errors"]["text"]
    assert await rig.count(CustomerMoment) == 0


async def test_message_shortcut_opens_the_modal_prefilled_with_text_and_permalink(rig: SlackRig) -> None:
    payload = message_shortcut_payload(ids.MESSAGE_SHORTCUT, "Client &lt;Big Co&gt; wants a refund",
                                       channel_id="C777", message_ts="1700000000.000100")
    response = await rig.interact(payload)
    assert response.status == 200
    opened = (await eventually(lambda: rig.fake.calls_to("views.open")))[0]
    view = opened.json_arg("view")
    assert view["blocks"][0]["element"]["initial_value"] == "Client <Big Co> wants a refund"
    link = json.loads(view["private_metadata"])["link"]
    assert link == "https://tandem-test.slack.com/archives/C777/p1700000000000100"
    values = {"text": {"text": plain_text_value(view["blocks"][0]["element"]["initial_value"])}}
    await rig.interact(view_submission_payload(ids.MOMENT_MODAL, values, private_metadata=view["private_metadata"]))
    [moment] = await rig.rows(CustomerMoment)
    assert moment.source_link == link and moment.text == "Client <Big Co> wants a refund"
    assert rig.fake.violations == []


async def test_mrkdwn_in_a_moment_never_pings_or_links_when_shown_again(rig: SlackRig) -> None:
    await moment_command(rig, INJECTION.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    [moment] = await rig.rows(CustomerMoment)
    assert moment.text == INJECTION  # stored as typed
    await rig.post(slash_command_form("/tandem", "history", response_url=rig.sink.url("history")))
    shown = all_text((await eventually(lambda: rig.sink.to("history")))[0]["blocks"])
    assert "&lt;!channel&gt;" in shown and "&lt;@U123&gt;" in shown and "&lt;https://evil" in shown
    assert "<!channel>" not in shown and "<@U123>" not in shown and "<https://" not in shown
