"""Block Kit for each platform-neutral message, modal and the App Home.

Every string that can hold user text passes through `safe_mrkdwn` (or a plain_text field), so notes,
moments and names never ping anyone or render as links. Fields are clipped to Block Kit's limits.
"""
from __future__ import annotations

import json
from typing import Any

from bot.slack import ids, limits
from bot.slack.text import clip, safe_mrkdwn
from handlers.config import TEXT_LIMIT
from handlers.home import HomePage
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
    MoodChoice,
    MoodPrompt,
    MoodRecorded,
    NoteTurn,
    Text,
)
from handlers.sharing.wording import SHARE_EXPLAINED, turn_label

Block = dict[str, Any]


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def section(text: str) -> Block:
    """A mrkdwn section; `text` must already be escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:limits.SECTION_TEXT] or " "}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text[:limits.SECTION_TEXT] or " "}]}


def button(text: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "button", "text": plain(text, limits.BUTTON_TEXT), "action_id": action_id,
                               "value": value[:limits.BUTTON_VALUE]}
    if style:
        element["style"] = style
    return element


def text_sections(body: str) -> list[Block]:
    """A long reply as consecutive sections, split on line breaks, each within Block Kit's limit."""
    blocks: list[Block] = []
    chunk = ""
    for line in body.splitlines() or [""]:
        candidate = f"{chunk}\n{line}" if chunk else line
        if len(safe_mrkdwn(candidate, 10**6)) > limits.SECTION_TEXT and chunk:
            blocks.append(section(safe_mrkdwn(chunk)))
            chunk = line
        else:
            chunk = candidate
    blocks.append(section(safe_mrkdwn(chunk)))
    return blocks[:limits.MESSAGE_BLOCKS]


def mood_buttons(prompt_id: int, chosen: int | None = None) -> Block:
    return {"type": "actions", "block_id": "mood", "elements": [
        button(f"{c.emoji} {c.label}", ids.mood_action_id(c.score), str(prompt_id),
               "primary" if c.score == chosen else None) for c in MOOD_CHOICES]}


def note_button(prompt_id: int, has_note: bool) -> Block:
    return {"type": "actions", "block_id": "note", "elements": [
        button("📝 Edit your note" if has_note else "📝 Add a note", ids.ADD_NOTE_ACTION, str(prompt_id))]}


def mood_prompt(message: MoodPrompt) -> dict[str, Any]:
    return {"text": safe_mrkdwn(message.question, limits.FALLBACK_TEXT), "blocks": [
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
                         "options": [{"text": plain(t, limits.BUTTON_TEXT),
                                      "value": f"{message.moment_id}:{t}"[:limits.OPTION_VALUE]}
                                     for t in message.touchpoints[:limits.SELECT_OPTIONS]]})
    if elements:
        blocks.append({"type": "actions", "block_id": f"moment_{message.moment_id}", "elements": elements})
        blocks.append(context("How did it turn out? Set the outcome and touchpoint when you know."))
    return {"text": "Logged your customer moment.", "blocks": blocks}


def help_message(message: Help) -> dict[str, Any]:
    blocks: list[Block] = [{"type": "header", "text": plain(message.title, limits.HEADER_TEXT)}]
    for title, lines in message.sections:
        body = "\n".join(f"• {safe_mrkdwn(line, 500)}" for line in lines)
        blocks.append(section(f"*{safe_mrkdwn(title, 200)}*\n{body}"))
    return {"text": safe_mrkdwn(message.title, limits.FALLBACK_TEXT), "blocks": blocks[:limits.MESSAGE_BLOCKS]}


def confirm(message: Confirm) -> dict[str, Any]:
    return {"text": safe_mrkdwn(message.question, limits.FALLBACK_TEXT), "blocks": [
        *text_sections(message.question),
        {"type": "actions", "block_id": "confirm", "elements": [
            button("Yes, go ahead", ids.CONFIRM_ACTION, message.confirm_command, "danger")]}]}


