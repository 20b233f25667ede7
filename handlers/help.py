"""`/tandem help`: the commands the caller may use, by section, as the command table lists them."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.messages import Help

TITLE = "Tandem — what you can do"


@dataclass(frozen=True)
class HelpLine:
    section: str
    usage: str
    summary: str


def help_for(lines: Sequence[HelpLine], sections: Sequence[str]) -> Help:
    """The lines grouped under their sections, in the sections' order; empty sections are left out."""
    grouped = [(section, tuple(f"{line.usage} — {line.summary}" for line in lines if line.section == section))
               for section in sections]
    return Help(title=TITLE, sections=tuple((name, shown) for name, shown in grouped if shown))
