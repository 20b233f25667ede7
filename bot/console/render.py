"""Plain-text rendering of platform-neutral messages for the terminal (console, demo, `digest --format text`)."""
from __future__ import annotations

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
    Text,
)


def mood_menu() -> str:
    return "   ".join(f"{c.score} {c.emoji} {c.label}" for c in MOOD_CHOICES)


def render(message: Message) -> str:
    match message:
        case Text(body=body):
            return body
        case MoodPrompt(question=question):
            return f"{question}\n  {mood_menu()}\nReply with a number from 1 to 5."
        case MoodRecorded(choice=choice, changed=changed, has_note=has_note):
            verb = "Changed to" if changed else "Recorded"
            note = "Want to change your note? Type it" if has_note else "Add a note? Type it"
            return f"{verb}: {choice.score} {choice.emoji} {choice.label}. Thanks!\n{note}, or press Enter to skip."
        case MomentLogged():
            return render_moment_logged(message)
        case MomentForm(touchpoints=touchpoints):
            return (f"What happened with the customer? (up to {message.max_length:,} characters)\n"
                    f"Touchpoints: {', '.join(touchpoints)}")
        case Help(title=title, sections=sections):
            lines = [title]
            for heading, items in sections:
                lines.append(f"\n{heading}")
                lines.extend(f"  {item}" for item in items)
            return "\n".join(lines)
        case Export(summary=summary, content=content, filename=filename):
            return f"{summary} ({filename})\n{content}"
        case Confirm(question=question):
            return question
        case ActionAnnouncement(body=body):
            return body
        case DigestMessage(report=report):
            return render_digest_text(report)
    return str(message)


def render_moment_logged(message: MomentLogged) -> str:
    lines = [f"Logged your customer moment (reads {message.sentiment_label})."]
    if message.outcome is None:
        options = "   ".join(f"{i} {o}" for i, o in enumerate(message.outcomes, 1))
        lines.append(f"How did it turn out?  {options}   (Enter to skip)")
    elif message.touchpoint is None:
        options = "   ".join(f"{i} {t}" for i, t in enumerate(message.touchpoints, 1))
        lines.append(f"Outcome: {message.outcome}. Which touchpoint?  {options}   (Enter to skip)")
    else:
        lines.append(f"Outcome: {message.outcome}; touchpoint: {message.touchpoint}.")
    return "\n".join(lines)


def render_digest_text(report: TeamDigest) -> str:
    """The digest for a terminal or a text file, headline first; no names, no individual answers."""
    sections = (_digest_top(report), _wellbeing(report), _customer_moments(report), _customer_ratings(report),
                _shared_notes(report), _themes(report), _actions(report), _links(report), _notices(report),
                [wording.privacy_footer(report)])
    return "\n\n".join("\n".join(lines) for lines in sections if lines)


def _digest_top(report: TeamDigest) -> list[str]:
    return [f"Tandem weekly digest — {wording.title(report)}, {wording.week_span(report)}", wording.headline(report)]


def _wellbeing(report: TeamDigest) -> list[str]:
    lines = ["Wellbeing", *(f"  {label}: {value}" for label, value in wording.wellbeing_facts(report))]
    mood = report.mood
    if mood is None:
        return lines
    total = sum(mood.distribution.values()) or 1
    for choice in reversed(MOOD_CHOICES):
        count = mood.distribution.get(choice.score, 0)
        lines.append(f"    {choice.score} {choice.label:<6} {'█' * round(20 * count / total):<20} {count}")
    return lines


def _customer_moments(report: TeamDigest) -> list[str]:
    moments = report.moments
    lines = ["Customer moments", *(f"  {label}: {value}" for label, value in wording.moment_facts(moments))]
    if moments.excerpts:
        lines.append("  In their words (no names):")
        lines += [f"    {wording.tone_mark(q.tone)} “{q.text}”" for q in moments.excerpts]
    return lines


def _customer_ratings(report: TeamDigest) -> list[str]:
    if report.customer_ratings is None:
        return []
    return ["Customer ratings (helpdesk)", *(f"  {label}: {value}" for label, value in
                                             wording.rating_facts(report.customer_ratings, report.min_group))]


def _actions(report: TeamDigest) -> list[str]:
    if not report.actions:
        return []
    lines = [wording.actions_heading(report)]
    for action in report.actions:
        lines += [f"  {wording.action_title(action)}", f"    {wording.action_feedback(action, report.min_group)}",
                  *(f"    {label}: {statement}" for label, statement in wording.action_lines(action))]
    return [*lines, f"  ({wording.actions_footer(report)})"]
def _shared_notes(report: TeamDigest) -> list[str]:
    if not report.shared_notes:
        return []
    return [wording.shared_notes_heading(report),
            *(f"  {wording.shared_note_label(n)}: “{n.text}”" for n in report.shared_notes),
            f"  ({wording.SHARED_NOTES_FOOTER})"]


def _themes(report: TeamDigest) -> list[str]:
    lines = wording.theme_lines(report)
    if not lines:
        return []
    return [wording.themes_heading(report), *(f"  {name}: {value}" for name, value in lines),
            f"  ({wording.themes_footer(report)})"]


def _links(report: TeamDigest) -> list[str]:
    lines = wording.link_lines(report)
    if not lines:
        return []
    return [wording.LINKS_HEADING, *(f"  {label}: {statement}" for label, statement in lines)]


def _notices(report: TeamDigest) -> list[str]:
    return [f"Note: {notice}" for notice in report.notices]
