"""Every figure a digest's JSON carries is shown on Slack, Teams, the console (and the demo's page), and
nothing withheld is.

Driven by the JSON: each leaf of `TeamDigest.to_json()` must have a reading below (what a manager sees for
it, as patterns) or a justified place in NOT_FOR_READERS. A new field in `to_json` without either fails
here, and so does one a channel forgets to render. To add a section (CSAT, themes): add its readings here
and one section function to each renderer.
"""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.cli.demo_page import digest_article
from bot.console.render import render_digest_text
from bot.slack import render as slack_render
from bot.teams import render as teams_render
from handlers.insights.report import TeamDigest
from handlers.messages import MOOD_CHOICES, DigestMessage
from tests.support.digest_samples import full_digest, sample_actions, suppressed_digest

Json = dict[str, Any]
Reading = Callable[[Any, Json, Json], list[str]]  # (value, the object holding it, the digest) -> regexes


def _signed(value: float) -> str:
    return re.escape(f"{round(value, 2) + 0.0:+.2f}")


def _stated(value: float) -> str:
    """A figure inside a link statement, as stats.describe writes it."""
    return re.escape(f"{value:+.2f}")


def _pct(value: float) -> str:
    return re.escape(f"{value * 100:.0f}%")


def _label(score: str) -> str:
    return {str(c.score): c.label for c in MOOD_CHOICES}[score]


_EFFECT_LABELS: dict[str, str] = {"mood": "Mood", "participation": "Participation",
                                  "customer_quality": "Customer quality", "csat": "CSAT"}
_VERDICTS: dict[str, str] = {"too_early": "Too early to tell", "cant_tell": "Can't tell", "unchanged": "did not change",
             "higher": "was higher by", "lower": "was lower by"}


