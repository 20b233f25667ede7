"""The digest's figures in words, one phrase per figure, shared by every renderer (Slack, Teams, console).

Why shared: a manager who reads the digest in Slack on Monday and in Teams on Tuesday should meet the same
words and numbers, and the parity test can hold every channel to one wording. Plain text only: each
renderer escapes user text (team names, touchpoints, quotes, notices) for its own markup.
"""
from __future__ import annotations

from handlers.insights.report import (
    ActionEffect,
    CustomerRatingFigures,
    LinkFigures,
    MomentFigures,
    MoodFigures,
    SharedNoteItem,
    TeamDigest,
    Theme,
)
from handlers.insights.stats import BEFORE_AFTER_WEEKS, BeforeAfter, Trend
from handlers.messages import MOOD_CHOICES

ARROWS = {"up": "↑", "down": "↓", "steady": "→"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def signed(value: float) -> str:
    """+0.21 / −0.21 with a real minus sign, so a negative tone is not read as a dash; never "−0.00"."""
    return f"{round(value, 2) + 0.0:+.2f}".replace("-", "−")


def title(report: TeamDigest) -> str:
    return f"{report.team} (organisation view)" if report.scope == "organisation" else report.team


def week_span(report: TeamDigest) -> str:
    return f"{report.iso_week}, {report.week_start:%d %b} – {report.week_end:%d %b %Y}"


def participation(report: TeamDigest) -> str:
    if report.mood is None:
        return f"too few answers to show ({report.members} members)"
    return f"{report.respondents} of {report.members} ({pct(report.participation)})"


def mood_mean(mood: MoodFigures) -> str:
    return f"{mood.mean:.2f} / 5"


def trend(value: Trend) -> str:
    return (f"{ARROWS.get(value.direction, '')} {value.direction}, {signed(value.change)} against the previous "
            f"{value.weeks} weeks' {value.baseline:.2f}").strip()


def distribution(mood: MoodFigures, separator: str = " · ") -> str:
    """Answers per score, best first: `😄 Great 1 · 🙂 Good 3 · …`."""
    return separator.join(f"{c.emoji} {c.label} {mood.distribution.get(c.score, 0)}" for c in reversed(MOOD_CHOICES))


def notes(mood: MoodFigures, min_group: int) -> str:
    if mood.note_sentiment is None:
        return f"{mood.note_count} notes; their tone is shown once at least {min_group} people write notes"
    return f"{mood.note_count} notes, overall tone {signed(mood.note_sentiment)} (−1 to +1)"


def logged(moments: MomentFigures) -> str:
    return f"{moments.logged} logged"


def shares(moments: MomentFigures) -> str:
    return f"{pct(moments.share_positive)} positive · {pct(moments.share_negative)} negative"


def moment_sentiment(moments: MomentFigures) -> str:
    return "—" if moments.mean_sentiment is None else f"{signed(moments.mean_sentiment)} (−1 to +1)"


def quality(moments: MomentFigures) -> str:
    return "—" if moments.quality_index is None else f"{moments.quality_index:.0f} / 100"


def touchpoints(moments: MomentFigures) -> str:
    return ", ".join(f"{t.touchpoint} ({t.moments})" for t in moments.top_touchpoints)


Fact = tuple[str, str]


def wellbeing_facts(report: TeamDigest) -> list[Fact]:
    """The Wellbeing section as (label, value) pairs, in reading order; each renderer adds the spread its way."""
    facts = [("Answered", participation(report))]
    mood = report.mood
    if mood is not None:
        facts.append(("Mood", mood_mean(mood)))
        if mood.trend is not None:
            facts.append(("Trend", trend(mood.trend)))
        facts.append(("Tone of notes", notes(mood, report.min_group)))
    return facts


def moment_facts(moments: MomentFigures, *, with_touchpoints: bool = True) -> list[Fact]:
    """The Customer moments section as (label, value) pairs: only what the privacy rules let through.
    `with_touchpoints=False`: for a renderer that shows the team-written touchpoint names apart."""
    facts = [("Moments", logged(moments))]
    if moments.share_positive is not None:
        facts += [("Positive / negative", shares(moments)), ("Mean sentiment", moment_sentiment(moments))]
    if moments.quality_index is not None:
        facts.append(("Quality index", quality(moments)))
    if with_touchpoints and moments.top_touchpoints:
        facts.append(("Top touchpoints", touchpoints(moments)))
    return facts


def csat_trend(value: Trend) -> str:
    points = f"{round(value.change) + 0:+d}".replace("-", "−")
    return (f"{ARROWS.get(value.direction, '')} {value.direction}, {points} points against the previous "
            f"{value.weeks} weeks' {value.baseline:.0f}%").strip()


def rating_facts(ratings: CustomerRatingFigures, min_group: int) -> list[Fact]:
    """The Customer ratings section (helpdesk CSAT) as (label, value) pairs: only what privacy lets through."""
    sources = [("Sources", ", ".join(ratings.sources))] if ratings.sources else []
    if ratings.agents is None:
        return [("Ratings", f"{ratings.ratings} ratings; CSAT is shown once at least {min_group} agents are rated"),
                *sources]
    facts = [("Ratings", f"{ratings.ratings} ratings from {ratings.agents} agents")]
    if ratings.csat is not None:
        facts.append(("CSAT", f"{ratings.csat:.0f}% satisfied"))
    if ratings.trend is not None:
        facts.append(("CSAT trend", csat_trend(ratings.trend)))
    if ratings.comment_sentiment is not None:
        facts.append(("Tone of comments", f"{signed(ratings.comment_sentiment)} (−1 to +1)"))
    return facts + sources


def tone_mark(tone: str) -> str:
    return "+" if tone == "positive" else "−"


LINK_MEASURES = {"customer_quality": "customer quality", "csat": "CSAT"}
LINKS_HEADING = "Wellbeing ↔ customers"
POOLED_LABEL = "Within teams, a week later · CSAT"


def link_lines(report: TeamDigest) -> list[Fact]:
    """The links section as (label, statement): each correlation, then the organisation's pooled estimate."""
    lines = [(link_label(link), link.statement) for link in report.links]
    if report.pooled_csat is not None:
        lines.append((POOLED_LABEL, report.pooled_csat.statement))
    return lines


def link_label(link: LinkFigures) -> str:
    when = {0: "Same week", 1: "A week later"}.get(link.lag_weeks, f"{link.lag_weeks} weeks later")
    return f"{when} · {LINK_MEASURES.get(link.measure, link.measure)}"


THEMES_HEADING = "What people raised"
SHARED_THEMES_HEADING = "Themes several teams raised"
TONES = {"positive": "positive on balance", "negative": "negative on balance", "neutral": "mixed or neutral"}


def themes_heading(report: TeamDigest) -> str:
    return SHARED_THEMES_HEADING if report.scope == "organisation" else THEMES_HEADING


def theme_value(theme: Theme) -> str:
    """`4 people · negative on balance (−0.42)`; the organisation view also says how many teams."""
    who = f"{theme.teams} teams, {theme.people} people" if theme.teams > 1 else f"{theme.people} people"
    return f"{who} · {TONES.get(theme.tone, theme.tone)} ({signed(theme.sentiment)})"


def theme_lines(report: TeamDigest) -> list[Fact]:
    """The themes section as (theme, value) pairs, most people first; empty when no theme passed privacy."""
    return [(theme.name, theme_value(theme)) for theme in report.themes]


def themes_footer(report: TeamDigest) -> str:
    return (f"From notes, customer moments and customers' comments; a theme is shown only when at least "
            f"{report.min_group} people raised it, never with a quote or a name.")


ACTIONS_HEADING = "Actions and what followed"
ORG_ACTIONS_HEADING = "Actions across teams and what followed"
EFFECT_NAMES = {"mood": "mood", "participation": "participation", "customer_quality": "customer quality",
                "csat": "CSAT"}
EFFECT_LABELS = {"mood": "Mood", "participation": "Participation", "customer_quality": "Customer quality",
                 "csat": "CSAT"}


def _weeks(n: int) -> str:
    return f"{n} shown week{'' if n == 1 else 's'}"


def _amount(measure: str, value: float) -> str:
    """Mood on its 1–5 scale; the others in points (participation: percentage points)."""
    return f"{value:.2f}" if measure == "mood" else f"{value:.1f} points"


def effect_too_early(measure: str, after: int, needed: int) -> str:
    return f"Too early to tell: {_weeks(after)} of {EFFECT_NAMES[measure]} after the action so far ({needed} needed)."


def effect_few_after(measure: str, after: int, before: int, needed: int) -> str:
    return (f"Can't tell: {_weeks(after)} of {EFFECT_NAMES[measure]} after the action and {before} before "
            f"({needed} needed after; weeks with too few answers are left out).")


def effect_no_baseline(measure: str, before: int, needed: int) -> str:
    return f"Can't tell: {_weeks(before)} of {EFFECT_NAMES[measure]} before the action ({needed} needed)."


def _signed_amount(measure: str, value: float) -> str:
    return signed(value) if measure == "mood" else f"{value + 0.0:+.1f}".replace("-", "−")


def effect_statement(measure: str, verdict: str, difference: float, low: float, high: float,
                     result: BeforeAfter) -> str:
    """After vs before in plain words, with the interval, never as a cause; a zero-wide interval at zero is said
    as no change, not as an interval."""
    name = EFFECT_NAMES[measure]
    subject = f"{name[0].upper()}{name[1:]}"
    if verdict == "unchanged":
        return (f"{subject} did not change: the same in the {_weeks(result.weeks_after)} after as in the "
                f"{result.weeks_before} before.")
    span = f"in the {_weeks(result.weeks_after)} after than the {result.weeks_before} before"
    interval = f"likely between {_signed_amount(measure, low)} and {_signed_amount(measure, high)}"
    if verdict == "cant_tell":
        return (f"Can't tell: {name} changed by {_signed_amount(measure, difference)} {span} ({interval}), "
                "which could easily be chance.")
    return (f"{subject} was {verdict} by {_amount(measure, abs(difference))} ({interval}) {span}; "
            "it may be for other reasons.")


def action_title(action: ActionEffect) -> str:
    """`#2 Fewer Friday meetings (from 2026-W40; done — ...)`; the organisation view names the team."""
    state = "open" if action.status == "open" else ("done — " + action.outcome if action.outcome else "done")
    who = f"{action.team}: " if action.team else ""
    return f"{who}#{action.number} {action.text} (from {action.iso_week}; {state})"


def no_feedback_totals(min_group: int) -> str:
    """Why an action shows no totals (handlers/action_feedback): too few answers, or too close to another's."""
    return (f"Feedback: no totals to show (they need at least {min_group} answers, move only in steps of "
            f"{min_group}, and are held back where two actions' answers could be compared).")


def action_feedback(action: ActionEffect, min_group: int) -> str:
    if action.answered is None or action.helps is None:
        return no_feedback_totals(min_group)
    return f"Feedback: {action.helps} of {action.answered} said it helps."


def action_lines(action: ActionEffect) -> list[Fact]:
    """(measure label, statement) for each figure measured around the action."""
    return [(EFFECT_LABELS.get(e.measure, e.measure), e.statement) for e in action.effects]


def actions_heading(report: TeamDigest) -> str:
    return ORG_ACTIONS_HEADING if report.scope == "organisation" else ACTIONS_HEADING


def actions_footer(report: TeamDigest) -> str:
    return (f"Up to {BEFORE_AFTER_WEEKS} whole weeks before the action's week against the weeks after, using only "
            "weekly figures this digest shows; a difference here does not show that the action caused it.")
SHARED_NOTES_HEADING = "Shared with you"
SHARED_NOTES_FOOTER = ("Shared anonymously by their authors: no names, no days, and the numbers are random, so the "
                       "order says nothing about who wrote when. Reply with `tandem reply N text`.")


def shared_notes_heading(report: TeamDigest) -> str:
    """`Shared with you: 2 open notes`; the section is left out when there is none."""
    count = len(report.shared_notes)
    return f"{SHARED_NOTES_HEADING}: {count} open note{'' if count == 1 else 's'}"


def shared_note_label(note: SharedNoteItem) -> str:
    """`#17`, the number a manager types in `tandem reply 17 …`; the renderer adds the (escaped) text."""
    return f"#{note.number}"


def headline(report: TeamDigest) -> str:
    """The line a manager reads first (and a notification shows): mood with its trend, quality, answers."""
    parts = []
    if report.mood is not None:
        mood = f"Mood {mood_mean(report.mood)}"
        if report.mood.trend is not None:
            mood += f" ({ARROWS.get(report.mood.trend.direction, '')} {report.mood.trend.direction} "
            mood += f"{signed(report.mood.trend.change)})"
        parts.append(mood)
    else:
        parts.append("Mood not shown (too few answers)")
    if report.moments.quality_index is not None:
        parts.append(f"customer quality {quality(report.moments)}")
    if report.customer_ratings is not None and report.customer_ratings.csat is not None:
        parts.append(f"CSAT {report.customer_ratings.csat:.0f}%")
    parts.append(f"{report.moments.logged} customer moments")
    if report.mood is not None:
        parts.append(f"{report.respondents} of {report.members} answered")
    return " · ".join(parts)


def privacy_footer(report: TeamDigest) -> str:
    return f"Figures need at least {report.min_group} people; individual answers are never shown."
