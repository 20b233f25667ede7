"""Every Adaptive Card Tandem sends validates against the official Adaptive Card 1.5 schema (the version Teams
supports for bots), plus the Teams rules the schema cannot express, and fits a Teams message.
"""
from __future__ import annotations

import base64
import io
import json
from datetime import date
from typing import Any

import pytest
from PIL import Image

from bot.teams.render import (
    CARD_SCHEMA,
    MAX_MESSAGE_BYTES,
    ORDINARY_REPLY_BYTES,
    card_for,
    render,
)
from handlers.command_table import Role, help_for_role
from handlers.insights import privacy
from handlers.insights.chart import render_chart
from handlers.insights.report import (
    MomentFigures,
    MoodFigures,
    TeamDigest,
    TouchpointCount,
    WeekPoint,
)
from handlers.messages import (
    MOOD_CHOICES,
    ActionAnnouncement,
    Confirm,
    DigestMessage,
    Export,
    Message,
    MomentForm,
    MomentLogged,
    MoodPrompt,
    MoodRecorded,
    Text,
)
from tests.support.digest_samples import full_digest
from tests.support.official_schemas import adaptive_card_validator, errors

ACTIONS_TEAMS_ROUTES = {"Action.Submit"}  # Action.Execute needs Universal Actions, which Tandem does not answer


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every object in the card (elements, inlines, actions, facts)."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _walk(value)
    elif isinstance(node, list):
        for value in node:
            found += _walk(value)
    return found


