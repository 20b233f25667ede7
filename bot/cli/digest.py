"""`python -m bot digest`: team digests in the terminal, as text or JSON, or their charts as PNG files."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from bot.config import Settings
from bot.console.render import render_digest_text
from bot.wiring import build_ready
from handlers.commands import parse_iso_week
from handlers.digest import whole_week
from handlers.errors import TandemError
from handlers.insights.build import build_digests
from handlers.insights.chart import render_chart
from handlers.insights.report import TeamDigest
from storage import teams as team_store

CHART_DIR = Path("digest-charts")


async def print_digests(settings: Settings, *, team: str | None, week: str | None, output: str,
                        chart_dir: Path = CHART_DIR) -> int:
    deps = await build_ready(settings)
    try:
        async with deps.context() as ctx:
            try:
                requested = parse_iso_week(week) if week else None
                iso_week = whole_week(requested, ctx.clock.now().date())
            except TandemError as error:
                print(f"tandem: {error.text()}", file=sys.stderr)
                return 2
            rows = await team_store.all_teams(ctx.session)
            chosen = [(t, w) for t, w in rows if team is None or t.name.lower() == team.lower()]
            if not chosen:
                known = ", ".join(sorted({t.name for t, _ in rows})) or "none yet"
                print(f"tandem: no team {'called ' + repr(team) if team else 'exists'} (teams: {known})",
                      file=sys.stderr)
                return 2
            reports: list[TeamDigest] = []
            for workspace in {w.id: w for _, w in chosen}.values():  # one batch per workspace: its own min_group
                batch = [t for t, w in chosen if w.id == workspace.id]
                reports += await build_digests(ctx, batch, iso_week, workspace.min_group)
        if output == "json":
            print(json.dumps([r.to_json() for r in reports], indent=2, ensure_ascii=False))
        elif output == "png":
            write_charts(reports, chart_dir)
        else:
            print("\n\n".join(render_digest_text(r) for r in reports))
        return 0
    finally:
        await deps.close()


def write_charts(reports: list[TeamDigest], directory: Path) -> list[Path]:
    """One PNG per digest, named WEEK-team.png, with its alt text printed next to the path."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for report in reports:
        png, alt = render_chart(report)
        slug = re.sub(r"[^a-z0-9]+", "-", report.team.lower()).strip("-") or "team"
        path = directory / f"{report.iso_week}-{slug}.png"
        path.write_bytes(png)
        written.append(path)
        print(f"{path}\n  alt: {alt}")
    return written
