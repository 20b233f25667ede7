"""Block Kit for each platform-neutral message, modal and the App Home.

Every string that can hold user text passes through `safe_mrkdwn` (or a plain_text field), so notes,
moments and names never ping anyone or render as links. Fields are clipped to Block Kit's limits.
"""
from __future__ import annotations

import json
from typing import Any

from bot.slack import ids
from bot.slack.text import clip, safe_mrkdwn
from handlers.config import TEXT_LIMIT
from handlers.home import HomePage
from handlers.messages import (
    MOOD_CHOICES,
    Confirm,
    DigestMessage,
    Export,
    Help,
    Message,
    MomentForm,
    MomentLogged,
    MoodChoice,
    MoodPrompt,
    MoodRecorded,
    Text,
)

Block = dict[str, Any]
SECTION_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_LIMIT = 3000


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(text: str) -> Block:
    """A mrkdwn section; `text` must already be escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:SECTION_LIMIT] or " "}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:SECTION_LIMIT] or " "}]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, 75), "action_id": action_id,
                               "value": value[:2000]}
    if style:
        element["style"] = style
    return element


def text_sections(body: str) -> list[Block]:
    """A long reply as consecutive sections, split on line breaks, each within Block Kit's limit."""
    blocks: list[Block] = []
    chunk = ""
    for line in body.splitlines() or [""]:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(safe_mrkdwn(candidate, 10**6)) > SECTION_LIMIT and chunk:
            blocks.append(section(safe_mrkdwn(chunk)))
            chunk = line
        else:
            chunk = candidate
    blocks.append(section(safe_mrkdwn(chunk)))
    return blocks[:MAX_BLOCKS]


def mood_buttons(prompt_id: int, chosen: int | None = None) -> Block:
    return {"type": "actions", "block_id": "mood", "elements": [
        button(f"{c.emoji} {c.label}", ids.mood_action_id(c.score), str(prompt_id),
               "primary" if c.score == chosen else None) for c in MOOD_CHOICES]}


def note_button(prompt_id: int, has_note: bool) -> Block:
    return {"type": "actions", "block_id": "note", "elements": [
        button("📝 Edit your note" if has_note else "📝 Add a note", ids.ADD_NOTE_ACTION, str(prompt_id))]}


def mood_prompt(message: MoodPrompt) -> dict[str, Any]:
    return {"text": message.question, "blocks": [
        section(safe_mrkdwn(message.question)), mood_buttons(message.prompt_id),
        note_button(message.prompt_id, False),
        context("Only you see your answer. Managers see team figures, never individual ones.")]}


def _chosen_line(choice: MoodChoice, changed: bool) -> str:
    verb = "Changed to" if changed else "Thanks — you're feeling"
    return f"{verb} {choice.emoji} *{choice.label}* today."


def mood_recorded(message: MoodRecorded) -> dict[str, Any]:
    line = _chosen_line(message.choice, message.changed)
    hint = "Your note is saved." if message.has_note else "Want to add a few words? A note is optional."
    return {"text": line, "blocks": [
        section(line), mood_buttons(message.prompt_id, message.choice.score),
        note_button(message.prompt_id, message.has_note), context(f"{hint} Pick another mood to change your answer.")]}


def moment_logged(message: MomentLogged) -> dict[str, Any]:
    line = f"Logged your customer moment (tone: *{message.sentiment_label}*)."
    blocks: list[Block] = [section(line)]
    details = []
    if message.outcome:
        details.append(f"Outcome: *{safe_mrkdwn(message.outcome, 40)}*")
    if message.touchpoint:
        details.append(f"Touchpoint: *{safe_mrkdwn(message.touchpoint, 60)}*")
    if details:
        blocks.append(context(" · ".join(details)))
    elements: list[dict[str, Any]] = []
    if message.outcome is None:
        elements += [button(o.capitalize(), f"{ids.MOMENT_OUTCOME_ACTION_PREFIX}{o}", str(message.moment_id),
                            {"positive": "primary", "negative": "danger"}.get(o)) for o in message.outcomes]
    if message.touchpoint is None and message.touchpoints:
        elements.append({"type": "static_select", "action_id": ids.MOMENT_TOUCHPOINT_ACTION,
                         "placeholder": plain("Touchpoint"),
                         "options": [{"text": plain(t, 75), "value": f"{message.moment_id}:{t}"[:150]}
                                     for t in message.touchpoints[:100]]})
    if elements:
        blocks.append({"type": "actions", "block_id": f"moment_{message.moment_id}", "elements": elements})
        blocks.append(context("How did it turn out? Set the outcome and touchpoint when you know."))
    return {"text": "Logged your customer moment.", "blocks": blocks}