# --- what a reader must find for each leaf (list items: `[]`, distribution scores: `*`) -----------------------
READINGS: dict[str, Reading] = {
    "team": lambda v, o, d: [re.escape(v)],
    "scope": lambda v, o, d: ["organisation view"] if v == "organisation" else [],  # a team digest says no more
    "iso_week": lambda v, o, d: [re.escape(v)],
    "week_start": lambda v, o, d: [f"{date.fromisoformat(v):%d %b}"],
    "week_end": lambda v, o, d: [f"{date.fromisoformat(v):%d %b %Y}"],
    "members": lambda v, o, d: [rf"(of {v}\b|\b{v} members)"],
    # 0 with mood withheld is a placeholder, not a count (and is checked as withheld below)
    "respondents": lambda v, o, d: [rf"\b{v} of {d['members']}\b"] if d["mood"] else [],
    "participation": lambda v, o, d: [_pct(v)],
    "min_group": lambda v, o, d: [rf"at least {v} people"],
    "mood.mean": lambda v, o, d: [rf"Mood\W+{v:.2f} / 5"],
    "mood.distribution.*": lambda v, o, d: [],  # read with the score key, see _distribution below
    "mood.note_count": lambda v, o, d: [rf"\b{v} notes\b"],
    "mood.note_sentiment": lambda v, o, d: [rf"tone {_signed(v)}"],
    "mood.trend.baseline": lambda v, o, d: [rf"weeks' {v:.2f}"],
    "mood.trend.change": lambda v, o, d: [rf"{o['direction']},? {_signed(v)}"],
    "mood.trend.weeks": lambda v, o, d: [rf"previous {v} weeks"],
    "mood.trend.direction": lambda v, o, d: [rf"\b{v}\b"],
    "moments.logged": lambda v, o, d: [rf"\b{v} logged\b"],
    "moments.share_positive": lambda v, o, d: [rf"{_pct(v)} positive"],
    "moments.share_negative": lambda v, o, d: [rf"{_pct(v)} negative"],
    "moments.mean_sentiment": lambda v, o, d: [rf"Mean sentiment\W+{_signed(v)}"],
    "moments.quality_index": lambda v, o, d: [rf"Quality index\W+{v:.0f} / 100"],
    "moments.top_touchpoints[].touchpoint": lambda v, o, d: [rf"{re.escape(v)} \({o['moments']}\)"],
    "moments.top_touchpoints[].moments": lambda v, o, d: [rf"{re.escape(o['touchpoint'])} \({v}\)"],
    "moments.excerpts[].text": lambda v, o, d: [re.escape(f"“{v}”")],
    "moments.excerpts[].tone": lambda v, o, d: [("\\+" if v == "positive" else "-") + r"\s*" + re.escape(
        f"“{o['text']}”")],
    "notices[]": lambda v, o, d: [re.escape(v)],
    "links[].statement": lambda v, o, d: [re.escape(v)],
    "links[].lag_weeks": lambda v, o, d: ["Same week ·" if v == 0 else "A week later ·"],
    "links[].rho": lambda v, o, d: [rf"rank correlation {_stated(v)}"],
    "links[].low": lambda v, o, d: [rf"interval {_stated(v)} to"],
    "links[].high": lambda v, o, d: [rf"to {_stated(v)}"],
    "links[].p_value": lambda v, o, d: ["p < 0.01" if v < 0.01 else re.escape(f"p = {v:.2f}")],
    "links[].weeks": lambda v, o, d: [rf"\b{v} weeks\)"],
    "links[].measure": lambda v, o, d: [("· CSAT:" if v == "csat" else "· customer quality:")],
    "customer_ratings.ratings": lambda v, o, d: [rf"\b{v} ratings\b"],
    "customer_ratings.agents": lambda v, o, d: [rf"from {v} agents"],
    "customer_ratings.csat": lambda v, o, d: [rf"CSAT\W+{v:.0f}% satisfied"],
    "customer_ratings.trend.baseline": lambda v, o, d: [rf"weeks' {v:.0f}%"],
    "customer_ratings.trend.change": lambda v, o, d: [rf"{o['direction']},? {re.escape(f'{round(v):+d}')} points"],
    "customer_ratings.trend.weeks": lambda v, o, d: [rf"previous {v} weeks' \d+%"],
    "customer_ratings.trend.direction": lambda v, o, d: [rf"CSAT trend\W+\W*{v}\b"],
    "customer_ratings.comment_sentiment": lambda v, o, d: [rf"Tone of comments\W+{_signed(v)}"],
    "customer_ratings.sources[]": lambda v, o, d: [rf"Sources\W+[^\n]*{re.escape(v)}"],
    "pooled_csat.statement": lambda v, o, d: [re.escape("Within teams, a week later · CSAT:"), re.escape(v)],
    "pooled_csat.difference": lambda v, o, d: [rf"(higher|lower) by {abs(v):.1f} points"],
    "pooled_csat.low": lambda v, o, d: [rf"interval {re.escape(f'{v:+.1f}')} to"],
    "pooled_csat.high": lambda v, o, d: [rf"to {re.escape(f'{v:+.1f}')},"],
    "pooled_csat.teams": lambda v, o, d: [rf"Across {v} teams"],
    "pooled_csat.weeks": lambda v, o, d: [rf"from {v} team-weeks"],
    "themes[].name": lambda v, o, d: [rf"{re.escape(v)}\W+(\d+ teams, )?{o['people']} people"],
    "themes[].people": lambda v, o, d: [rf"{re.escape(o['name'])}\W+(\d+ teams, )?{v} people"],
    "themes[].tone": lambda v, o, d: [rf"{o['people']} people · {v} on balance" if v != "neutral"
                                      else rf"{o['people']} people · mixed or neutral"],
    "themes[].sentiment": lambda v, o, d: [rf"{o['people']} people · [a-z ]+ \({_signed(v)}\)"],
    "themes[].teams": lambda v, o, d: [rf"{re.escape(o['name'])}\W+{v} teams, "] if v > 1 else [],
    "themes[].known": lambda v, o, d: [],  # how a theme was found; a reader sees the name either way
    "actions[].number": lambda v, o, d: [rf"#{v} {re.escape(o['text'])}"],
    "actions[].text": lambda v, o, d: [rf"#{o['number']} {re.escape(o['text'])}"],
    "actions[].iso_week": lambda v, o, d: [rf"\(from {v};"],
    "actions[].status": lambda v, o, d: [rf"{v}\b" if v == "open" else rf"; {v}\b"],
    "actions[].outcome": lambda v, o, d: [rf"done — {re.escape(v)}\)"],
    "actions[].answered": lambda v, o, d: [rf"\b{o['helps']} of {v} said it helps"],
    "actions[].helps": lambda v, o, d: [rf"\b{v} of {o['answered']} said it helps"],
    "actions[].team": lambda v, o, d: [rf"{re.escape(v)}: #{o['number']}"],
    "actions[].effects[].measure": lambda v, o, d: [
        rf"{_EFFECT_LABELS[v]}[\W_]+{re.escape(o['statement'].replace('−', '-')[:20])}"],
    "actions[].effects[].verdict": lambda v, o, d: [_VERDICTS[v]],
    "actions[].effects[].statement": lambda v, o, d: [re.escape(v.replace("−", "-"))],
    "actions[].effects[].weeks_before": lambda v, o, d: [rf"\b{v} (shown weeks? of [a-z ]+ )?before"]
                                        if o["verdict"] != "too_early" else [],
    "actions[].effects[].weeks_after": lambda v, o, d: [rf"\b{v} shown weeks? (of [a-z ]+ )?after"]
                                       if o["difference"] is not None or o["verdict"] == "too_early" else [],
    "actions[].effects[].difference": lambda v, o, d: [_effect_amount(o["measure"], v, o["verdict"])],
    "actions[].effects[].low": lambda v, o, d: [rf"likely between {_effect_signed(o['measure'], v)} and"]
                               if o["verdict"] != "unchanged" else [_VERDICTS["unchanged"]],
    "actions[].effects[].high": lambda v, o, d: [rf" and {_effect_signed(o['measure'], v)}\)"]
                                if o["verdict"] != "unchanged" else [_VERDICTS["unchanged"]],
    "shared_notes[].number": lambda v, o, d: [rf"#{v}\W+“{re.escape(o['text'])}”",
                                              rf"Shared with you: {len(d['shared_notes'])} open notes?"],
    "shared_notes[].text": lambda v, o, d: [rf"#{o['number']}\W+“{re.escape(v)}”", r"tandem reply N text"],
}
def _effect_signed(measure: str, value: float) -> str:
    return _signed(value) if measure == "mood" else re.escape(f"{value + 0.0:+.1f}")


