"""`python -m bot org import FILE.csv [--dry-run] [--workspace W]`: teams and managers from an HR export.

The whole file is applied in one unit of work, so an import takes effect entirely or not at all; a dry run
is the same work rolled back, so it shows exactly what importing would change and stores nothing.
"""
from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from bot import units
from bot.config import Settings
from bot.wiring import Deps, build_ready
from handlers.teamsync.org_chart import NoWorkspace, import_org_chart, target_workspace
from handlers.teamsync.org_report import OrgImport
from handlers.teamsync.org_rows import BadOrgFile, OrgChart, read_org_chart

USAGE = "usage: python -m bot org import FILE.csv [--dry-run] [--workspace W]"


def read_file(path: str) -> OrgChart:
    """The chart in the file; BadOrgFile saying why it cannot be read at all."""
    file = Path(path)
    if not file.is_file():
        raise BadOrgFile(f"no such file: {path}")
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise BadOrgFile(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise BadOrgFile(f"{file.name} is not a CSV text file (save it from the spreadsheet as CSV UTF-8)") from None
    if "\x00" in text:
        raise BadOrgFile(f"{file.name} is not a CSV text file (it contains binary data)")
    return read_org_chart(io.StringIO(text, newline=""))


async def import_chart(deps: Deps, chart: OrgChart, *, file: str, dry_run: bool = False,
                       workspace: str | None = None, progress: Callable[[int], object] | None = None) -> OrgImport:
    """The chart applied in one unit of work (rolled back for a dry run); NoWorkspace when it has no target."""
    async with units.unit_of_work(deps) as ctx:
        chosen = await target_workspace(ctx, workspace)
        report = await import_org_chart(ctx, chosen, chart, file=file, progress=progress)
        if dry_run:
            await ctx.session.rollback()
    return report


async def run_org_import(settings: Settings, path: str, *, dry_run: bool = False, workspace: str | None = None) -> int:
    """0 when every row was imported cleanly, 1 when some lines had problems (the rest applied), 2 when the file
    or the workspace could not be used (nothing changed)."""
    try:
        chart = read_file(path)
    except BadOrgFile as error:
        print(f"tandem: {error}\n{USAGE}", file=sys.stderr)
        return 2
    name = Path(path).name
    deps = await build_ready(settings)
    try:
        with tqdm(total=len(chart.rows), unit="row", desc=f"Importing {name}", file=sys.stderr,
                  disable=None) as bar:
            report = await import_chart(deps, chart, file=name, dry_run=dry_run, workspace=workspace,
                                        progress=bar.update)
    except NoWorkspace as error:
        print(f"tandem: {error}\n{USAGE}", file=sys.stderr)
        return 2
    finally:
        await deps.close()
    print(report.summary(name, dry_run))
    return 1 if report.problems else 0
