"""`python -m bot cx import FILE.csv` and `python -m bot cx status`: ratings from any tool, and where each
helpdesk stands.

The import reads the file in batches: each batch is judged (scales, dates, emails, comment sentiment)
outside the database, then stored in one unit of work, so an interrupted import keeps what it stored and
running it again adds only the rest.
"""
from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from bot import units
from bot.cli.cx_reader import ReaderProcess
from bot.config import Settings
from bot.wiring import Deps, build_ready
from handlers.context import Ctx
from handlers.cx.csv_rows import BadFile, CsvLayout, RowError, parse_mapping
from handlers.cx.ingest import IngestResult, store_deliveries
from handlers.cx.scales import BadRating, canonical_scale
from handlers.cx.status import status_lines
from handlers.localtime import is_known_zone, zone
from storage import ratings as store

BATCH = 10_000  # rows a transaction: larger batches cost memory, smaller ones time (21k vs 30k rows/s stored)
ERRORS_SHOWN = 20


@dataclass
class ImportReport:
    rows: int = 0
    added: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)

    def summary(self, dry_run: bool) -> str:
        verb = "would add" if dry_run else "added"
        lines = [f"Read {self.rows:,} row(s): {verb} {self.added:,}, {self.duplicates:,} already stored, "
                 f"{len(self.errors):,} with errors" + (" (dry run: nothing stored)." if dry_run else ".")]
        lines += [f"  line {error.line}: {error.reason}" for error in self.errors[:ERRORS_SHOWN]]
        if len(self.errors) > ERRORS_SHOWN:
            lines.append(f"  … and {len(self.errors) - ERRORS_SHOWN:,} more.")
        return "\n".join(lines)


async def import_csv(deps: Deps, raw: BinaryIO, layout: CsvLayout, *, encoding: str = "utf-8-sig",
                     dry_run: bool = False, progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import one CSV stream; BadFile when the file as a whole cannot be read (nothing is stored then).

    A child process reads and judges the file (bot/cli/cx_reader.py) while this one stores each batch.
    """
    report, position = ImportReport(), raw.tell()
    reader = ReaderProcess(raw, layout, encoding, deps.scorer, deps.clock.now(), BATCH)
    try:
        while (batch := await asyncio.to_thread(reader.next_batch)) is not None:
            report.rows += batch.read
            report.errors.extend(batch.errors)
            await _store(deps, batch.rows, report, dry_run)
            if progress is not None:
                progress(batch.position - position)
            position = batch.position
    finally:
        reader.close()
    return report


async def _store(deps: Deps, batch: list[dict[str, object]], report: ImportReport, dry_run: bool) -> None:
    if not batch:
        return

    async def store_batch(ctx: Ctx) -> IngestResult:
        if dry_run:
            known = await store.stored_ids(ctx.session, str(batch[0]["source"]),
                                           [str(row["external_id"]) for row in batch])
            fresh = {str(row["external_id"]) for row in batch} - known
            return IngestResult(added=len(fresh), duplicates=len(batch) - len(fresh))
        [result] = await store_deliveries(ctx.session, [batch], ctx.clock.now())
        return result

    result = await units.run_plain(deps, store_batch)
    report.added += result.added
    report.duplicates += result.duplicates


@dataclass(frozen=True)
class ImportOptions:
    """The command line of `cx import`, as typed."""

    source: str = "csv"
    maps: tuple[str, ...] = ()
    scale: str | None = None
    date_format: str | None = None
    zone_name: str | None = None
    encoding: str = "utf-8-sig"
    dry_run: bool = False


async def run_import(settings: Settings, path: str, options: ImportOptions) -> int:
    """The CLI: 0 when every row was good, 1 when some rows had errors (the rest are stored), 2 for a bad file."""
    try:
        layout = layout_from(options)
    except (BadFile, BadRating) as error:
        print(f"tandem: {error}", file=sys.stderr)
        return 2
    file = Path(path)
    if not file.is_file():
        print(f"tandem: no such file: {path}", file=sys.stderr)
        return 2
    deps = await build_ready(settings)
    try:
        with file.open("rb") as raw, tqdm(total=file.stat().st_size, unit="B", unit_scale=True, file=sys.stderr,
                                          desc=f"Importing {file.name}", disable=None) as bar:
            report = await import_csv(deps, raw, layout, encoding=options.encoding, dry_run=options.dry_run,
                                      progress=bar.update)
    except (BadFile, BadRating) as error:
        print(f"tandem: {file.name}: {error}", file=sys.stderr)
        return 2
    except LookupError:
        print(f"tandem: unknown encoding {options.encoding!r} (try utf-8 or cp1252)", file=sys.stderr)
        return 2
    finally:
        await deps.close()
    print(report.summary(options.dry_run))
    return 1 if report.errors else 0


async def run_status(settings: Settings) -> int:
    deps = await build_ready(settings)
    try:
        async with deps.context() as ctx:
            lines = await status_lines(ctx.session, ctx.clock.now(), settings.domain.workspace.timezone,
                                       None)
    finally:
        await deps.close()
    print("\n".join(lines))
    return 0


def layout_from(options: ImportOptions) -> CsvLayout:
    """The command line's options as a layout; BadFile or BadRating naming the first bad one."""
    if options.zone_name and not is_known_zone(options.zone_name):
        raise BadFile(f"unknown time zone {options.zone_name!r} (use an IANA name such as Europe/London)")
    source = options.source
    if not source or len(source) > 30 or not source.replace("-", "").replace("_", "").isalnum():
        raise BadFile(f"--source {source[:40]!r}: use up to 30 letters, digits, - or _")
    return CsvLayout(source=source.lower(), columns=parse_mapping(list(options.maps)),
                     scale=canonical_scale(options.scale) if options.scale else None,
                     date_format=options.date_format, zone=zone(options.zone_name) if options.zone_name else UTC)