def action_announcement(message: ActionAnnouncement) -> dict[str, Any]:
    """A team action told to a member, with one-click feedback (the value is the action's id, checked on click)."""
    value = str(message.action_id)
    return {"text": safe_mrkdwn(message.body, limits.FALLBACK_TEXT), "blocks": [
        *text_sections(message.body),
        {"type": "actions", "block_id": "action_feedback", "elements": [
            button("This helps", ids.ACTION_HELPS_ACTION, value, "primary"),
            button("Doesn't help", ids.ACTION_NO_HELP_ACTION, value)]}]}


def digest(message: DigestMessage) -> dict[str, Any]:
    """The weekly digest: the headline first, then one block group per section, inside Slack's limits."""
    report = message.report
    blocks = [*_digest_top(report), *_wellbeing(report), *_customer_moments(report), *_excerpts(report),
              *_customer_ratings(report), *_shared_notes(report), *_themes(report), *_actions(report), *_links(report),
              *_notices(report), *_chart_note(message), *_record_action(report),
              context(safe_mrkdwn(wording.privacy_footer(report)))]
    fallback = f"Weekly digest — {wording.title(report)}, {report.iso_week}: {wording.headline(report)}"
    return {"text": safe_mrkdwn(fallback, limits.FALLBACK_TEXT), "blocks": blocks[: limits.MESSAGE_BLOCKS]}


def _fields(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """Section fields `*Label*\nvalue`; values must already be escaped."""
    return [{"type": "mrkdwn", "text": f"*{label}*\n{value}"[: limits.FIELD_TEXT]}
            for label, value in pairs[: limits.SECTION_FIELDS]]


def fields_section(heading: str, pairs: list[tuple[str, str]]) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": heading[: limits.SECTION_TEXT]},
            "fields": _fields(pairs)}


def _digest_top(report: TeamDigest) -> list[Block]:
    return [{"type": "header", "text": plain(f"📊 {wording.title(report)} · {report.iso_week}", limits.HEADER_TEXT)},
            section(f"*{safe_mrkdwn(wording.headline(report), 2000)}*"),
            context(safe_mrkdwn(wording.week_span(report))), {"type": "divider"}]


def _wellbeing(report: TeamDigest) -> list[Block]:
    pairs = wording.wellbeing_facts(report)
    if report.mood is not None:
        pairs.append(("Spread", wording.distribution(report.mood, "\n")))
    return [fields_section("*Wellbeing*", [(label, safe_mrkdwn(value, 1900)) for label, value in pairs])]


def _customer_moments(report: TeamDigest) -> list[Block]:
    pairs = wording.moment_facts(report.moments)
    return [{"type": "divider"},
            fields_section("*Customer moments*", [(label, safe_mrkdwn(value, 1900)) for label, value in pairs])]


def _customer_ratings(report: TeamDigest) -> list[Block]:
    if report.customer_ratings is None:
        return []
    pairs = [(label, safe_mrkdwn(value, 1900))
             for label, value in wording.rating_facts(report.customer_ratings, report.min_group)]
    return [{"type": "divider"}, fields_section("*Customer ratings* (helpdesk)", pairs)]


def _excerpts(report: TeamDigest) -> list[Block]:
    quotes = report.moments.excerpts
    if not quotes:
        return []
    lines = [f"> {wording.tone_mark(q.tone)} “{safe_mrkdwn(q.text, 900)}”" for q in quotes]
    return [section("*In their words* (no names)\n" + "\n".join(lines))]


def _shared_notes(report: TeamDigest) -> list[Block]:
    """The notes authors shared with the managers, their words escaped, in one section (the block budget is
    50): as many as fit its 3,000 characters, then how many more `/tandem notes` shows."""
    if not report.shared_notes:
        return []
    text = f"*{wording.shared_notes_heading(report)}*"
    for shown, note in enumerate(report.shared_notes):
        line = f"\n*{wording.shared_note_label(note)}* “{safe_mrkdwn(note.text, 1200)}”"
        if len(text) + len(line) > limits.SECTION_TEXT - 80:
            text += f"\n… and {len(report.shared_notes) - shown} more: `/tandem notes`"
            break
        text += line
    return [{"type": "divider"}, section(text), context(safe_mrkdwn(wording.SHARED_NOTES_FOOTER, 2900)),
            _turn_buttons([NoteTurn("reply", n.number) for n in report.shared_notes])]


