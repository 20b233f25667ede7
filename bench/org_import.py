"""How fast `org import` applies a large org chart, and how fast the same file is found unchanged.

    .venv/bin/python bench/org_import.py [--rows 20000]

Writes a file of `--rows` people in teams of 100 (a tenth known only by email, every team with a manager
from the file), imports it into a fresh SQLite database through the same functions as
`python -m bot org import`, then imports it again (nothing changes). Prints rows/s of both.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TEAM_SIZE = 100


def write_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("email,platform_id,name,team,manager_email,timezone,country\n")
        for n in range(rows):
            team = n // TEAM_SIZE
            platform_id = "" if n % 10 == 9 else f"U{n:06d}"
            out.write(f"person{n}@example.com,{platform_id},Person {n},Team {team},"
                      f"person{team * TEAM_SIZE}@example.com,Europe/London,GB\n")


async def _measure(folder: Path, rows: int) -> dict[str, float]:
    from bot import units
    from bot.cli.org import import_chart, read_file
    from bot.config import load_settings
    from bot.wiring import build_ready
    from handlers.identity import Caller, identify

    file = folder / "org.csv"
    write_file(file, rows)
    deps = await build_ready(load_settings({"TANDEM_CONFIG": str(REPO / "app.yaml")}),
                             database_url=f"sqlite:///{folder / 'bench.db'}")
    figures: dict[str, float] = {}
    try:
        async with units.unit_of_work(deps) as ctx:
            await identify(ctx, Caller(platform="slack", workspace_id="T111", user_id="UADMIN", display_name="Admin"))
        for label in ("first import rows/s", "same file again rows/s"):
            started = time.perf_counter()
            report = await import_chart(deps, read_file(str(file)), file=file.name)
            figures[label] = rows / (time.perf_counter() - started)
            if report.problems or report.changed != label.startswith("first"):
                raise RuntimeError(report.summary(file.name, False))
    finally:
        await deps.close()
    return figures


def measure(rows: int = 20000) -> dict[str, float]:
    """rows/s of a first import and of the idempotent re-import, on a temporary SQLite database."""
    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(_measure(Path(folder), rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    for label, value in measure(args.rows).items():
        print(f"org import, {args.rows:,} rows, SQLite: {label:24} {value:>9,.0f}")


if __name__ == "__main__":
    main()
