"""Text crossing the Slack boundary: Slack's escaped markup in, mrkdwn-safe text out.

Why: Tandem stores what people wrote as plain text and shows it again to others (digests, App Home).
Anything a person typed — `<!channel>`, `<@U123>`, a `<https://...|link>` — must be shown as the
characters they typed and never ping anyone or render as a mention or link.
"""
from __future__ import annotations

import re

_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def escape_mrkdwn(text: str) -> str:
    """Slack's three control characters as entities: no mention, broadcast or link can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain_markup(match: re.Match[str]) -> str:
    inner = match.group(1)
    target, _, label = inner.partition("|")
    if target.startswith("@"):  # <@U123> or <@U123|bob>: keep the id, which commands can resolve
        return target
    if target.startswith("#"):
        return f"#{label}" if label else target
    if target.startswith("!"):  # <!here>, <!channel>, <!subteam^S1|@team>, <!date^...|fallback>
        if label:
            return label
        return "@" + target[1:].split("^", 1)[0]
    if target.startswith("mailto:"):  # Slack links every email typed: the address is what was meant
        return target.removeprefix("mailto:")
    if label:
        return f"{label} ({target})"
    return target


def from_slack(text: str | None) -> str:
    """What a person typed, from Slack's wire form: markup to plain words, then entities decoded."""
    if not isinstance(text, str) or not text:  # a hostile body may carry any JSON here
        return ""
    plain = _SLACK_MARKUP.sub(_plain_markup, text)
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, with an ellipsis when cut (Block Kit rejects longer fields)."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def safe_mrkdwn(text: str, limit: int = 3000) -> str:
    """User text escaped for mrkdwn and clipped so the escaped form fits `limit` (entities never cut)."""
    budget = limit
    while True:
        escaped = escape_mrkdwn(clip(text, budget))
        if len(escaped) <= limit:
            return escaped
        budget -= len(escaped) - limit