def _effect_amount(measure: str, value: float, verdict: str) -> str:
    if verdict == "unchanged":
        return _VERDICTS[verdict]
    if verdict == "cant_tell":
        return rf"changed by {_effect_signed(measure, value)} "
    return rf"{verdict} by " + (f"{abs(value):.2f}" if measure == "mood" else rf"{abs(value):.1f} points")

NOT_FOR_READERS: dict[str, str] = {
    "schema_version": "for programs reading the JSON",
    "suppressed": "a flag for programs; the notices say in words why figures are missing",
    "history[].iso_week": "the 12-week history is the chart (Slack upload, Teams image, `digest --format png`), "
                          "whose alt text states each series' range and last value",
    "history[].mood": "the chart (see history[].iso_week); this week's point is mood.mean",
    "history[].quality": "the chart; this week's point is moments.quality_index",
    "history[].participation": "the chart; this week's point is participation",
    "history[].csat": "the chart; this week's point is customer_ratings.csat",
}


def leaves(node: Any, path: str = "", holder: Json | None = None) -> Iterator[tuple[str, str, Any, Json]]:
    """(reading key, concrete path, value, the object holding it) for every scalar in the JSON."""
    if isinstance(node, dict):
        for key, value in node.items():
            generic = f"{path}.*" if path == "mood.distribution" else (f"{path}.{key}" if path else key)
            for key_path, concrete, leaf, parent in leaves(value, generic, node):
                yield key_path, concrete.replace("*", key, 1) if generic.endswith("*") else concrete, leaf, parent
    elif isinstance(node, list):
        for index, value in enumerate(node):
            for key_path, concrete, leaf, parent in leaves(value, f"{path}[]", holder):
                yield key_path, concrete.replace("[]", f"[{index}]", 1), leaf, parent
    else:
        yield path, path, node, holder or {}