def _themes(report: TeamDigest) -> list[Block]:
    lines = wording.theme_lines(report)
    if not lines:
        return []
    return [{"type": "divider"},
            fields_section(f"*{wording.themes_heading(report)}*",
                           [(safe_mrkdwn(name, 200), safe_mrkdwn(value, 1700)) for name, value in lines]),
            context(safe_mrkdwn(wording.themes_footer(report), 2900))]


def _actions(report: TeamDigest) -> list[Block]:
    """One section per action (its text and outcome are the manager's words: escaped), newest last."""
    if not report.actions:
        return []
    blocks: list[Block] = [{"type": "divider"}, section(f"*{wording.actions_heading(report)}*")]
    for action in report.actions:
        lines = [f"*{safe_mrkdwn(wording.action_title(action), 900)}*",
                 safe_mrkdwn(wording.action_feedback(action, report.min_group), 300),
                 *(f"_{label}:_ {safe_mrkdwn(statement, 400)}" for label, statement in wording.action_lines(action))]
        blocks.append(section("\n".join(lines)[: limits.SECTION_TEXT]))
    blocks.append(context(safe_mrkdwn(wording.actions_footer(report), 2900)))
    return blocks


def _links(report: TeamDigest) -> list[Block]:
    lines = wording.link_lines(report)
    if not lines:
        return []
    return [{"type": "divider"}, section(f"*{wording.LINKS_HEADING}*"),
            *(section(f"*{label}:* {safe_mrkdwn(statement, 2500)}") for label, statement in lines)]


def _notices(report: TeamDigest) -> list[Block]:
    notices = [f"ℹ️ {safe_mrkdwn(notice, 2900)}" for notice in report.notices]
    step = limits.CONTEXT_ELEMENTS
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": n} for n in notices[i:i + step]]}
            for i in range(0, len(notices), step)]


def _chart_note(message: DigestMessage) -> list[Block]:
    if not message.chart_png:
        return []
    return [context("📈 The chart of the last 12 weeks (mood, customer quality, participation) follows.")]


def _record_action(report: TeamDigest) -> list[Block]:
    """A team digest's "Record an action" button (it opens a form); the organisation view has none."""
    if report.scope != "team":
        return []
    return [{**section("Your team hears what you will do about it, once, in their DMs."), "block_id": "action_record",
             "accessory": button("Record an action", ids.ACTION_RECORD_ACTION, report.team)}]


def text(message: Text) -> dict[str, Any]:
    blocks = text_sections(message.body)
    if message.turn is not None:  # a relayed shared-note turn: one click opens the answer form
        blocks = [*blocks[: limits.MESSAGE_BLOCKS - 1], _turn_buttons([message.turn])]
    return {"text": safe_mrkdwn(message.body, limits.FALLBACK_TEXT), "blocks": blocks}


TURN_BUTTONS = 25  # an actions block's elements


def _turn_buttons(turns: list[NoteTurn]) -> Block:
    return {"type": "actions", "block_id": "note_turns", "elements": [
        button(turn_label(t), f"{ids.NOTE_TURN_ACTION_PREFIX}{i}",
               ids.note_turn_value(t.verb, t.number)) for i, t in enumerate(turns[:TURN_BUTTONS])]}


def note_turn_modal(verb: str, number: int) -> dict[str, Any]:
    """The Reply/Answer form; `private_metadata` keeps which note, as the button said (checked again on submit)."""
    title = "Reply to a note" if verb == "reply" else "Answer a reply"
    hint = ("The author sees your words, never who you are among the managers; you never learn who they are."
            if verb == "reply" else "The managers see your words as “the author”, never your name.")
    return {"type": "modal", "callback_id": ids.NOTE_TURN_MODAL, "title": plain(title, limits.VIEW_TITLE),
            "submit": plain("Send", limits.VIEW_TITLE), "close": plain("Cancel", limits.VIEW_TITLE),
            "private_metadata": json.dumps({"turn": ids.note_turn_value(verb, number)}),
            "blocks": [_input(ids.NOTE_TURN_INPUT, f"Your message about note #{number}", {
                "type": "plain_text_input", "action_id": ids.NOTE_TURN_INPUT, "multiline": True,
                "max_length": TEXT_LIMIT}), context(safe_mrkdwn(hint))]}


