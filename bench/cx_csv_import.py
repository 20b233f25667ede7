"""How fast `cx import` stores a large CSV file, and that its memory stays flat.

    .venv/bin/python bench/cx_csv_import.py [--rows 1000000] [--comments 0.2]

Writes a file of `--rows` ratings (40 agents, scale 1-5, a share `--comments` with a customer comment to
score), imports it into a fresh database through the same function as `python -m bot cx import`, then
imports it again (everything already stored). Prints rows/s of both runs (target ≥ 20,000 rows/s for the
first) and the peak resident memory of the importing process and its reader process, sampled every
batch, at 10% of the file and at the end: flat means the end is not above the 10% mark by more than a
batch's worth.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COMMENTS = ("Thanks, that was quick", "Still waiting for a refund, very frustrating",
            "Great help from the team", "The outage cost us a day", "Fine")


def write_file(path: Path, rows: int, comment_share: float) -> None:
    start = datetime(2026, 1, 5, tzinfo=UTC)
    every = max(1, round(1 / comment_share)) if comment_share > 0 else 0
    with path.open("w", encoding="utf-8") as out:
        out.write("rated_at,agent_email,rating,scale,comment,ticket_id\n")
        for n in range(rows):
            comment = COMMENTS[n % len(COMMENTS)] if every and n % every == 0 else ""
            out.write(f"{start + timedelta(seconds=17 * n):%Y-%m-%dT%H:%M:%SZ},agent{n % 40}@example.com,"
                      f"{1 + n % 5},1-5,\"{comment}\",T{n}\n")


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def children_rss_mb() -> float:
    total = 0.0
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        total += sum(rss_mb(int(child)) for child in children)
    return total


async def run(url: str, file: Path) -> None:
    from bot.cli.cx import import_csv
    from bot.config import load_settings
    from bot.wiring import build_ready
    from handlers.cx.csv_rows import CsvLayout

    os.environ["DATABASE_URL"] = url
    deps = await build_ready(load_settings())
    size, seen = file.stat().st_size, [0]
    marks: dict[str, float] = {}

    def progress(step: int) -> None:
        seen[0] += step
        own, reader = rss_mb(os.getpid()), children_rss_mb()
        memory = own + reader
        marks["peak"] = max(marks.get("peak", 0.0), memory)
        marks["storing peak"] = max(marks.get("storing peak", 0.0), own)
        marks["reader peak"] = max(marks.get("reader peak", 0.0), reader)
        if "at 10%" not in marks and seen[0] >= size / 10:
            marks["at 10%"] = memory
            marks["storing at 10%"], marks["reader at 10%"] = own, reader

    try:
        for label in ("first import", "same file again"):
            seen[0] = 0
            started = time.perf_counter()
            with file.open("rb") as raw:
                report = await import_csv(deps, raw, CsvLayout(), progress=progress)
            seconds = time.perf_counter() - started
            print(f"{label:16} {report.rows:>9,} rows  added {report.added:>9,}  already {report.duplicates:>9,}  "
                  f"errors {len(report.errors)}  {seconds:6.1f} s  {report.rows / seconds:>8,.0f} rows/s")
        print(f"memory (this process + reader): {marks.get('at 10%', 0):.0f} MB at 10% of the file, "
              f"peak {marks.get('peak', 0):.0f} MB; target ≥ 20,000 rows/s on the first import")
        print("  storing process {storing at 10%:.0f} MB at 10%, peak {storing peak:.0f} MB; reader process "
              "{reader at 10%:.0f} MB at 10%, peak {reader peak:.0f} MB".format(**marks))
    finally:
        await deps.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--comments", type=float, default=0.2, help="share of rows with a comment (default 0.2)")
    args = parser.parse_args()
    os.environ.setdefault("TANDEM_CONFIG", str(REPO / "app.yaml"))
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "ratings.csv"
        write_file(file, args.rows, args.comments)
        print(f"{args.rows:,} rows, {file.stat().st_size / 1e6:.0f} MB, {args.comments:.0%} with a comment, "
              "SQLite (the embedded default)")
        asyncio.run(run(f"sqlite:///{folder}/bench.db", file))


if __name__ == "__main__":
    main()
