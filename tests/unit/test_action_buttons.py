"""The action buttons as each channel renders them: the announcement's two feedback buttons, and the digest's
"Record an action" only on a team digest (the organisation view names no one team to act for)."""
from __future__ import annotations

import json
from dataclasses import replace

from bot.slack import ids
from bot.slack import render as slack_render
from bot.teams import render as teams_render
from bot.teams.submits import submitted
from handlers import commands as c
from handlers.config import TEXT_LIMIT
from handlers.insights.figures import figures_from
from handlers.messages import ActionAnnouncement, DigestMessage
from storage.digests import WeekAggregate
from tests.support.official_schemas import adaptive_card_validator, errors
from tests.unit.test_slack_digest import limit_problems

HOSTILE = "<!channel> *Sup* <https://evil.example|x>"


def _digest(scope: str = "team") -> DigestMessage:
    report = figures_from(HOSTILE, "2026-W46", WeekAggregate(members=6, respondents=5, entries=9, mood_sum=33,
                                                             distribution={3: 3, 4: 4, 5: 2}), 5)
    return DigestMessage(report=replace(report, scope=scope) if scope != "team" else report)


def _slack_record_buttons(message: DigestMessage) -> list[dict]:
    return [b["accessory"] for b in slack_render.message_payload(message)["blocks"]
            if b.get("accessory", {}).get("action_id") == ids.ACTION_RECORD_ACTION]


def test_announcement_buttons_carry_the_action_id_on_both_channels() -> None:
    message = ActionAnnouncement(body=f"we're doing this: “{HOSTILE}”", action_id=42)
    payload = slack_render.message_payload(message)
    assert limit_problems(payload["blocks"]) == [] and "<!channel>" not in json.dumps(payload["blocks"])
    buttons = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(ids.ACTION_HELPS_ACTION, "42"),
                                                              (ids.ACTION_NO_HELP_ACTION, "42")]
    card = teams_render.card_for(message)
    assert card is not None and errors(adaptive_card_validator(), card) == []
    commands = [submitted(a["data"]).command for a in card["actions"]]  # type: ignore[union-attr]
    assert commands == [c.ActionFeedback(None, 0, True, action_id=42), c.ActionFeedback(None, 0, False, action_id=42)]


def test_record_an_action_is_on_a_team_digest_only() -> None:
    [button] = _slack_record_buttons(_digest())
    assert button["value"] == HOSTILE
    assert _slack_record_buttons(_digest("organisation")) == []
    card = teams_render.digest_card(_digest())
    [form] = [a for e in card["body"] if e["type"] == "ActionSet" for a in e["actions"]]
    value = {**form["data"], "action_text": "  Quiet hours  "}
    assert submitted(value).command == c.ActionAdd("Quiet hours", team=HOSTILE)  # type: ignore[union-attr]
    organisation = teams_render.digest_card(_digest("organisation"))
    assert not [e for e in organisation["body"] if e["type"] in ("ActionSet", "Input.Text")]


def test_the_slack_form_keeps_the_team_and_limits_the_text() -> None:
    view = slack_render.action_modal(HOSTILE, "https://hooks.slack.com/x")
    assert json.loads(view["private_metadata"]) == {"team": HOSTILE, "response_url": "https://hooks.slack.com/x"}
    [field] = [b for b in view["blocks"] if b["type"] == "input"]
    assert field["element"]["max_length"] == TEXT_LIMIT and field["block_id"] == ids.ACTION_TEXT_INPUT
    assert "<!channel>" not in json.dumps(view["blocks"])