def _distribution(concrete: str, value: int) -> list[str]:
    return [rf"{_label(concrete.rsplit('.', 1)[1])}\W*{value}\b"]


def readings(data: Json) -> dict[str, list[str]]:
    """Concrete path -> patterns a reader must find, for every leaf that is not None."""
    out: dict[str, list[str]] = {}
    for key, concrete, value, holder in leaves(data):
        if value is None or key in NOT_FOR_READERS:
            continue
        if key not in READINGS:
            raise AssertionError(f"{key} is in the digest JSON but has no reading in this test: render it in "
                                 "Slack, Teams and the console and add it to READINGS (or, with a reason, to "
                                 "NOT_FOR_READERS)")
        patterns = _distribution(concrete, value) if key == "mood.distribution.*" else READINGS[key](value, holder,
                                                                                                       data)
        out[concrete] = patterns
    return out


# --- what each channel shows, as plain text ------------------------------------------------------------------------
def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_text(message: DigestMessage) -> str:
    parts: list[str] = []
    for block in slack_render.message_payload(message)["blocks"]:
        if "text" in block:
            parts.append(block["text"]["text"])
        parts += [field["text"] for field in block.get("fields", [])]
        parts += [element["text"] for element in block.get("elements", [])
                  if isinstance(element.get("text"), str)]  # context texts; buttons' labels are not figures
    return _unescape("\n".join(parts))


def teams_text(message: DigestMessage) -> str:
    card = teams_render.card_for(message)
    assert card is not None
    parts: list[str] = []
    for element in card["body"]:
        if element["type"] == "TextBlock":
            parts.append(element["text"])
        elif element["type"] == "RichTextBlock":
            parts.append("".join(run["text"] for run in element["inlines"]))
        elif element["type"] == "FactSet":
            parts += [f"{fact['title']}: {fact['value']}" for fact in element["facts"]]
    return "\n".join(parts)


def console_text(message: DigestMessage) -> str:
    return render_digest_text(message.report)


def demo_page_text(message: DigestMessage) -> str:
    """The demo's index.html article as a browser shows its text (tags and the chart's attributes dropped)."""
    return html.unescape(re.sub(r"<[^>]+>", " ", digest_article(message)))


CHANNELS: dict[str, Callable[[DigestMessage], str]] = {"slack": slack_text, "teams": teams_text,
                                                       "console": console_text, "demo page": demo_page_text}


def shown(message: DigestMessage) -> dict[str, str]:
    """Each channel's rendering, with minus signs and line breaks made uniform for matching."""
    return {name: " ".join(render(message).replace("−", "-").split()) for name, render in CHANNELS.items()}


def missing(message: DigestMessage) -> list[str]:
    texts = shown(message)
    return [f"{channel} does not show {path} ({pattern!r})"
            for path, patterns in readings(message.report.to_json()).items() for pattern in patterns
            for channel, text in texts.items() if not re.search(pattern, text)]


def withheld_paths(full: Json, suppressed: Json) -> list[str]:
    """Paths with a figure in the full digest and none in the suppressed one (None, or gone with its parent)."""
    present = {concrete: value for _, concrete, value, _ in leaves(suppressed)}
    paths = [concrete for _, concrete, value, _ in leaves(full) if value is not None and present.get(concrete) is None]
    return paths + (["respondents"] if suppressed["suppressed"] else [])


def leaked(full: DigestMessage, suppressed: DigestMessage) -> list[str]:
    expected = readings(full.report.to_json())
    texts = shown(suppressed)
    return [f"{channel} shows withheld {path} ({pattern!r})"
            for path in withheld_paths(full.report.to_json(), suppressed.report.to_json())
            for pattern in expected.get(path, []) for channel, text in texts.items() if re.search(pattern, text)]


