"""The Slack digest and App Home summary: headline first, Block Kit inside Slack's limits, user text inert
in blocks and in the notification `text` of every message."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.slack import limits
from bot.slack.render import home_view, message_payload
from handlers.command_table import Role, help_for_role
from handlers.home import HomePage, TeamSummary
from handlers.insights import privacy
from handlers.insights.report import TeamDigest
from handlers.messages import (
    ActionAnnouncement,
    Confirm,
    DigestMessage,
    Export,
    Help,
    Message,
    MoodPrompt,
    Text,
)
from tests.support.digest_samples import full_digest, suppressed_digest

HOSTILE = "<!channel> **Support** <https://evil.example|click> & <@U1>"


def limit_problems(blocks: list[dict[str, Any]], max_blocks: int = limits.MESSAGE_BLOCKS) -> list[str]:
    """Each Block Kit limit Tandem's blocks could hit, from bot/slack/limits.py."""
    found = [f"{len(blocks)} blocks"] if len(blocks) > max_blocks else []
    for i, block in enumerate(blocks):
        text = block.get("text", {}).get("text", "")
        limit = limits.HEADER_TEXT if block["type"] == "header" else limits.SECTION_TEXT
        if len(text) > limit:
            found.append(f"block {i}: text of {len(text)}")
        fields = block.get("fields", [])
        if len(fields) > limits.SECTION_FIELDS or any(len(f["text"]) > limits.FIELD_TEXT for f in fields):
            found.append(f"block {i}: fields")
        elements = block.get("elements", []) if block["type"] == "context" else []
        if len(elements) > limits.CONTEXT_ELEMENTS or any(len(e.get("text", "")) > limits.SECTION_TEXT
                                                          for e in elements):
            found.append(f"block {i}: context elements")
    return found


def mrkdwn_texts(payload: dict[str, Any]) -> list[str]:
    """Every mrkdwn string of a payload (plain_text is never parsed for mentions or links)."""
    out = [payload["text"]]
    for block in payload["blocks"]:
        parts = [block.get("text", {}), *block.get("fields", []), *block.get("elements", [])]
        out += [p["text"] for p in parts if isinstance(p, dict) and p.get("type") == "mrkdwn"]
    return out


def hostile_digest() -> DigestMessage:
    report = full_digest(team=HOSTILE)
    moments = replace(report.moments, excerpts=(privacy.Quote(f"they wrote {HOSTILE}", "negative"),))
    return DigestMessage(report=replace(report, moments=moments, notices=(f"About {HOSTILE}",) * 25),
                         chart_png=b"png", chart_alt="chart")


def test_the_digest_leads_with_a_header_and_its_headline_then_sections() -> None:
    blocks = message_payload(DigestMessage(report=full_digest(), chart_png=b"png"))["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "📊 Support · 2026-W46",
                                                    "emoji": True}}
    headline = blocks[1]["text"]["text"]
    assert headline.startswith("*Mood 3.70 / 5 (→ steady +0.02) · customer quality 64 / 100")
    kinds = [b["type"] for b in blocks]
    assert kinds.count("divider") >= 5 and sum(1 for b in blocks if b.get("fields")) == 4  # + ratings, themes
    assert limit_problems(blocks) == []


@pytest.mark.parametrize("report", [full_digest(), suppressed_digest()], ids=["full", "suppressed"])
def test_the_notification_text_reads_as_one_line(report: TeamDigest) -> None:
    text = message_payload(DigestMessage(report=report))["text"]
    assert text.startswith("Weekly digest — Support, 2026-W46: Mood") and "\n" not in text
    assert ("quality 64 / 100" in text) == (report.moments.quality_index is not None)


def test_user_text_in_a_digest_is_inert_and_many_notices_stay_within_the_limits() -> None:
    payload = message_payload(hostile_digest())
    assert limit_problems(payload["blocks"]) == []
    texts = mrkdwn_texts(payload)
    assert not any("<" in text or ">" in text.replace("\n> ", "\n").removeprefix("> ") for text in texts)
    joined = "\n".join(texts)
    assert "&lt;!channel&gt;" in joined and "“they wrote &lt;!channel&gt;" in joined
    assert sum(len(b["elements"]) for b in payload["blocks"] if b["type"] == "context") >= 25


@pytest.mark.parametrize("message", [
    MoodPrompt(prompt_id=1, question=f"How was today, {HOSTILE}?"),
    Help(title=f"Help for {HOSTILE}", sections=(("x", ("y",)),)),
    Confirm(question=f"Remove {HOSTILE} from Support?", confirm_command="/tandem team remove"),
    Text(body=f"Team {HOSTILE} created"),
    ActionAnnouncement(body=f"We're doing this: “{HOSTILE}”", action_id=7),
    Export(filename="tandem-export.json", content="{}", summary=f"Data of {HOSTILE}"),
    hostile_digest(),
    help_for_role(Role.ADMIN),
], ids=lambda m: type(m).__name__)
def test_every_notification_text_is_escaped(message: Message) -> None:
    payload = message_payload(message)
    assert "<" not in payload["text"] and ">" not in payload["text"]
    assert len(payload["text"]) <= limits.FALLBACK_TEXT and limit_problems(payload["blocks"]) == []


def test_app_home_digest_summary_uses_the_headline_and_escapes_the_team() -> None:
    page = HomePage(display_name="Mia", weeks=(), moments=(), paused_until=None, managed=(
        TeamSummary(HOSTILE, "2026-W46", full_digest().to_json()),
        TeamSummary("Small", "2026-W46", suppressed_digest().to_json())))
    view = home_view(page)
    texts = [b["text"]["text"] for b in view["blocks"] if b["type"] == "section"]
    [hostile] = [t for t in texts if "2026-W46" in t and "Mood 3.70" in t]
    assert hostile.startswith("*&lt;!channel&gt; **Support** &lt;https://evil.example|click&gt;")
    assert "Mood 3.70 / 5 (→ steady +0.02) · customer quality 64 / 100" in hostile
    assert any("Mood not shown (too few answers)" in t for t in texts)
    assert limit_problems(view["blocks"], limits.HOME_BLOCKS) == []


def test_app_home_shows_admins_the_synced_teams_escaped() -> None:
    synced = HomePage(display_name="Ada", weeks=(), moments=(), paused_until=None, schedule="Check-ins Mon–Fri",
                      synced=("Support ← @support-team (Slack user group): 48 member(s); synced 5 min ago, +3 −1",
                              f"{HOSTILE} ← #ops (Slack channel): 2 member(s); first sync pending"))
    texts = [b["text"]["text"] for b in home_view(synced)["blocks"] if b["type"] == "section"]
    [listing] = [t for t in texts if "Support ←" in t]
    assert "+3 −1" in listing and "&lt;!channel&gt;" in listing and "<!channel>" not in listing
    nothing = HomePage(display_name="Ada", weeks=(), moments=(), paused_until=None, schedule="Check-ins Mon–Fri")
    contexts = [e["text"] for b in home_view(nothing)["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert any("/tandem team sync TEAM @user-group" in t for t in contexts)
    employee = HomePage(display_name="Bo", weeks=(), moments=(), paused_until=None)
    assert not any("Synced teams" in str(b) for b in home_view(employee)["blocks"])
