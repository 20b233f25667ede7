"""Every Adaptive Card Tandem sends validates against the Adaptive Card 1.5 element set Teams supports for bots.

No network and no vendored schema: the validator below encodes the documented 1.5 rules for the elements
Tandem uses (type names, required and allowed properties, enum values) and fails on anything else.
"""
from __future__ import annotations

import base64
import io
import json
from datetime import date
from typing import Any

import pytest
from PIL import Image

from bot.teams.render import CARD_SCHEMA, card_for, render
from handlers.insights.report import MomentFigures, MoodFigures, TeamDigest, WeekPoint
from handlers.command_table import Role, help_for_role
from handlers.messages import (
    MOOD_CHOICES,
    Confirm,
    DigestMessage,
    Export,
    MomentForm,
    MomentLogged,
    MoodPrompt,
    MoodRecorded,
    Text,
)

COMMON_ELEMENT = {"type", "id", "isVisible", "separator", "spacing", "height", "fallback", "requires"}
SPACING = {"default", "none", "small", "medium", "large", "extralarge", "padding"}
ELEMENTS: dict[str, tuple[set[str], set[str]]] = {  # type -> (required, allowed besides COMMON_ELEMENT)
    "TextBlock": ({"text"}, {"text", "color", "fontType", "horizontalAlignment", "isSubtle", "maxLines", "size",
                            "weight", "wrap", "style"}),
    "FactSet": ({"facts"}, {"facts"}),
    "Image": ({"url"}, {"url", "altText", "backgroundColor", "horizontalAlignment", "selectAction", "size", "style",
                        "width"}),
    "ActionSet": ({"actions"}, {"actions"}),
    "Input.Text": ({"id"}, {"isMultiline", "maxLength", "placeholder", "style", "value", "inlineAction", "regex",
                           "label", "isRequired", "errorMessage"}),
    "Input.ChoiceSet": ({"id"}, {"choices", "isMultiSelect", "style", "value", "placeholder", "wrap", "label",
                                "isRequired", "errorMessage"}),
}
ACTIONS = {"Action.Submit": {"type", "title", "data", "associatedInputs", "iconUrl", "id", "style", "fallback",
                             "tooltip", "isEnabled", "mode", "requires"}}
CARD_KEYS = {"type", "version", "refresh", "authentication", "body", "actions", "selectAction", "fallbackText",
             "backgroundImage", "minHeight", "rtl", "speak", "lang", "verticalContentAlignment", "$schema"}
ENUMS = {"size": {"default", "small", "medium", "large", "extralarge"}, "weight": {"default", "lighter", "bolder"},
         "spacing": SPACING, "style": {"default", "positive", "destructive", "compact", "expanded", "filtered",
                                       "text", "tel", "url", "email", "person"}}


def problems(card: dict[str, Any]) -> list[str]:
    found: list[str] = []
    if card.get("type") != "AdaptiveCard":
        found.append("top-level type must be AdaptiveCard")
    if card.get("version") != "1.5":
        found.append(f"version must be 1.5, got {card.get('version')!r}")
    if card.get("$schema") != "http://adaptivecards.io/schemas/adaptive-card.json":
        found.append("missing $schema")
    found += [f"unknown card property {key}" for key in set(card) - CARD_KEYS]
    ids: list[str] = []
    for element in card.get("body", []):
        found += _element(element, ids)
    for action in card.get("actions", []):
        found += _action(action)
    found += [f"duplicate input id {i}" for i in {i for i in ids if ids.count(i) > 1}]
    return found


def _enums(where: str, element: dict[str, Any]) -> list[str]:
    return [f"{where}: {key}={element[key]!r} not allowed" for key, allowed in ENUMS.items()
            if key in element and str(element[key]).lower() not in allowed]


def _element(element: dict[str, Any], ids: list[str]) -> list[str]:
    kind = element.get("type")
    if kind not in ELEMENTS:
        return [f"element type {kind!r} is not one Tandem may use"]
    required, allowed = ELEMENTS[kind]
    found = [f"{kind} lacks {key}" for key in required if not element.get(key)]
    found += [f"{kind} has unknown property {key}" for key in set(element) - allowed - COMMON_ELEMENT]
    found += _enums(kind, element)
    if kind.startswith("Input.") and element.get("id"):
        ids.append(element["id"])
    if kind == "FactSet":
        found += [f"fact {fact} needs string title and value" for fact in element["facts"]
                  if set(fact) != {"title", "value"} or not all(isinstance(v, str) for v in fact.values())]
    if kind == "Input.ChoiceSet":
        found += [f"choice {c} needs title and value" for c in element.get("choices", [])
                  if set(c) != {"title", "value"}]
    if kind == "Input.Text" and "maxLength" in element and not isinstance(element["maxLength"], int):
        found.append("maxLength must be a number")
    if kind == "Image" and not str(element.get("altText", "")).strip():
        found.append("Image needs altText (accessibility)")
    if kind == "ActionSet":
        found += [p for action in element["actions"] for p in _action(action)]
    return found


def _action(action: dict[str, Any]) -> list[str]:
    kind = action.get("type")
    if kind not in ACTIONS:
        return [f"action type {kind!r} is not one Tandem may use"]
    found = [f"{kind} has unknown property {key}" for key in set(action) - ACTIONS[kind]]
    if not action.get("title"):
        found.append(f"{kind} needs a title (Teams shows an empty button otherwise)")
    data = action.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("tandem"), str):
        found.append(f"{kind} data must carry the tandem routing key")
    return found + _enums(kind, action)


