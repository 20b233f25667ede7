"""The one rule for what counts as an email address, for helpdesk agents, links and the org chart."""
from __future__ import annotations

import re

MAX_EMAIL = 320
EMAIL = re.compile(r"[^@\s<>()\[\]|,;:\"]+@[^@\s<>()\[\]|,;:\"]+\.[^@\s<>()\[\]|,;:\".]+")


def clean_email(value: object) -> str | None:
    """A plausible email, lower-cased, or None (agents without one stay unattributed until linked)."""
    if not isinstance(value, str):
        return None
    email = value.strip().lower()
    return email if len(email) <= MAX_EMAIL and EMAIL.fullmatch(email) else None
