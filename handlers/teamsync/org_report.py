"""What an org chart import changed (or, in a dry run, would change), team by team, and the problems by line."""
from __future__ import annotations

from dataclasses import dataclass, field

from handlers.teamsync.apply import SyncChange
from handlers.teamsync.org_rows import Problem
from handlers.teamsync.outcome import describe_change

TEAMS_SHOWN = 40
PROBLEMS_SHOWN = 30


@dataclass(frozen=True)
class TeamImport:
    team: str
    created: bool
    change: SyncChange
    rows: int  # 0: the team follows the org chart but the file no longer names it


@dataclass
class OrgImport:
    rows: int = 0
    teams: list[TeamImport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(t.created or t.change.changed for t in self.teams)

    def summary(self, file: str, dry_run: bool) -> str:
        changed = [t for t in self.teams if t.created or t.change.changed]
        skipped = sum(1 for p in self.problems if p.skipped)
        warnings = len(self.problems) - skipped
        lead = f"{file}: {self.rows:,} row(s) for {sum(1 for t in self.teams if t.rows):,} team(s)"
        if skipped or warnings:
            lead += f"; {skipped:,} error(s) (those rows skipped), {warnings:,} warning(s)"
        lines = [lead + "."]
        if not self.teams:
            lines.append("No row could be imported, so nothing changed (teams that follow the org chart keep "
                         "their members).")
        elif dry_run:
            lines.append("Dry run: nothing was stored. Importing it would change:" if changed
                         else "Dry run: nothing was stored, and importing it would change nothing.")
        elif not changed:
            lines.append("Nothing changed: the teams already match the file.")
        if changed:
            joined, left = sum(len(t.change.joined) for t in changed), sum(len(t.change.left) for t in changed)
            created = sum(1 for t in changed if t.created)
            lines.append(f"{created:,} team(s) created, {joined:,} membership(s) started, {left:,} ended "
                         "(past weeks are kept):")
            lines += [f"  {t.team}{' (new)' if t.created else ''}: {describe_change(t.change)}"
                      for t in changed[:TEAMS_SHOWN]]
            if len(changed) > TEAMS_SHOWN:
                lines.append(f"  … and {len(changed) - TEAMS_SHOWN:,} more team(s) changed.")
        lines += [f"  line {p.line}: {'' if p.skipped else 'warning: '}{p.reason}"
                  for p in sorted(self.problems, key=lambda p: p.line)[:PROBLEMS_SHOWN]]
        if len(self.problems) > PROBLEMS_SHOWN:
            lines.append(f"  … and {len(self.problems) - PROBLEMS_SHOWN:,} more problem line(s).")
        return "\n".join(lines)