def help_message(message: Help) -> dict[str, Any]:
    blocks: list[Block] = [{"type": "header", "text": plain(message.title)}]
    for title, lines in message.sections:
        body = "\n".join(f"• {safe_mrkdwn(line, 500)}" for line in lines)
        blocks.append(section(f"*{safe_mrkdwn(title, 200)}*\n{body}"))
    return {"text": message.title, "blocks": blocks[:MAX_BLOCKS]}


def confirm(message: Confirm) -> dict[str, Any]:
    return {"text": message.question, "blocks": [
        *text_sections(message.question),
        {"type": "actions", "block_id": "confirm", "elements": [
            button("Yes, go ahead", ids.CONFIRM_ACTION, message.confirm_command, "danger")]}]}


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def digest(message: DigestMessage) -> dict[str, Any]:
    report = message.report
    title = f"Weekly digest — {report.team} · {report.iso_week}"
    fields = [f"*Answered*\n{report.respondents} of {report.members} ({_share(report.participation)})"]
    if report.mood is not None:
        fields.append(f"*Mood*\n{report.mood.mean:.2f} / 5")
        spread = "  ".join(f"{c.emoji} {report.mood.distribution.get(c.score, 0)}" for c in MOOD_CHOICES)
        fields.append(f"*Spread*\n{spread}")
        if report.mood.note_sentiment is not None:
            fields.append(f"*Tone of notes*\n{report.mood.note_sentiment:+.2f} ({report.mood.note_count} notes)")
    moments = report.moments
    fields.append(f"*Customer moments*\n{moments.logged} logged")
    if moments.share_positive is not None:
        fields.append(f"*Moments positive / negative*\n{_share(moments.share_positive)} / "
                      f"{_share(moments.share_negative)}")
    blocks: list[Block] = [
        {"type": "header", "text": plain(title)},
        context(f"{report.week_start:%d %b} – {report.week_end:%d %b %Y} · figures need at least "
                f"{report.min_group} people"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f[:2000]} for f in fields[:10]]},
    ]
    for notice in report.notices:
        blocks.append(context(safe_mrkdwn(notice)))
    return {"text": safe_mrkdwn(title), "blocks": blocks[:MAX_BLOCKS]}


def text(message: Text) -> dict[str, Any]:
    return {"text": safe_mrkdwn(message.body, FALLBACK_LIMIT), "blocks": text_sections(message.body)}


def export_summary(message: Export) -> dict[str, Any]:
    body = f"{message.summary}\nI've put the file {message.filename} in our direct message."
    return {"text": safe_mrkdwn(body), "blocks": text_sections(body)}


def moment_form_notice(message: MomentForm) -> dict[str, Any]:
    """Where no modal can open (a DM message has no trigger): offer the button that opens it."""
    return {"text": "Log a customer moment", "blocks": [
        section("Tell me about a customer moment: type `/moment what happened`, or open the form."),
        {"type": "actions", "block_id": "moment_form", "elements": [
            button("Log a customer moment", ids.MOMENT_HOME_ACTION, "form")]}]}


def message_payload(message: Message) -> dict[str, Any]:
    """`text` (notification fallback) and `blocks` for chat.postMessage / response_url."""
    match message:
        case Text():
            return text(message)
        case MoodPrompt():
            return mood_prompt(message)
        case MoodRecorded():
            return mood_recorded(message)
        case MomentLogged():
            return moment_logged(message)
        case Help():
            return help_message(message)
        case Confirm():
            return confirm(message)
        case DigestMessage():
            return digest(message)
        case Export():
            return export_summary(message)
        case MomentForm():
            return moment_form_notice(message)
    raise TypeError(f"no Slack rendering for {type(message).__name__}")


# --- modals -------------------------------------------------------------------------------------------------

def _select(action_id: str, placeholder: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "static_select", "action_id": action_id, "placeholder": plain(placeholder),
            "options": [{"text": plain(v.capitalize(), 75), "value": v[:150]} for v in values[:100]]}


def _input(block_id: str, label: str, element: dict[str, Any], optional: bool = False) -> Block:
    return {"type": "input", "block_id": block_id, "label": plain(label), "element": element, "optional": optional}


