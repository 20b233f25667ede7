"""CSV files of ratings from any tool (NPS exports, spreadsheets) read into IncomingRating, row by row.

Default columns: `rated_at`, `agent_email`, `rating`, `scale`, and optionally `comment`, `ticket_id`
and `id`. Other names are mapped (`rating=Score`); a file without a scale column takes one scale for
every row. Without an `id` column a row's id is a digest of what it says, so importing the same file
twice adds nothing (two identical rows of one file count once).
"""
from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO, TextIO

from handlers.cx.emails import clean_email
from handlers.cx.ingest import IncomingRating, row_for
from handlers.cx.scales import BadRating, canonical_scale
from handlers.sentiment import Scorer

COLUMNS = ("rated_at", "agent_email", "rating", "scale", "comment", "ticket_id", "id")
REQUIRED = ("rated_at", "agent_email", "rating")
MAX_FIELD = 100_000  # a field longer than this is not a rating export (csv's own limit is 131,072)


class BadFile(ValueError):
    """The file as a whole cannot be read (no header, a required column missing, an unknown scale)."""


@dataclass(frozen=True)
class CsvLayout:
    """How to read one file: which header names hold which column, and what to assume when absent."""

    source: str = "csv"
    columns: Mapping[str, str] = field(default_factory=dict)  # Tandem's column → the file's header
    scale: str | None = None  # for files without a scale column
    date_format: str | None = None  # strptime format; default ISO 8601
    zone: tzinfo = UTC  # for times written without an offset

    def header_of(self, column: str) -> str:
        return self.columns.get(column, column)


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`column=Header` pairs from the command line; BadFile naming the first bad one."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, header = pair.partition("=")
        column = column.strip().lower()
        if not sep or column not in COLUMNS or not header.strip():
            raise BadFile(f"--map {pair!r}: write COLUMN=HEADER with COLUMN one of {', '.join(COLUMNS)}")
        mapping[column] = header.strip()
    return mapping


class RatingRows:
    """Reads a CSV stream into (line, rating) and (line, error): good rows are never lost to a bad one."""

    def __init__(self, stream: TextIO, layout: CsvLayout) -> None:
        csv.field_size_limit(MAX_FIELD)
        self.layout = layout
        self.source = f"csv:{layout.source}" if layout.source != "csv" else "csv"
        self._reader = csv.reader(stream)
        header = next(self._reader, None)
        if not header:
            raise BadFile("the file is empty: the first line must name the columns "
                          f"({', '.join(COLUMNS[:4])}, ...)")
        names = [name.strip().lstrip("\ufeff") for name in header]
        self._index = {column: names.index(layout.header_of(column)) for column in COLUMNS
                       if layout.header_of(column) in names}
        missing = [layout.header_of(c) for c in REQUIRED if c not in self._index]
        if "scale" not in self._index and layout.scale is None:
            missing.append(layout.header_of("scale") + " (or --scale for the whole file)")
        if missing:
            raise BadFile(f"the header has no column {', '.join(repr(m) for m in missing)}; it has "
                          f"{', '.join(repr(n) for n in names[:12])}. Map names with --map COLUMN=HEADER.")
        self._scale = canonical_scale(layout.scale) if layout.scale else None
        self._scales: dict[str, str] = {}

    def __iter__(self) -> Iterator[tuple[int, IncomingRating | RowError]]:
        while True:
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield self._reader.line_num, RowError(self._reader.line_num, f"unreadable CSV: {error}")
                continue
            line = self._reader.line_num
            if not any(value.strip() for value in values):
                continue  # blank lines are not rows
            try:
                yield line, self._rating(values)
            except BadRating as error:
                yield line, RowError(line, str(error))

    def _get(self, values: list[str], column: str) -> str:
        at = self._index.get(column)
        return values[at].strip() if at is not None and at < len(values) else ""

    def _rating(self, values: list[str]) -> IncomingRating:
        scale = self._scale_of(values)
        raw_email = self._get(values, "agent_email")
        email = clean_email(raw_email)
        if email is None:
            raise BadRating(f"{raw_email[:60]!r} is not an agent email" if raw_email else "no agent_email")
        rating, when = self._get(values, "rating"), self._get(values, "rated_at")
        if not rating:
            raise BadRating("no rating")
        comment, ticket = self._get(values, "comment"), self._get(values, "ticket_id")
        external = self._get(values, "id") or hashlib.sha1("\x1f".join(
            (when, email, rating, scale, ticket, comment)).encode()).hexdigest()
        return IncomingRating(source=self.source, external_id=external, rated_at=self._when(when), value=rating,
                              scale=scale, agent_email=email, comment=comment or None, ticket_ref=ticket or None)

    def _scale_of(self, values: list[str]) -> str:
        """The row's scale, else the file's (--scale); each spelling is made canonical once."""
        given = self._get(values, "scale")
        if not given:
            if self._scale is None:
                raise BadRating("no scale in this row (and no --scale for the file)")
            return self._scale
        if given not in self._scales:
            self._scales[given] = canonical_scale(given)
        return self._scales[given]

    def _when(self, text: str) -> datetime:
        if not text:
            raise BadRating("no rated_at")
        try:
            if self.layout.date_format:
                moment = datetime.strptime(text, self.layout.date_format)
            else:
                moment = datetime.fromisoformat(text)
        except ValueError:
            wanted = self.layout.date_format or "ISO 8601, e.g. 2026-11-30T14:05:00Z"
            raise BadRating(f"{text[:40]!r} is not a date and time ({wanted})") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=self.layout.zone)


NOT_DECODED = "\ufffd"  # what a byte the encoding can't read becomes


@dataclass
class Judged:
    """One batch: rows ready to store, rows refused (by line), rows read, and the file position reached."""

    rows: list[dict[str, object]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    read: int = 0
    position: int = 0


def judge(raw: BinaryIO, layout: CsvLayout, encoding: str, scorer: Scorer, now: datetime,
          batch_size: int) -> Iterator[Judged]:
    """The file's rows judged in batches; BadFile/BadRating when the file as a whole cannot be read."""
    rows = RatingRows(io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""), layout)
    batch = Judged()
    for line, item in rows:
        batch.read += 1
        if isinstance(item, RowError):
            batch.errors.append(item)
        elif NOT_DECODED in "".join(str(v) for v in (item.comment, item.agent_email, item.value, item.external_id)):
            batch.errors.append(RowError(line, f"the line is not valid {encoding} text; save the file as UTF-8 "
                                               "or pass --encoding (e.g. cp1252)"))
        else:
            try:
                batch.rows.append(row_for(item, "csv", scorer, now))
            except BadRating as error:
                batch.errors.append(RowError(line, str(error)))
        if len(batch.rows) >= batch_size:
            batch.position = raw.tell()
            yield batch
            batch = Judged()
    batch.position = raw.tell()
    yield batch