def export_summary(message: Export) -> dict[str, Any]:
    body = f"{message.summary}\nI've put the file {message.filename} in our direct message."
    return {"text": safe_mrkdwn(body, limits.FALLBACK_TEXT), "blocks": text_sections(body)}


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
        case ActionAnnouncement():
            return action_announcement(message)
    raise TypeError(f"no Slack rendering for {type(message).__name__}")


# --- modals -------------------------------------------------------------------------------------------------

def _select(action_id: str, placeholder: str, values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "static_select", "action_id": action_id, "placeholder": plain(placeholder),
            "options": [{"text": plain(v.capitalize(), limits.BUTTON_TEXT), "value": v[:limits.OPTION_VALUE]}
                        for v in values[:limits.SELECT_OPTIONS]]}


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
    return {"type": "modal", "callback_id": ids.MOMENT_MODAL, "title": plain("Customer moment", limits.VIEW_TITLE),
            "submit": plain("Log it", limits.VIEW_TITLE), "close": plain("Cancel", limits.VIEW_TITLE), "blocks": blocks,
            "private_metadata": json.dumps({"link": form.source_link})[:limits.PRIVATE_METADATA]}


def note_modal(prompt_id: int, response_url: str | None) -> dict[str, Any]:
    """The note form; `private_metadata` keeps the prompt and where to update the check-in message."""
    return {"type": "modal", "callback_id": ids.NOTE_MODAL, "title": plain("Add a note", limits.VIEW_TITLE),
            "submit": plain("Save", limits.VIEW_TITLE), "close": plain("Cancel", limits.VIEW_TITLE),
            "private_metadata": json.dumps({"prompt_id": prompt_id, "response_url": response_url}),
            "blocks": [_input(ids.NOTE_INPUT, "A few words about today", {
                "type": "plain_text_input", "action_id": ids.NOTE_INPUT, "multiline": True, "max_length": TEXT_LIMIT}),
                context("Managers never see your note with your name; notes only count in team-wide figures."),
                _input(ids.NOTE_SHARE_INPUT, "Share with my manager?", {
                    "type": "checkboxes", "action_id": ids.NOTE_SHARE_INPUT, "options": [{
                        "text": plain("Share this note with my manager, anonymously"), "value": ids.NOTE_SHARE_VALUE,
                        "description": plain(SHARE_EXPLAINED, 150)}]}, optional=True)]}


def action_modal(team: str, response_url: str | None) -> dict[str, Any]:
    """The "Record an action" form of a digest; `private_metadata` keeps the team and where to answer."""
    return {"type": "modal", "callback_id": ids.ACTION_MODAL, "title": plain("Record an action", limits.VIEW_TITLE),
            "submit": plain("Record", limits.VIEW_TITLE), "close": plain("Cancel", limits.VIEW_TITLE),
            "private_metadata": json.dumps({"team": team, "response_url": response_url})[:limits.PRIVATE_METADATA],
            "blocks": [section(f"What will {safe_mrkdwn(team, 200)} do?"),
                       _input(ids.ACTION_TEXT_INPUT, "The action", {
                           "type": "plain_text_input", "action_id": ids.ACTION_TEXT_INPUT, "multiline": True,
                           "max_length": TEXT_LIMIT}),
                       context("Each member of the team hears about it once, in their DMs, and can say whether "
                               "it helps; only totals are ever shown.")]}


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
    if page.schedule is not None or page.synced:
        blocks.append(section("*Synced teams* (admin)"))
        blocks.append(section(safe_mrkdwn("\n".join(page.synced), 2900)) if page.synced else context(
            "No team follows a user group or channel yet: `/tandem team sync TEAM @user-group` keeps one current."))
    return {"type": "home", "blocks": blocks[:limits.HOME_BLOCKS]}


def _team_summary(team: str, iso_week: str, summary: dict[str, Any]) -> str:
    """The latest digest in two lines, headline first, from its stored JSON (the digest's own wording)."""
    report = TeamDigest.from_json(summary)
    return (f"*{safe_mrkdwn(team, 100)}* · {safe_mrkdwn(iso_week, 10)}\n"
            f"{safe_mrkdwn(wording.headline(report), 1000)}")