def _message(report: TeamDigest) -> DigestMessage:
    return DigestMessage(report=report, chart_png=b"\x89PNG", chart_alt="Chart of Support")


def _nulls(node: Any, path: str = "") -> list[str]:
    return [concrete for _, concrete, value, _ in leaves(node) if value is None] + [
        key for key in ("top_touchpoints", "excerpts") if not node["moments"][key]] + [
        key for key in ("notices", "links", "history") if not node[key]]


def test_the_full_digest_carries_every_figure() -> None:
    data = full_digest().to_json()
    assert _nulls(data) == [] and data["mood"]["trend"] is not None
    assert [(link["measure"], link["lag_weeks"]) for link in data["links"]] == [
        ("customer_quality", 0), ("customer_quality", 1), ("csat", 0), ("csat", 1)]


@pytest.mark.parametrize("scope", ["team", "organisation"])
def test_every_figure_of_a_full_digest_is_shown_on_every_channel(scope: str) -> None:
    report = full_digest()
    if scope == "organisation":
        report = replace(report, team="All teams", scope="organisation")
    assert missing(_message(report)) == []


def test_actions_too_early_or_with_few_answers_are_shown_in_their_words_on_every_channel() -> None:
    actions = sample_actions()
    assert {e.verdict for e in actions[1].effects} == {"too_early"} and actions[2].answered is None
    report = replace(full_digest(), actions=actions)
    assert missing(_message(report)) == []
    for text in shown(_message(report)).values():
        assert "Feedback: no totals to show (they need at least 5 answers" in text
        assert "2 of 1" not in text and "1 of 2" not in text  # Billing's feedback under min_group is not shown


def test_a_suppressed_digest_shows_what_it_carries_and_nothing_it_withholds() -> None:
    full, suppressed = _message(full_digest()), _message(suppressed_digest())
    data = suppressed.report.to_json()
    assert data["mood"] is None and data["moments"]["quality_index"] is None and data["notices"]
    assert len(withheld_paths(full.report.to_json(), data)) > 20
    assert missing(suppressed) == []
    assert leaked(full, suppressed) == []


def test_a_new_figure_in_the_json_fails_until_it_has_a_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    original = TeamDigest.to_json
    monkeypatch.setattr(TeamDigest, "to_json", lambda self: original(self) | {"themes": {"count": 3}})
    with pytest.raises(AssertionError, match=r"themes\.count is in the digest JSON but has no reading"):
        missing(_message(full_digest()))


@pytest.mark.parametrize(("module", "section"), [(slack_render, "_links"), (teams_render, "_excerpts"),
                                                 (slack_render, "_customer_moments"), (teams_render, "_wellbeing")])
def test_a_channel_that_drops_a_section_fails(monkeypatch: pytest.MonkeyPatch, module: Any, section: str) -> None:
    monkeypatch.setattr(module, section, lambda report: [])
    found = missing(_message(full_digest()))
    assert found and all(line.startswith(("slack", "teams")) for line in found), found


def test_a_channel_that_shows_a_withheld_figure_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    full = _message(full_digest())
    mood = full.report.mood
    assert mood is not None
    monkeypatch.setattr(slack_render, "_wellbeing", lambda report: [slack_render.section(
        f"Mood {mood.mean:.2f} / 5")])
    assert any("slack shows withheld mood.mean" in line for line in leaked(full, _message(suppressed_digest())))


def test_readings_cover_exactly_the_leaves_a_full_digest_has() -> None:
    keys = {key for key, *_ in leaves(full_digest().to_json())}
    assert keys - set(READINGS) - set(NOT_FOR_READERS) == set()
    assert set(READINGS) | set(NOT_FOR_READERS) == keys, "a reading for a field the digest no longer has"
    assert json.dumps(full_digest().to_json())  # the JSON the readings walk is the stored one