def moment_modal(form: MomentForm) -> dict[str, Any]:
    """The /moment form; `private_metadata` carries the source message link, if any."""
    text_input: dict[str, Any] = {"type": "plain_text_input", "action_id": ids.MOMENT_TEXT_INPUT, "multiline": True,
                                  "max_length": form.max_length,
                                  "placeholder": plain("What happened with the customer?")}
    if form.text:
        text_input["initial_value"] = form.text[: form.max_length]
    blocks: list[Block] = [
        _input(ids.MOMENT_TEXT_INPUT, "What happened", text_input),
        _input(ids.MOMENT_OUTCOME_INPUT, "Outcome", _select(ids.MOMENT_OUTCOME_INPUT, "How did it go?",
                                                            form.outcomes), optional=True),
        _input(ids.MOMENT_TOUCHPOINT_INPUT, "Touchpoint", _select(ids.MOMENT_TOUCHPOINT_INPUT, "Journey stage",
                                                                  form.touchpoints), optional=True),
        _input(ids.MOMENT_CUSTOMER_INPUT, "Customer (optional)", {
            "type": "plain_text_input", "action_id": ids.MOMENT_CUSTOMER_INPUT, "max_length": 200,
            "placeholder": plain("Account name or ticket")}, optional=True),
    ]
    if form.source_link:
        blocks.append(context(f"From this message: {safe_mrkdwn(form.source_link, 500)}"))
    return {"type": "modal", "callback_id": ids.MOMENT_MODAL, "title": plain("Customer moment", 24),
            "submit": plain("Log it", 24), "close": plain("Cancel", 24), "blocks": blocks,
            "private_metadata": json.dumps({"link": form.source_link})[:3000]}


def note_modal(prompt_id: int, response_url: str | None) -> dict[str, Any]:
    """The note form; `private_metadata` keeps the prompt and where to update the check-in message."""
    return {"type": "modal", "callback_id": ids.NOTE_MODAL, "title": plain("Add a note", 24),
            "submit": plain("Save", 24), "close": plain("Cancel", 24),
            "private_metadata": json.dumps({"prompt_id": prompt_id, "response_url": response_url}),
            "blocks": [_input(ids.NOTE_INPUT, "A few words about today", {
                "type": "plain_text_input", "action_id": ids.NOTE_INPUT, "multiline": True, "max_length": TEXT_LIMIT}),
                context("Managers never see your note with your name; notes only count in team-wide figures.")]}


# --- App Home -----------------------------------------------------------------------------------------------

def _bar(mean: float) -> str:
    return "▇" * round(mean * 2)


def home_view(page: HomePage) -> dict[str, Any]:
    blocks: list[Block] = [
        {"type": "header", "text": plain(f"Hi {page.display_name}" if page.display_name else "Tandem")},
        {"type": "actions", "block_id": "home_actions", "elements": [
            button("How are you today?", ids.CHECKIN_HOME_ACTION, "checkin", "primary"),
            button("Log a customer moment", ids.MOMENT_HOME_ACTION, "moment")]},
        {"type": "divider"},
        section("*Your last 8 weeks* (only you see this)"),
    ]
    if page.weeks:
        lines = [f"`{w.iso_week}` {_bar(w.mean)} {w.mean:.1f} ({w.answers} check-in{'s' if w.answers != 1 else ''})"
                 for w in page.weeks]
        blocks.append(section("\n".join(lines)))
    else:
        blocks.append(context("No check-ins yet — press the button above or type `/checkin`."))
    if page.paused_until:
        blocks.append(context(f"Check-ins are paused until {page.paused_until}. `/tandem resume` turns them on."))
    blocks.append(section("*Your recent customer moments*"))
    if page.moments:
        for moment in page.moments:
            detail = " · ".join(safe_mrkdwn(x, 40) for x in (moment.outcome, moment.touchpoint) if x)
            blocks.append(section(f"`{moment.local_date}` {safe_mrkdwn(moment.text, 2500)}"
                                  + (f"\n_{detail}_" if detail else "")))
    else:
        blocks.append(context("None yet — `/moment what happened` logs one in seconds."))
    if page.managed or page.managed_without_digest:
        blocks += [{"type": "divider"}, section("*Your teams' latest digest*")]
        for team in page.managed:
            blocks.append(section(_team_summary(team.team, team.iso_week, team.summary)))
        for name in page.managed_without_digest:
            blocks.append(context(f"{safe_mrkdwn(name, 100)}: no digest built yet."))
    if page.schedule:
        blocks += [{"type": "divider"}, section("*Schedule* (admin)"), section(safe_mrkdwn(page.schedule))]
    return {"type": "home", "blocks": blocks[:100]}


def _team_summary(team: str, iso_week: str, summary: dict[str, Any]) -> str:
    line = f"*{safe_mrkdwn(team, 100)}* · {safe_mrkdwn(iso_week, 10)}: "
    mood = summary.get("mood")
    members, respondents = summary.get("members", 0), summary.get("respondents", 0)
    if isinstance(mood, dict) and mood.get("mean") is not None:
        line += f"mood {float(mood['mean']):.2f}/5 from {respondents} of {members}"
    else:
        line += "too few answers to show mood"
    moments = summary.get("moments") or {}
    line += f" · {int(moments.get('logged', 0))} customer moments"
    return line
