"""Plain-text rendering of platform-neutral messages for the terminal (console, demo, `digest --format text`)."""
from __future__ import annotations

from handlers.insights.report import TeamDigest
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


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _signed(value: float, spec: str = "+.2f") -> str:
    return format(value, spec).replace("-", "−")


def render_digest_text(report: TeamDigest) -> str:
    """The digest for a terminal or a text file; no names, no individual answers."""
    title = "organisation view" if report.scope == "organisation" else report.team
    lines = [f"Tandem weekly digest — {title}, {report.iso_week} "
             f"({report.week_start:%d %b} – {report.week_end:%d %b %Y})", ""]
    lines.append("Wellbeing")
    if report.mood is not None:
        mood = report.mood
        lines.append(f"  Participation: {report.respondents} of {report.members} ({_pct(report.participation)})")
        trend = ""
        if mood.trend is not None:
            trend = (f"   ({mood.trend.direction}, {_signed(mood.trend.change)} against the previous "
                     f"{mood.trend.weeks} weeks' {mood.trend.baseline:.2f})")
        lines.append(f"  Mood: {mood.mean:.2f} / 5{trend}")
        total = sum(mood.distribution.values()) or 1
        for choice in reversed(MOOD_CHOICES):
            count = mood.distribution.get(choice.score, 0)
            lines.append(f"    {choice.score} {choice.label:<6} {'█' * round(20 * count / total):<20} {count}")
        if mood.note_sentiment is not None:
            lines.append(f"  Notes: {mood.note_count} written, overall tone {_signed(mood.note_sentiment)} (−1 to +1)")
    lines.append("")
    lines.append("Customer moments")
    moments = report.moments
    lines.append(f"  Logged: {moments.logged}")
    if moments.share_positive is not None:
        lines.append(f"  Positive: {_pct(moments.share_positive)}   Negative: {_pct(moments.share_negative)}   "
                     f"Mean sentiment: {_signed(moments.mean_sentiment or 0.0)}")
    if moments.quality_index is not None:
        lines.append(f"  Quality index: {moments.quality_index:.0f} / 100")
    if moments.top_touchpoints:
        lines.append("  Top touchpoints: " + ", ".join(f"{t.touchpoint} ({t.moments})" for t in moments.top_touchpoints))
    for quote in moments.excerpts:
        lines.append(f"  {'+' if quote.tone == 'positive' else '−'} “{quote.text}”")
    if report.links:
        lines.append("")
        lines.append("Wellbeing and customer quality")
        lines.extend(f"  {link.statement}" for link in report.links)
    if report.notices:
        lines.append("")
        lines.extend(f"Note: {notice}" for notice in report.notices)
    lines.append("")
    lines.append(f"Figures need at least {report.min_group} respondents; individual answers are never shown.")
    return "\n".join(lines)
