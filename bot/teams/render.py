"""Platform-neutral messages as Teams activities: Adaptive Cards 1.5 (the version Teams supports for bots)
for anything with buttons or inputs, markdown text for the rest.

Card submits carry `{"tandem": <kind>, ...}` in their data so bot.py can route them back to handlers.
"""
from __future__ import annotations

import base64
import io
import json
from typing import Any

from botbuilder.core import CardFactory, MessageFactory
from botbuilder.schema import Activity, TextFormatTypes

from handlers.config import TEXT_LIMIT
from handlers.insights import wording
from handlers.insights.report import TeamDigest
from handlers.messages import (
    MOOD_CHOICES,
    ActionAnnouncement,
    Confirm,
    DigestMessage,
    Export,
    Help,
    Message,
    MomentForm,
    MomentLogged,
    MoodPrompt,
    MoodRecorded,
    NoteTurn,
    Text,
)
from handlers.sharing.wording import SHARE_EXPLAINED, turn_label

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"
NOTE_INPUT = "note"
NOTE_SHARE_INPUT = "share"

MAX_CUSTOMER_LENGTH = 200
# Teams refuses a bot message over 100 KB (413 MessageSizeTooBig) and clients slow down well before, so an
# ordinary reply stays under 40 KB of JSON: long texts are split, the inline chart has a budget of its own.
MAX_MESSAGE_BYTES = 100_000
ORDINARY_REPLY_BYTES = 40_000
MAX_INLINE_CHART = 20_000  # base64 characters; leaves the digest card's text ~20 KB
MAX_TEXT_CHUNK = 30_000  # JSON-encoded bytes of one text part, under ORDINARY_REPLY_BYTES with the envelope


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


