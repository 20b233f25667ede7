"""Platform-neutral messages as Teams activities: Adaptive Cards 1.5 (the version Teams supports for bots)
for anything with buttons or inputs, markdown text for the rest.

Card submits carry `{"tandem": <kind>, ...}` in their data so bot.py can route them back to handlers.
"""
from __future__ import annotations

import base64
import io
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, TextFormatTypes

from handlers.config import TEXT_LIMIT
from handlers.messages import (
    MOOD_CHOICES,
    Confirm,
    DigestMessage,
    Export,
    Help,
    Message,
    MomentForm,
    MomentLogged,
    MoodPrompt,
    MoodRecorded,
    Text,
)

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
NOTE_INPUT = "note"

MAX_CUSTOMER_LENGTH = 200
# Teams refuses bot messages over about 28 KB (413 MessageSizeTooBig); keep room for the rest of the card.
MAX_INLINE_CHART = 20_000
MAX_TEXT_CHUNK = 20_000


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None,
         fallback: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION, "body": body}
    if actions:
        out["actions"] = actions
    if fallback:
        out["fallbackText"] = fallback
    return out


def text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def submit(title: str, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data, **extra}


def facts(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": title, "value": value} for title, value in pairs]}


def choice_set(input_id: str, label: str, options: tuple[str, ...], value: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "Input.ChoiceSet", "id": input_id, "label": label, "style": "compact",
                               "isRequired": False,
                               "choices": [{"title": option.capitalize(), "value": option} for option in options]}
    if value:
        element["value"] = value
    return element


# ---------------------------------------------------------------------------------------- cards


def checkin_card(message: MoodPrompt) -> dict[str, Any]:
    """The question with five one-click mood buttons."""
    body = [text_block("Reminder", size="Small", isSubtle=True)] if message.reminder else []
    body.append(text_block(message.question, weight="Bolder", size="Medium"))
    actions = [submit(f"{c.emoji} {c.label}", {"tandem": "mood", "prompt_id": message.prompt_id, "score": c.score})
               for c in message.choices]
    menu = ", ".join(f"{c.score} {c.label}" for c in message.choices)
    return card(body, actions, fallback=f"{message.question} Reply `mood N` ({menu}).")


def mood_recorded_card(message: MoodRecorded) -> dict[str, Any]:
    """The check-in card after a click: shows the choice and offers a note."""
    verb = "Changed to" if message.changed else "Recorded"
    choice = message.choice
    ask = "Want to change your note?" if message.has_note else "Add a note? (optional)"
    body = [
        text_block(f"{verb}: {choice.emoji} {choice.label}. Thanks!", weight="Bolder"),
        text_block(f"{ask} Notes only ever count in team-wide figures, never with your name. "
                   "To change your mood, type `mood 1` to `mood 5`.", isSubtle=True),
        {"type": "Input.Text", "id": NOTE_INPUT, "label": "Note", "isMultiline": True,
         "maxLength": TEXT_LIMIT, "placeholder": "What's behind it?", "isRequired": True,
         "errorMessage": "Write a note first, or just leave it."},
    ]
    return card(body, [submit("Save note", {"tandem": "note", "prompt_id": message.prompt_id})],
                fallback=f"{verb}: {choice.label}. Type `note <text>` to add a note.")


def moment_form_card(message: MomentForm) -> dict[str, Any]:
    """Log a customer moment: what happened, optional outcome, touchpoint and customer."""
    text_input: dict[str, Any] = {
        "type": "Input.Text", "id": "text", "label": "What happened with the customer?", "isMultiline": True,
        "maxLength": message.max_length, "isRequired": True, "errorMessage": "Describe the moment first."}
    if message.text:
        text_input["value"] = message.text
    body = [
        text_block("Log a customer moment", weight="Bolder", size="Medium"),
        text_input,
        choice_set("outcome", "Outcome (optional)", message.outcomes),
        choice_set("touchpoint", "Touchpoint (optional)", message.touchpoints),
        {"type": "Input.Text", "id": "customer", "label": "Customer (optional)", "maxLength": MAX_CUSTOMER_LENGTH},
    ]
    data: dict[str, Any] = {"tandem": "moment"}
    if message.source_link:
        data["source_link"] = message.source_link
    return card(body, [submit("Log moment", data, style="positive")],
                fallback="Type `moment <what happened>` to log a customer moment.")


def moment_logged_card(message: MomentLogged) -> dict[str, Any]:
    """Confirms a moment and asks for whatever of outcome and touchpoint is still unset."""
    body: list[dict[str, Any]] = [text_block(f"Logged your customer moment (reads {message.sentiment_label}).",
                                             weight="Bolder")]
    known = [(label, value) for label, value in (("Outcome", message.outcome), ("Touchpoint", message.touchpoint))
             if value]
    if known:
        body.append(facts(known))
    actions: list[dict[str, Any]] = []
    if message.outcome is None or message.touchpoint is None:
        if message.outcome is None:
            body.append(choice_set("outcome", "How did it turn out?", message.outcomes))
        if message.touchpoint is None:
            body.append(choice_set("touchpoint", "Which touchpoint?", message.touchpoints))
        actions.append(submit("Save details", {"tandem": "moment_details", "moment_id": message.moment_id}))
    return card(body, actions, fallback="Logged your customer moment.")


def help_card(message: Help) -> dict[str, Any]:
    body = [text_block(message.title, weight="Bolder", size="Medium"),
            text_block("Type these as messages to Tandem (in a channel, @mention Tandem first).", isSubtle=True)]
    for heading, items in message.sections:
        body.append(text_block(heading, weight="Bolder", spacing="Medium"))
        body.append(text_block("\n".join(f"- {item}" for item in items)))
    return card(body, fallback=message.title)


def confirm_card(message: Confirm) -> dict[str, Any]:
    return card([text_block(message.question)],
                [submit("Yes, do it", {"tandem": "confirm", "command": message.confirm_command}, style="destructive"),
                 submit("No, keep it", {"tandem": "cancel"})],
                fallback=f"{message.question} Type `{message.confirm_command}` to confirm.")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def digest_card(message: DigestMessage) -> dict[str, Any]:
    """The weekly digest: facts (only what the privacy rules allow) and, if there is one, the chart."""
    report = message.report
    title = "organisation view" if report.scope == "organisation" else report.team
    body: list[dict[str, Any]] = [
        text_block(f"Tandem weekly digest — {title}, {report.iso_week}", weight="Bolder", size="Medium"),
        text_block(f"{report.week_start:%d %b} – {report.week_end:%d %b %Y}", isSubtle=True, spacing="None"),
        text_block("Wellbeing", weight="Bolder", spacing="Medium"),
    ]
    if report.mood is not None:
        mood = report.mood
        trend = ""
        if mood.trend is not None:
            trend = (f" ({mood.trend.direction}, {_signed(mood.trend.change)} against the previous "
                     f"{mood.trend.weeks} weeks' {mood.trend.baseline:.2f})")
        wellbeing = [("Participation", f"{report.respondents} of {report.members} ({_pct(report.participation)})"),
                     ("Mood", f"{mood.mean:.2f} / 5{trend}")]
        wellbeing += [(f"{choice.score} {choice.emoji} {choice.label}", str(mood.distribution.get(choice.score, 0)))
                      for choice in reversed(MOOD_CHOICES)]
        if mood.note_sentiment is not None:
            wellbeing.append(("Notes", f"{mood.note_count} written, overall tone {_signed(mood.note_sentiment)} "
                                       "(−1 to +1)"))
        body.append(facts(wellbeing))
    moments = report.moments
    moment_facts = [("Logged", str(moments.logged))]
    if moments.share_positive is not None:
        moment_facts += [("Positive", _pct(moments.share_positive)), ("Negative", _pct(moments.share_negative)),
                         ("Mean sentiment", _signed(moments.mean_sentiment or 0.0))]
    if moments.quality_index is not None:
        moment_facts.append(("Quality index", f"{moments.quality_index:.0f} / 100"))
    if moments.top_touchpoints:
        moment_facts.append(("Top touchpoints", ", ".join(f"{t.touchpoint} ({t.moments})"
                                                          for t in moments.top_touchpoints)))
    body += [text_block("Customer moments", weight="Bolder", spacing="Medium"), facts(moment_facts)]
    body += [text_block(f"{'+' if quote.tone == 'positive' else '−'} “{quote.text}”", isSubtle=True)
             for quote in moments.excerpts]
    if report.links:
        body.append(text_block("Wellbeing and customer quality", weight="Bolder", spacing="Medium"))
        body += [text_block(link.statement) for link in report.links]
    body += [text_block(f"Note: {notice}", isSubtle=True) for notice in report.notices]
    body += _chart(message)
    body.append(text_block(f"Figures need at least {report.min_group} respondents; individual answers are never "
                           "shown.", size="Small", isSubtle=True))
    return card(body, fallback=f"Tandem weekly digest — {title}, {report.iso_week}")


def _chart(message: DigestMessage) -> list[dict[str, Any]]:
    if not message.chart_png:
        return []
    alt = message.chart_alt or "Chart of the team's weekly mood and customer moments"
    encoded = base64.b64encode(compact_png(message.chart_png)).decode("ascii")
    if len(encoded) > MAX_INLINE_CHART:
        return [text_block(f"Chart: {alt} (the image is too large for a Teams message; "
                           "`python -m bot digest --format png` writes it).", isSubtle=True)]
    return [{"type": "Image", "url": f"data:image/png;base64,{encoded}", "altText": alt}]


def compact_png(png: bytes) -> bytes:
    """The chart re-encoded with a 16-colour palette (and narrower if needed) so it fits a Teams card."""
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(png)).convert("RGB")
    except OSError:
        return png
    best = png
    for width in (image.width, 480, 360):
        scaled = image if width >= image.width else image.resize(
            (width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        scaled.quantize(colors=16).save(out, "PNG", optimize=True)
        best = min(best, out.getvalue(), key=len)
        if len(best) * 4 / 3 <= MAX_INLINE_CHART:
            break
    return best


# ---------------------------------------------------------------------------------------- activities


def card_activity(content: dict[str, Any]) -> Activity:
    return MessageFactory.attachment(CardFactory.adaptive_card(content))


def text_activity(body: str) -> Activity:
    activity = MessageFactory.text(body)
    activity.text_format = TextFormatTypes.markdown
    return activity


def card_for(message: Message) -> dict[str, Any] | None:
    """The Adaptive Card for a message, or None when it is sent as text."""
    match message:
        case MoodPrompt():
            return checkin_card(message)
        case MoodRecorded():
            return mood_recorded_card(message)
        case MomentForm():
            return moment_form_card(message)
        case MomentLogged():
            return moment_logged_card(message)
        case Help():
            return help_card(message)
        case Confirm():
            return confirm_card(message)
        case DigestMessage():
            return digest_card(message)
    return None


def render(message: Message) -> list[Activity]:
    """One or more activities for a message (a long export is split into several)."""
    content = card_for(message)
    if content is not None:
        return [card_activity(content)]
    match message:
        case Text(body=body):
            return [text_activity(body)]
        case Export(filename=filename, content=data, summary=summary):
            chunks = [data[i:i + MAX_TEXT_CHUNK] for i in range(0, len(data), MAX_TEXT_CHUNK)] or [""]
            parts = [text_activity(f"{summary} ({filename}{f', {len(chunks)} parts' if len(chunks) > 1 else ''})")]
            return parts + [text_activity(f"```\n{chunk}\n```") for chunk in chunks]
    return [text_activity(str(message))]