def teams_rules(card: dict[str, Any]) -> list[str]:
    """What Teams needs beyond the schema: version 1.5, routable buttons, alt text, unique input ids."""
    found: list[str] = []
    if card.get("version") != "1.5":
        found.append(f"version must be 1.5, got {card.get('version')!r}")
    if card.get("$schema") != CARD_SCHEMA:
        found.append("missing $schema")
    ids: list[str] = []
    for node in _walk(card):
        kind = str(node.get("type", ""))
        if kind.startswith("Action."):
            if kind not in ACTIONS_TEAMS_ROUTES:
                found.append(f"action type {kind!r} is not one Tandem answers")
            if not node.get("title"):
                found.append(f"{kind} needs a title (Teams shows an empty button otherwise)")
            data = node.get("data")
            if not isinstance(data, dict) or not isinstance(data.get("tandem"), str):
                found.append(f"{kind} data must carry the tandem routing key")
        if kind == "Image" and not str(node.get("altText", "")).strip():
            found.append("Image needs altText (accessibility)")
        if kind.startswith("Input.") and node.get("id"):
            ids.append(node["id"])
    found += [f"duplicate input id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    return found


def problems(card: dict[str, Any]) -> list[str]:
    return errors(adaptive_card_validator(), card) + teams_rules(card)


def _png(width: int = 600, height: int = 400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def _card(message: Message) -> dict[str, Any]:
    """The message's card: these messages are all sent as cards."""
    card = card_for(message)
    assert card is not None, message
    return card


def _digest(**changes: Any) -> TeamDigest:
    base: dict[str, Any] = {"team": "Support", "iso_week": "2026-W47", "week_start": date(2026, 11, 16),
                "week_end": date(2026, 11, 22), "members": 7, "respondents": 6, "participation": 0.857, "min_group": 5,
                "mood": MoodFigures(mean=3.83, distribution={2: 1, 3: 1, 4: 3, 5: 1}, note_count=5,
                                    note_sentiment=0.21),
                "moments": MomentFigures(logged=9, share_positive=0.556, share_negative=0.222, mean_sentiment=0.18,
                                      quality_index=64.0),
                "notices": ("Notes were written by fewer than 5 people.",),
                "history": tuple(WeekPoint(f"2026-W{35 + i}", 3.5, 60.0, 0.8) for i in range(12))}
    return TeamDigest(**(base | changes))


MESSAGES: dict[str, Message] = {
    "checkin": MoodPrompt(prompt_id=7, question="How are you feeling about work today?"),
    "reminder": MoodPrompt(prompt_id=7, question="A gentle reminder", reminder=True),
    "recorded": MoodRecorded(prompt_id=7, choice=MOOD_CHOICES[3], changed=False, has_note=False),
    "changed": MoodRecorded(prompt_id=7, choice=MOOD_CHOICES[0], changed=True, has_note=True),
    "moment-form": MomentForm(touchpoints=("sales", "support"), text="prefilled", source_link="https://x.example/1"),
    "moment-logged": MomentLogged(moment_id=3, outcome=None, touchpoint=None, sentiment_label="positive",
                                  touchpoints=("sales", "support")),
    "moment-half": MomentLogged(moment_id=3, outcome="positive", touchpoint=None, sentiment_label="positive",
                                touchpoints=("sales", "support")),
    "moment-done": MomentLogged(moment_id=3, outcome="positive", touchpoint="sales", sentiment_label="positive",
                                touchpoints=("sales", "support")),
    "help-admin": help_for_role(Role.ADMIN),
    "help-employee": help_for_role(Role.EMPLOYEE),
    "confirm": Confirm(question="Delete everything?", confirm_command="/tandem forget-me confirm"),
    "digest": DigestMessage(report=_digest(), chart_png=_png(), chart_alt="Mood over 12 weeks, rising"),
    "digest-no-chart": DigestMessage(report=_digest()),
    "digest-suppressed": DigestMessage(report=_digest(mood=None, respondents=0, participation=None)),
    "action-announcement": ActionAnnouncement(body="You said how work is going in Support — we're doing this: "
                                                   "“**Quiet** hours”.", action_id=7),
}


@pytest.mark.parametrize("name", list(MESSAGES))
def test_each_card_is_valid_adaptive_card_1_5_and_fits_a_teams_message(name: str) -> None:
    card = card_for(MESSAGES[name])
    assert card is not None
    assert problems(card) == []
    [activity] = render(MESSAGES[name])
    assert activity.attachments[0].content_type == "application/vnd.microsoft.card.adaptive"
    assert len(json.dumps(activity.serialize())) < ORDINARY_REPLY_BYTES


def test_the_validator_catches_what_teams_would_reject() -> None:
    bad = {"type": "AdaptiveCard", "version": "1.6", "$schema": CARD_SCHEMA, "colour": "red",
           "body": [{"type": "Input.Text"}, {"type": "Image", "url": "x"}, {"type": "Carousel"},
                    {"type": "TextBlock", "text": "x", "weight": "extraBolder"}],
           "actions": [{"type": "Action.Submit", "data": {}}, {"type": "Action.Execute", "title": "go"}]}
    found = problems(bad)
    assert any("'colour' was unexpected" in p for p in found), found
    assert any("extraBolder" in p for p in found), found  # the schema's enum patterns, anchored
    for expected in ("version must be 1.5", "Image needs altText", "needs a title", "routing key",
                     "'Action.Execute'"):
        assert any(expected in p for p in found), (expected, found)
    clean = {"type": "AdaptiveCard", "version": "1.5", "$schema": CARD_SCHEMA}
    for element in ({"type": "Input.Text"}, {"type": "Carousel"}, {"type": "TextBlock", "text": "x", "size": "Huge"},
                    {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": "x", "bold": True}]}):
        assert errors(adaptive_card_validator(), clean | {"body": [element]}), element


def test_checkin_card_has_five_mood_buttons_that_route_back_to_the_prompt() -> None:
    card = _card(MESSAGES["checkin"])
    assert [a["data"] for a in card["actions"]] == [
        {"tandem": "mood", "prompt_id": 7, "score": s} for s in (1, 2, 3, 4, 5)]
    assert [a["title"] for a in card["actions"]] == [f"{c.emoji} {c.label}" for c in MOOD_CHOICES]


def test_recorded_card_shows_the_choice_and_offers_a_note_field() -> None:
    card = _card(MESSAGES["recorded"])
    assert "🙂 Good" in card["body"][0]["text"]
    [note] = [e for e in card["body"] if e["type"] == "Input.Text"]
    assert note["id"] == "note" and note["isMultiline"] and note["maxLength"] == 3000
    assert card["actions"] == [{"type": "Action.Submit", "title": "Save note",
                                "data": {"tandem": "note", "prompt_id": 7}}]


def test_moment_form_has_text_outcome_touchpoint_and_optional_customer() -> None:
    card = _card(MESSAGES["moment-form"])
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert set(inputs) == {"text", "outcome", "touchpoint", "customer"}
    assert inputs["text"]["isMultiline"] and inputs["text"]["value"] == "prefilled"
    assert [c["value"] for c in inputs["outcome"]["choices"]] == ["positive", "mixed", "negative"]
    assert [c["value"] for c in inputs["touchpoint"]["choices"]] == ["sales", "support"]
    assert not inputs["customer"].get("isRequired")
    assert card["actions"][0]["data"] == {"tandem": "moment", "source_link": "https://x.example/1"}


def _facts(card: dict[str, Any]) -> dict[str, str]:
    return {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}


def _literal_texts(card: dict[str, Any]) -> list[str]:
    return ["".join(run["text"] for run in e["inlines"]) for e in card["body"] if e["type"] == "RichTextBlock"]


def test_digest_card_shows_the_figures_and_the_chart_with_alt_text() -> None:
    card = _card(MESSAGES["digest"])
    facts = _facts(card)
    assert facts["Answered"] == "6 of 7 (86%)" and facts["Mood"] == "3.83 / 5"
    assert facts["🙂 Good"] == "3" and facts["Moments"] == "9 logged" and facts["Quality index"] == "64 / 100"
    [image] = [e for e in card["body"] if e["type"] == "Image"]
    assert image["altText"] == "Mood over 12 weeks, rising"
    png = base64.b64decode(image["url"].removeprefix("data:image/png;base64,"))
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_suppressed_digest_shows_no_mood_figures() -> None:
    card = _card(MESSAGES["digest-suppressed"])
    facts = _facts(card)
    assert "Mood" not in facts and facts["Answered"] == "too few answers to show (7 members)"


HOSTILE = "**Support** [x](http://evil) <at>Ana</at> _x_"


def test_user_text_in_cards_is_shown_literally_never_as_markdown() -> None:
    """Team names, quotes (moments), touchpoints and questions naming people sit in TextRuns, which Teams
    never reads as markdown; no TextBlock or fact (both markdown) carries them."""
    quote = privacy.Quote(f"they said {HOSTILE}", "negative")
    report = _digest(team=HOSTILE, moments=MomentFigures(
        logged=9, share_positive=0.5, share_negative=0.2, mean_sentiment=0.1, quality_index=60.0,
        top_touchpoints=(TouchpointCount("**billing**", 4),), excerpts=(quote,)))
    cards = [_card(DigestMessage(report=report)),
             _card(Confirm(question=f"Remove {HOSTILE} from the team?", confirm_command="/tandem x"))]
    for card in cards:
        assert problems(card) == []
        markdown = [e["text"] for e in card["body"] if e["type"] == "TextBlock"]
        markdown += [v for f in _facts(card).items() for v in f]
        assert not any("**" in text or "](" in text or "<at>" in text for text in markdown), markdown
    literal = "\n".join(_literal_texts(cards[0]))
    assert HOSTILE in literal and "“they said " + HOSTILE + "”" in literal and "**billing** (4)" in literal
    assert HOSTILE in "".join(_literal_texts(cards[1]))


def test_plain_text_and_exports_are_markdown_messages_split_to_fit() -> None:
    [text] = render(Text("Hello **there**"))
    assert text.text == "Hello **there**" and text.text_format == "markdown" and not text.attachments
    content = json.dumps({"entries": ["x" * 100] * 500}, indent=1)
    parts = render(Export(filename="tandem-export.json", content=content, summary="Your data"))
    assert len(parts) == 3 and "2 parts" in parts[0].text
    assert "".join(p.text.removeprefix("```\n").removesuffix("\n```") for p in parts[1:]) == content


@pytest.mark.parametrize("body", ["ä😀" * 60_000, "line of a long status report\n" * 20_000, "x" * 250_000])
def test_long_texts_are_split_into_ordinary_sized_replies(body: str) -> None:
    for message in (Text(body), Export(filename="tandem-export.json", content=body, summary="Your data")):
        activities = render(message)
        sizes = [len(json.dumps(a.serialize())) for a in activities]
        assert len(activities) > 1 and max(sizes) < ORDINARY_REPLY_BYTES < MAX_MESSAGE_BYTES, sizes
        texts = [a.text for a in activities]
        joined = "".join(texts) if isinstance(message, Text) else "".join(
            t.removeprefix("```\n").removesuffix("\n```") for t in texts[1:])
        assert joined == body


def test_a_digest_with_a_real_chart_stays_an_ordinary_sized_reply() -> None:
    report = full_digest(team=HOSTILE)
    png, alt = render_chart(report)
    [activity] = render(DigestMessage(report=report, chart_png=png, chart_alt=alt))
    card = activity.attachments[0].content
    assert problems(card) == [] and any(e["type"] == "Image" for e in card["body"])
    assert len(json.dumps(activity.serialize())) < ORDINARY_REPLY_BYTES


def test_moment_details_are_shown_literally() -> None:
    card = _card(MomentLogged(moment_id=3, outcome="positive", touchpoint="**billing**", sentiment_label="positive",
                                 touchpoints=("**billing**",)))
    assert problems(card) == [] and "Touchpoint: **billing**" in "".join(_literal_texts(card))