def text_run(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextRun", "text": text, **style}


def literal(*runs: dict[str, Any], **style: Any) -> dict[str, Any]:
    """Text shown exactly as written: TextRuns are never read as markdown, so a team called
    `**Support** [x](http://evil)` stays those characters (backslash escapes differ between Teams clients)."""
    return {"type": "RichTextBlock", "inlines": list(runs), **style}


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
        {"type": "Input.Toggle", "id": NOTE_SHARE_INPUT, "title": "Share this note with my manager, anonymously",
         "value": "false", "valueOn": "true", "valueOff": "false"},
        text_block(SHARE_EXPLAINED, isSubtle=True, size="Small"),
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
    if known:  # touchpoints are an admin's words: shown literally
        body.append(literal(*(run for label, value in known
                              for run in (text_run(f"{label}: ", weight="Bolder"), text_run(f"{value}  ")))))
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
    return card([literal(text_run(message.question))],
                [submit("Yes, do it", {"tandem": "confirm", "command": message.confirm_command}, style="destructive"),
                 submit("No, keep it", {"tandem": "cancel"})],
                fallback=f"{message.question} Type `{message.confirm_command}` to confirm.")


def action_announcement_card(message: ActionAnnouncement) -> dict[str, Any]:
    """A team action told to a member, with one-click feedback (the action's id is checked on submit)."""
    data = {"tandem": "action_feedback", "action_id": message.action_id}
    return card([literal(text_run(message.body))],
                [submit("This helps", {**data, "helps": True}, style="positive"),
                 submit("Doesn't help", {**data, "helps": False})],
                fallback=message.body)


def digest_card(message: DigestMessage) -> dict[str, Any]:
    """The weekly digest: the headline first, then one group per section (only what the privacy rules allow)."""
    report = message.report
    body = [*_digest_top(report), *_wellbeing(report), *_customer_moments(report), *_excerpts(report),
            *_customer_ratings(report), *_shared_notes(report), *_themes(report), *_actions(report), *_links(report),
            *_notices(report), *_chart(message), *_record_action(report),
            text_block(wording.privacy_footer(report), size="Small", isSubtle=True)]
    return card(body, fallback=f"Tandem weekly digest — {wording.title(report)}, {report.iso_week}: "
                               f"{wording.headline(report)}")


def _heading(text: str) -> dict[str, Any]:
    return text_block(text, weight="Bolder", spacing="Medium")


def _digest_top(report: TeamDigest) -> list[dict[str, Any]]:
    return [literal(text_run("Tandem weekly digest — ", weight="Bolder", size="Medium"),
                    text_run(wording.title(report), weight="Bolder", size="Medium")),
            text_block(wording.headline(report), weight="Bolder", spacing="Small"),
            text_block(wording.week_span(report), isSubtle=True, spacing="None")]


def _wellbeing(report: TeamDigest) -> list[dict[str, Any]]:
    pairs = wording.wellbeing_facts(report)
    if report.mood is not None:
        pairs += [(f"{c.emoji} {c.label}", str(report.mood.distribution.get(c.score, 0)))
                  for c in reversed(MOOD_CHOICES)]
    return [_heading("Wellbeing"), facts(pairs)]


def _customer_moments(report: TeamDigest) -> list[dict[str, Any]]:
    moments = report.moments
    body = [_heading("Customer moments"), facts(wording.moment_facts(moments, with_touchpoints=False))]
    if moments.top_touchpoints:  # team-written words: a TextRun, which Teams never reads as markdown
        body.append(literal(text_run("Top touchpoints: ", weight="Bolder"), text_run(wording.touchpoints(moments))))
    return body


def _customer_ratings(report: TeamDigest) -> list[dict[str, Any]]:
    if report.customer_ratings is None:
        return []
    return [_heading("Customer ratings (helpdesk)"),
            facts(wording.rating_facts(report.customer_ratings, report.min_group))]


def _excerpts(report: TeamDigest) -> list[dict[str, Any]]:
    quotes = report.moments.excerpts
    if not quotes:
        return []
    return [_heading("In their words (no names)"),
            *(literal(text_run(f"{wording.tone_mark(q.tone)} "), text_run(f"“{q.text}”", italic=True))
              for q in quotes)]


def _shared_notes(report: TeamDigest) -> list[dict[str, Any]]:
    """The notes authors shared with the managers: people's words, so TextRuns (never markdown); each with a
    reply box and its own Send (the submit runs `tandem reply N text`)."""
    if not report.shared_notes:
        return []
    body = [_heading(wording.shared_notes_heading(report))]
    for n in report.shared_notes:
        body += [literal(text_run(f"{wording.shared_note_label(n)}: ", weight="Bolder"), text_run(f"“{n.text}”")),
                 *turn_input(NoteTurn("reply", n.number))]
    return [*body, text_block(wording.SHARED_NOTES_FOOTER, size="Small", isSubtle=True)]




def turn_input_id(number: int) -> str:
    return f"note_turn_{number}"


def turn_input(turn: NoteTurn) -> list[dict[str, Any]]:
    """A text box and a Send button for one shared-note turn; the box's id names the note (unique per card)."""
    label = turn_label(turn)
    return [{"type": "Input.Text", "id": turn_input_id(turn.number), "label": label, "isMultiline": True,
             "maxLength": TEXT_LIMIT},
            {"type": "ActionSet", "actions": [submit("Send", {"tandem": "note_turn", "verb": turn.verb,
                                                              "number": turn.number})]}]


def turn_card(message: Text, turn: NoteTurn) -> dict[str, Any]:
    """A relayed shared-note turn: the words as TextRuns, then a box to answer in."""
    return card([literal(text_run(message.body)), *turn_input(turn)], fallback=message.body)


def _themes(report: TeamDigest) -> list[dict[str, Any]]:
    lines = wording.theme_lines(report)
    if not lines:
        return []
    return [_heading(wording.themes_heading(report)),  # theme names are people's words: TextRuns, never markdown
            *(literal(text_run(f"{name}: ", weight="Bolder"), text_run(value)) for name, value in lines),
            text_block(wording.themes_footer(report), size="Small", isSubtle=True)]


def _actions(report: TeamDigest) -> list[dict[str, Any]]:
    """Each action's text and outcome are the manager's words: TextRuns, never markdown."""
    if not report.actions:
        return []
    out = [_heading(wording.actions_heading(report))]
    for action in report.actions:
        out.append(literal(text_run(wording.action_title(action), weight="Bolder")))
        out.append(literal(text_run(wording.action_feedback(action, report.min_group))))
        out += [literal(text_run(f"{label}: ", weight="Bolder"), text_run(statement))
                for label, statement in wording.action_lines(action)]
    out.append(text_block(wording.actions_footer(report), size="Small", isSubtle=True))
    return out


def _links(report: TeamDigest) -> list[dict[str, Any]]:
    lines = wording.link_lines(report)
    if not lines:
        return []
    return [_heading(wording.LINKS_HEADING),
            *(literal(text_run(f"{label}: ", weight="Bolder"), text_run(statement)) for label, statement in lines)]


def _notices(report: TeamDigest) -> list[dict[str, Any]]:
    return [literal(text_run(f"ℹ️ {notice}", isSubtle=True)) for notice in report.notices]


def _record_action(report: TeamDigest) -> list[dict[str, Any]]:
    """A team digest's "Record an action": a text field and its button (the organisation view has none)."""
    if report.scope != "team":
        return []
    return [{"type": "Input.Text", "id": "action_text", "label": "Record an action", "isMultiline": True,
             "maxLength": TEXT_LIMIT, "placeholder": "What will the team do?"},
            {"type": "ActionSet", "actions": [submit("Record an action",
                                                     {"tandem": "action_add", "team": report.team})]}]


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
        case Text(turn=NoteTurn() as turn):
            return turn_card(message, turn)
        case ActionAnnouncement():
            return action_announcement_card(message)
    return None


def render(message: Message) -> list[Activity]:
    """One or more activities for a message: a long text or export is split into parts that each fit."""
    content = card_for(message)
    if content is not None:
        return [card_activity(content)]
    match message:
        case Text(body=body):
            return [text_activity(part) for part in split_text(body)]
        case Export(filename=filename, content=data, summary=summary):
            chunks = split_text(data, MAX_TEXT_CHUNK - 8)
            parts = [text_activity(f"{summary} ({filename}{f', {len(chunks)} parts' if len(chunks) > 1 else ''})")]
            return parts + [text_activity(f"```\n{chunk}\n```") for chunk in chunks]
    return [text_activity(str(message))]


def _encoded(text: str) -> int:
    return len(json.dumps(text)) - 2


def split_text(text: str, budget: int = MAX_TEXT_CHUNK) -> list[str]:
    """`text` in consecutive parts whose JSON encoding fits `budget` bytes, cut at line breaks where possible;
    the parts joined give `text` back."""
    parts: list[str] = []
    chunk: list[str] = []
    size = 0
    for line in text.splitlines(keepends=True) or [""]:
        cost = _encoded(line)
        pieces = [line] if cost <= budget else list(line)  # a line longer than a part is cut by characters
        for piece in pieces:
            piece_cost = cost if len(pieces) == 1 else _encoded(piece)
            if size + piece_cost > budget and chunk:
                parts.append("".join(chunk))
                chunk, size = [], 0
            chunk.append(piece)
            size += piece_cost
    parts.append("".join(chunk))
    return parts