def _png(width: int = 600, height: int = 400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def _digest(**changes: Any) -> TeamDigest:
    base = dict(team="Support", iso_week="2026-W47", week_start=date(2026, 11, 16), week_end=date(2026, 11, 22),
                members=7, respondents=6, participation=0.857, min_group=5,
                mood=MoodFigures(mean=3.83, distribution={2: 1, 3: 1, 4: 3, 5: 1}, note_count=5, note_sentiment=0.21),
                moments=MomentFigures(logged=9, share_positive=0.556, share_negative=0.222, mean_sentiment=0.18,
                                      quality_index=64.0),
                notices=("Notes were written by fewer than 5 people.",),
                history=tuple(WeekPoint(f"2026-W{35 + i}", 3.5, 60.0, 0.8) for i in range(12)))
    return TeamDigest(**(base | changes))


MESSAGES = {
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
}


@pytest.mark.parametrize("name", list(MESSAGES))
def test_each_card_is_valid_adaptive_card_1_5_and_fits_a_teams_message(name: str) -> None:
    card = card_for(MESSAGES[name])
    assert card is not None
    assert problems(card) == []
    [activity] = render(MESSAGES[name])
    assert activity.attachments[0].content_type == "application/vnd.microsoft.card.adaptive"
    assert len(json.dumps(activity.serialize())) < 28_000


def test_the_validator_catches_what_teams_would_reject() -> None:
    bad = {"type": "AdaptiveCard", "version": "1.6", "$schema": CARD_SCHEMA, "colour": "red",
           "body": [{"type": "Input.Text"}, {"type": "Image", "url": "x"}, {"type": "Carousel"},
                    {"type": "TextBlock", "text": "x", "size": "Huge"}],
           "actions": [{"type": "Action.Submit", "data": {}}, {"type": "Action.Execute", "title": "go"}]}
    found = problems(bad)
    for expected in ("version must be 1.5", "unknown card property colour", "Input.Text lacks id",
                     "Image needs altText", "'Carousel'", "size='Huge'", "needs a title", "routing key",
                     "'Action.Execute'"):
        assert any(expected in p for p in found), (expected, found)


def test_checkin_card_has_five_mood_buttons_that_route_back_to_the_prompt() -> None:
    card = card_for(MESSAGES["checkin"])
    assert [a["data"] for a in card["actions"]] == [
        {"tandem": "mood", "prompt_id": 7, "score": s} for s in (1, 2, 3, 4, 5)]
    assert [a["title"] for a in card["actions"]] == [f"{c.emoji} {c.label}" for c in MOOD_CHOICES]


def test_recorded_card_shows_the_choice_and_offers_a_note_field() -> None:
    card = card_for(MESSAGES["recorded"])
    assert "🙂 Good" in card["body"][0]["text"]
    [note] = [e for e in card["body"] if e["type"] == "Input.Text"]
    assert note["id"] == "note" and note["isMultiline"] and note["maxLength"] == 3000
    assert card["actions"] == [{"type": "Action.Submit", "title": "Save note",
                                "data": {"tandem": "note", "prompt_id": 7}}]


def test_moment_form_has_text_outcome_touchpoint_and_optional_customer() -> None:
    card = card_for(MESSAGES["moment-form"])
    inputs = {e["id"]: e for e in card["body"] if e["type"].startswith("Input.")}
    assert set(inputs) == {"text", "outcome", "touchpoint", "customer"}
    assert inputs["text"]["isMultiline"] and inputs["text"]["value"] == "prefilled"
    assert [c["value"] for c in inputs["outcome"]["choices"]] == ["positive", "mixed", "negative"]
    assert [c["value"] for c in inputs["touchpoint"]["choices"]] == ["sales", "support"]
    assert not inputs["customer"].get("isRequired")
    assert card["actions"][0]["data"] == {"tandem": "moment", "source_link": "https://x.example/1"}


def test_digest_card_shows_the_figures_and_the_chart_with_alt_text() -> None:
    card = card_for(MESSAGES["digest"])
    facts = {f["title"]: f["value"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]}
    assert facts["Participation"] == "6 of 7 (86%)" and facts["Mood"] == "3.83 / 5"
    assert facts["4 🙂 Good"] == "3" and facts["Logged"] == "9" and facts["Quality index"] == "64 / 100"
    [image] = [e for e in card["body"] if e["type"] == "Image"]
    assert image["altText"] == "Mood over 12 weeks, rising"
    png = base64.b64decode(image["url"].removeprefix("data:image/png;base64,"))
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_suppressed_digest_shows_no_mood_figures() -> None:
    card = card_for(MESSAGES["digest-suppressed"])
    titles = [f["title"] for e in card["body"] if e["type"] == "FactSet" for f in e["facts"]]
    assert "Mood" not in titles and "Participation" not in titles


def test_plain_text_and_exports_are_markdown_messages_split_to_fit() -> None:
    [text] = render(Text("Hello **there**"))
    assert text.text == "Hello **there**" and text.text_format == "markdown" and not text.attachments
    content = json.dumps({"entries": ["x" * 100] * 500})
    parts = render(Export(filename="tandem-export.json", content=content, summary="Your data"))
    assert len(parts) == 4 and "3 parts" in parts[0].text
    assert "".join(p.text.removeprefix("```\n").removesuffix("\n```") for p in parts[1:]) == content
