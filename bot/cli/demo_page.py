"""The demo's index.html: every team's weekly digests as a manager reads them, charts inline.

One self-contained page (styles inline, charts as data: URIs), readable offline and without JavaScript.
Built from the same wording as the chat digests, one function per digest section like the other renderers;
everything from the digest is HTML-escaped.
"""
from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from handlers.insights import wording
from handlers.insights.report import TeamDigest
from handlers.messages import MOOD_CHOICES, DigestMessage

STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:980px;padding:1rem 1.5rem;
color:#1d2733;background:#f6f7f9}
h1{font-size:1.6rem;margin:.5rem 0}h2{margin:2rem 0 .5rem;border-bottom:2px solid #2e4a62}
nav a{margin-right:1rem}table{border-collapse:collapse;margin:.5rem 0}
td,th{padding:.2rem .6rem;text-align:right;border-bottom:1px solid #dde}th:first-child,td:first-child{text-align:left}
article{background:#fff;border:1px solid #dde;border-radius:8px;padding:.8rem 1.2rem;margin:1rem 0}
article h3{margin:.2rem 0}.headline{font-weight:600;font-size:1.05rem}.muted{color:#5b6673;font-size:.9rem}
.cols{display:flex;flex-wrap:wrap;gap:0 2.5rem}
dl{display:grid;grid-template-columns:auto auto;gap:.1rem .8rem;margin:.4rem 0}
dt{color:#5b6673}dd{margin:0}blockquote{margin:.3rem 0;padding-left:.8rem;border-left:3px solid #ccd}
img{max-width:100%;height:auto;border:1px solid #eee}
"""


def render_page(messages: Sequence[DigestMessage], summary: str) -> str:
    """The whole page: the demo's summary table, then each team's digests week by week."""
    teams: dict[str, list[DigestMessage]] = {}
    for message in sorted(messages, key=lambda m: (m.report.team, m.report.iso_week)):
        teams.setdefault(message.report.team, []).append(message)
    nav = " ".join(f'<a href="#{_anchor(team)}">{escape(team)}</a>' for team in teams)
    intro = (f"<h1>Tandem demo: weekly digests</h1><p class=muted>What each manager received, one digest per "
             f"team and week, exactly as built by the digest code (figures need at least "
             f"{_min_group(messages)} people).</p><nav>{nav}</nav><pre>{escape(summary)}</pre>")
    body = [intro]
    for team, team_messages in teams.items():
        body.append(f'<h2 id="{_anchor(team)}">{escape(team)}</h2>')
        body += [digest_article(message) for message in team_messages]
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>Tandem demo digests</title>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{STYLE}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")


def digest_article(message: DigestMessage) -> str:
    report = message.report
    sections = (_top(report), _wellbeing(report), _customer_moments(report), _excerpts(report),
                _customer_ratings(report), _shared_notes(report), _themes(report), _actions(report), _links(report),
                _notices(report), _chart(message), f"<p class=muted>{escape(wording.privacy_footer(report))}</p>")
    return f"<article id=\"{_anchor(report.team)}-{report.iso_week}\">{''.join(sections)}</article>"


def _top(report: TeamDigest) -> str:
    return (f"<h3>{escape(wording.title(report))} · {escape(report.iso_week)}</h3>"
            f"<p class=headline>{escape(wording.headline(report))}</p>"
            f"<p class=muted>{escape(wording.week_span(report))}</p>")


def _facts(heading: str, pairs: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in pairs)
    return f"<div><strong>{escape(heading)}</strong><dl>{rows}</dl></div>"


def _wellbeing(report: TeamDigest) -> str:
    pairs = wording.wellbeing_facts(report)
    if report.mood is not None:
        pairs += [(f"{c.emoji} {c.label}", str(report.mood.distribution.get(c.score, 0)))
                  for c in reversed(MOOD_CHOICES)]
    return "<div class=cols>" + _facts("Wellbeing", pairs)


def _customer_moments(report: TeamDigest) -> str:
    return _facts("Customer moments", wording.moment_facts(report.moments)) + "</div>"


def _excerpts(report: TeamDigest) -> str:
    quotes = report.moments.excerpts
    if not quotes:
        return ""
    return "<strong>In their words</strong> <span class=muted>(no names)</span>" + "".join(
        f"<blockquote>{wording.tone_mark(q.tone)} “{escape(q.text)}”</blockquote>" for q in quotes)


def _customer_ratings(report: TeamDigest) -> str:
    if report.customer_ratings is None:
        return ""
    return _facts("Customer ratings (helpdesk)", wording.rating_facts(report.customer_ratings, report.min_group))


def _shared_notes(report: TeamDigest) -> str:
    if not report.shared_notes:
        return ""
    return (f"<strong>{escape(wording.shared_notes_heading(report))}</strong>" + "".join(
        f"<blockquote><strong>{escape(wording.shared_note_label(n))}</strong> “{escape(n.text)}”</blockquote>"
        for n in report.shared_notes) + f"<p class=muted>{escape(wording.SHARED_NOTES_FOOTER)}</p>")


def _themes(report: TeamDigest) -> str:
    lines = wording.theme_lines(report)
    if not lines:
        return ""
    return (_facts(wording.themes_heading(report), lines)
            + f"<p class=muted>{escape(wording.themes_footer(report))}</p>")


def _actions(report: TeamDigest) -> str:
    if not report.actions:
        return ""
    parts = [f"<p><strong>{escape(wording.actions_heading(report))}</strong></p>"]
    for action in report.actions:
        parts.append(f"<p><strong>{escape(wording.action_title(action))}</strong><br>"
                     f"{escape(wording.action_feedback(action, report.min_group))}</p>")
        parts.append(_facts("", wording.action_lines(action)))
    parts.append(f"<p class=muted>{escape(wording.actions_footer(report))}</p>")
    return "".join(parts)


def _links(report: TeamDigest) -> str:
    lines = wording.link_lines(report)
    if not lines:
        return ""
    return f"<p><strong>{escape(wording.LINKS_HEADING)}</strong></p>" + "".join(
        f"<p><strong>{escape(label)}:</strong> {escape(statement)}</p>" for label, statement in lines)


def _notices(report: TeamDigest) -> str:
    return "".join(f"<p class=muted>ℹ️ {escape(notice)}</p>" for notice in report.notices)


def _chart(message: DigestMessage) -> str:
    if not message.chart_png:
        return ""
    encoded = base64.b64encode(message.chart_png).decode("ascii")
    return (f"<img src=\"data:image/png;base64,{encoded}\" width=600 height=400 "
            f"alt=\"{escape(message.chart_alt, quote=True)}\">")


def _anchor(team: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in team.lower()).strip("-") or "team"


def _min_group(messages: Sequence[DigestMessage]) -> int:
    return min((m.report.min_group for m in messages), default=5)
