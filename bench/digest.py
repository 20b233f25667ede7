"""How long all team digests of one week take, against the floor of one grouped SQL query.

    .venv/bin/python bench/digest.py [--people 10000] [--teams 400] [--weeks 52] [--backend sqlite|postgresql|both]
                                     [--sqlite PATH] [--pg URL] [--reuse] [--repeat 3]

Generates an organisation (people in teams, 1% of them in a second team, one manager per team) with
`--weeks` of weekday check-ins (≈99% answered, 10% with a note) and ≈1 customer moment per person per
week, bulk-inserted (sqlite3 executemany / asyncpg COPY). Then, for the last week:

  floor     one SQL query aggregating that week's mood rows grouped by team (count, mean)
  cold      every team's digest (handlers.digest.build_digests), nothing cached: 12 weeks of history
            are aggregated from the raw rows and stored in team_weeks
  warm      the same digests in steady state (earlier weeks cached, as after weekly runs)
  charts    warm digests plus one PNG chart each
  one team  one team's digest on its own, as the weekly delivery builds them (mean of 40 teams)
  split     warm runs again, their time divided into SQL statements (cursor start to end, by SQLAlchemy's
            cursor events) and the rest: Python (figures, privacy rules, JSON) and, on SQLite, fetching
            rows, which aiosqlite does after the statement

and prints seconds (best of --repeat; floor and warm runs alternate), the warm/floor ratio (target ≤ 3)
and peak Python memory (tracemalloc) of one warm run. `--reuse` keeps a generated database (same sizes)
between runs.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import event, select, text  # noqa: E402

from bot.config import load_settings  # noqa: E402
from bot.http.server import settle_heap  # noqa: E402
from bot.wiring import build  # noqa: E402
from handlers.insights.build import build_digests, build_team_digest  # noqa: E402
from handlers.insights.chart import render_chart  # noqa: E402
from handlers.ports import SimulatedClock  # noqa: E402
from handlers.sentiment import TextBlobScorer  # noqa: E402
from storage.calendar import iso_week_bounds  # noqa: E402
from storage.db import upgrade  # noqa: E402
from storage.models import Team  # noqa: E402

WEEK = "2026-W47"
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # the Tuesday after: earlier weeks sealed, this one live
TOUCHPOINTS = ("onboarding", "sales", "support", "billing", "product", "renewal", "other")
WORDS = ("customer", "call", "ticket", "renewal", "invoice", "demo", "thanks", "issue", "fixed", "delay", "happy",
         "angry", "quick", "slow", "great", "confusing")
ONE_BY_ONE = 40  # teams whose digests are also built one at a time
FLOOR_SQL = """
SELECT m.team_id, count(*), avg(e.score)
FROM mood_entries e JOIN memberships m
  ON m.person_id = e.person_id AND m.role = 'member' AND m.started_on <= e.local_date
 AND (m.ended_on IS NULL OR m.ended_on > e.local_date)
WHERE e.local_date >= :first AND e.local_date <= :last
GROUP BY m.team_id
"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- generation ------------------------------------------------------------------------------------------

class Organisation:
    """Rows of a generated organisation, produced week by week so memory stays flat."""

    def __init__(self, people: int, teams: int, weeks: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.people, self.teams, self.weeks = people, teams, weeks
        self.team_of = [i % teams for i in range(people)]
        self.second = {p: (self.team_of[p] + 1 + self.rng.randrange(teams - 1)) % teams
                       for p in self.rng.sample(range(people), people // 100)}
        self.team_mood = [self.rng.gauss(3.6, 0.3) for _ in range(teams)]
        self.person_offset = [self.rng.gauss(0, 0.5) for _ in range(people)]
        last_monday = iso_week_bounds(WEEK)[0]
        self.mondays = [last_monday - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
        self.created = datetime(2025, 1, 1, tzinfo=UTC)

    def static_rows(self) -> dict[str, list[tuple]]:
        managers = range(self.people, self.people + self.teams)
        people = [(i + 1, 1, f"U{i:06d}", f"Person {i}", "Europe/London", False, True, self.created)
                  for i in range(self.people + self.teams)]
        teams = [(t + 1, 1, f"Team {t:03d}", self.created) for t in range(self.teams)]
        memberships = [(p + 1, self.team_of[p] + 1, "member") for p in range(self.people)]
        memberships += [(p + 1, t + 1, "member") for p, t in self.second.items()]
        memberships += [(m + 1, m - self.people + 1, "manager") for m in managers]
        return {"people": people, "teams": teams,
                "memberships": [(i + 1, t, p, role, date(2025, 1, 1)) for i, (p, t, role) in enumerate(memberships)]}

    def week_rows(self, index: int, first_id: int, first_moment: int) -> tuple[list[tuple], list[tuple], list[tuple]]:
        rng = self.rng
        monday = self.mondays[index]
        for t in range(self.teams):
            self.team_mood[t] = min(4.6, max(2.2, self.team_mood[t] + rng.gauss(0, 0.12)))
        prompts, entries, moments = [], [], []
        next_id = first_id
        for p in range(self.people):
            base = self.team_mood[self.team_of[p]] + self.person_offset[p]
            for day in range(5):
                if rng.random() < 0.01:
                    continue
                local = monday + timedelta(days=day)
                at = datetime(local.year, local.month, local.day, 9, 30, tzinfo=UTC)
                score = min(5, max(1, round(base + rng.gauss(0, 0.7))))
                note = rng.random() < 0.1
                prompts.append((next_id, p + 1, "checkin", local, at, at, at + timedelta(hours=16)))
                entries.append((next_id, next_id, p + 1, local, score, "a note" if note else None,
                                round((score - 3) / 2 + rng.gauss(0, 0.2), 3) if note else None, None, "bench", at, at))
                next_id += 1
        moment_id = first_moment
        for p in range(self.people):
            if rng.random() < 0.96:
                team = self.team_of[p]
                polarity = max(-1.0, min(1.0, rng.gauss((self.team_mood[team] - 3.4) / 1.5, 0.4)))
                outcome = rng.choice((None, "positive", "positive", "mixed", "negative")) if polarity > 0 else \
                    rng.choice((None, "negative", "negative", "mixed", "positive"))
                local = monday + timedelta(days=rng.randrange(5))
                at = datetime(local.year, local.month, local.day, 12, tzinfo=UTC)
                words = " ".join(rng.choice(WORDS) for _ in range(8))
                moments.append((moment_id, 1, p + 1, team + 1, local, words, round(polarity, 3),
                                "positive" if polarity > 0.05 else "negative" if polarity < -0.05 else "neutral",
                                "bench", outcome, rng.choice(TOUCHPOINTS), at))
                moment_id += 1
        return prompts, entries, moments


PEOPLE_COLUMNS = ("id", "workspace_id", "platform_user_id", "display_name", "timezone", "is_admin", "active",
                  "created_at")
TEAM_COLUMNS = ("id", "workspace_id", "name", "created_at")
MEMBERSHIP_COLUMNS = ("id", "team_id", "person_id", "role", "started_on")
PROMPT_COLUMNS = ("id", "person_id", "slot", "local_date", "due_at", "sent_at", "closes_at")
ENTRY_COLUMNS = ("id", "prompt_id", "person_id", "local_date", "score", "note", "note_polarity", "note_label",
                 "sentiment_version", "answered_at", "updated_at")
MOMENT_COLUMNS = ("id", "workspace_id", "person_id", "team_id", "local_date", "text", "polarity", "label",
                  "sentiment_version", "outcome", "touchpoint", "created_at")


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def generate(org: Organisation, backend: str, url: str, engine_options: dict) -> None:
    settings = load_settings()
    deps = build(settings, clock=SimulatedClock(NOW), database_url=url, scorer=TextBlobScorer(),
                 engine_options=engine_options)
    await upgrade(deps.engine)
    await deps.close()
    started = time.perf_counter()
    static = org.static_rows()
    workspace = (1, "console", "bench", "Bench", "Europe/London", "GB", 5, True, org.created)
    workspace_columns = ("id", "platform", "external_id", "name", "timezone", "holiday_country", "min_group",
                         "active", "created_at")
    tables = [("workspaces", workspace_columns, [workspace]), ("people", PEOPLE_COLUMNS, static["people"]),
              ("teams", TEAM_COLUMNS, static["teams"]), ("memberships", MEMBERSHIP_COLUMNS, static["memberships"])]
    if backend == "sqlite":
        path = url.split("///", 1)[1]
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA synchronous=OFF")

        def write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
            marks = ",".join("?" * len(columns))
            connection.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})",
                                   [tuple(_sqlite_value(v) for v in row) for row in rows])
    else:
        import asyncpg

        schema = engine_options["connect_args"]["server_settings"]["search_path"]
        pg = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"),
                                   server_settings={"search_path": schema})

        async def copy(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
            await pg.copy_records_to_table(table, records=rows, columns=list(columns), schema_name=schema)

    entry_id, moment_id, total_entries, total_moments = 1, 1, 0, 0
    for table, columns, rows in tables:
        if backend == "sqlite":
            write(table, columns, rows)
        else:
            await copy(table, columns, rows)
    for index in range(org.weeks):
        prompts, entries, moments = org.week_rows(index, entry_id, moment_id)
        if backend == "sqlite":
            write("prompts", PROMPT_COLUMNS, prompts)
            write("mood_entries", ENTRY_COLUMNS, entries)
            write("customer_moments", MOMENT_COLUMNS, moments)
        else:
            await copy("prompts", PROMPT_COLUMNS, prompts)
            await copy("mood_entries", ENTRY_COLUMNS, entries)
            await copy("customer_moments", MOMENT_COLUMNS, moments)
        entry_id += len(entries)
        moment_id += len(moments)
        total_entries += len(entries)
        total_moments += len(moments)
        if index % 8 == 7 or index == org.weeks - 1:
            log(f"  {backend}: {index + 1}/{org.weeks} weeks, {total_entries:,} mood entries, "
                f"{total_moments:,} moments ({time.perf_counter() - started:.0f} s)")
    if backend == "sqlite":
        connection.commit()
        connection.execute("ANALYZE")
        connection.close()
    else:
        for table in ("people", "teams", "memberships", "prompts", "mood_entries", "customer_moments"):
            await pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                             f"(SELECT max(id) FROM {table}))")
        await pg.execute("ANALYZE")
        await pg.close()
    log(f"  {backend}: generated in {time.perf_counter() - started:.0f} s")


# --- measurement -------------------------------------------------------------------------------------------

async def measure(backend: str, url: str, engine_options: dict, repeat: int) -> dict[str, Any]:
    settings = load_settings()
    deps = build(settings, clock=SimulatedClock(NOW), database_url=url, scorer=TextBlobScorer(),
                 engine_options=engine_options)
    first, last = iso_week_bounds(WEEK)
    try:
        async with deps.context() as ctx:
            team_rows = (await ctx.session.execute(text("SELECT id FROM teams ORDER BY id"))).all()
            counts = (await ctx.session.execute(text(
                "SELECT (SELECT count(*) FROM mood_entries), (SELECT count(*) FROM customer_moments)"))).one()
        log(f"  {backend}: {len(team_rows)} teams, {counts[0]:,} mood entries, {counts[1]:,} moments")

        async def floor() -> None:
            async with deps.context() as ctx:
                rows = (await ctx.session.execute(text(FLOOR_SQL), {"first": first, "last": last})).all()
                assert len(rows) == len(team_rows)

        async def digests(charts: bool = False) -> int:
            async with deps.context() as ctx:
                teams = list((await ctx.session.scalars(select(Team).order_by(Team.id))).all())
                reports = await build_digests(ctx, teams, WEEK, 5)
                if charts:
                    for report in reports:
                        render_chart(report)
                return sum(1 for r in reports if r.mood is not None)

        async def one_at_a_time() -> None:
            async with deps.context() as ctx:
                teams = list((await ctx.session.scalars(select(Team).order_by(Team.id).limit(ONE_BY_ONE))).all())
            for team in teams:
                async with deps.context() as ctx:
                    await build_team_digest(ctx, team, WEEK, 5)

        async def split() -> tuple[float, float, int]:
            """One warm run: (seconds in all, seconds inside SQL statements, statements)."""
            spent: list[float] = []
            started_at: list[float] = []

            def before(*_: object) -> None:
                started_at.append(time.perf_counter())

            def after(*_: object) -> None:
                spent.append(time.perf_counter() - started_at.pop())

            engine = deps.engine.sync_engine
            event.listen(engine, "before_cursor_execute", before)
            event.listen(engine, "after_cursor_execute", after)
            try:
                started = time.perf_counter()
                await digests()
                return time.perf_counter() - started, sum(spent), len(spent)
            finally:
                event.remove(engine, "before_cursor_execute", before)
                event.remove(engine, "after_cursor_execute", after)

        async def clear_cache() -> None:
            async with deps.context() as ctx:
                await ctx.session.execute(text("DELETE FROM team_weeks"))
                await ctx.session.execute(text("DELETE FROM digest_runs"))

        async def best(run, before=None, times_: int | None = None) -> float:
            times = []
            for _ in range(times_ or repeat):
                if before is not None:
                    await before()
                started = time.perf_counter()
                await run()
                times.append(time.perf_counter() - started)
            return min(times)

        settle_heap()  # as `serve` does before traffic (digests are built in its process); the floor gets it too
        await floor()  # warm the page cache for everyone alike
        results: dict[str, Any] = {"cold": await best(digests, clear_cache)}  # figures of several kinds
        shown = await digests()
        floors, warms = [], []
        for _ in range(repeat):  # interleaved, so a drift in the machine's speed moves both alike
            floors.append(await best(floor, times_=1))
            warms.append(await best(digests, times_=1))
        results["floor"], results["warm"] = min(floors), min(warms)
        results["one_team"] = await best(one_at_a_time, times_=1) / ONE_BY_ONE
        results["charts"] = await best(lambda: digests(charts=True), times_=1)  # 400 charts: once is enough
        results["split"] = min([await split() for _ in range(repeat)])
        tracemalloc.start()
        await digests()
        results["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
        results["shown"] = shown
        results["teams"] = len(team_rows)
        return results
    finally:
        await deps.close()


async def has_data(url: str, engine_options: dict, people: int) -> bool:
    settings = load_settings()
    deps = build(settings, clock=SimulatedClock(NOW), database_url=url, scorer=TextBlobScorer(),
                 engine_options=engine_options)
    try:
        async with deps.context() as ctx:
            found = await ctx.session.scalar(text("SELECT count(*) FROM people"))
            return int(found or 0) == people
    except Exception:  # noqa: BLE001 - no schema yet
        return False
    finally:
        await deps.close()


async def prepare_postgres(url: str, schema: str, fresh: bool) -> dict:
    import asyncpg

    admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    if fresh:
        await admin.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    await admin.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    await admin.close()
    return {"connect_args": {"server_settings": {"search_path": schema}}}


async def run(args: argparse.Namespace) -> None:
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    size = f"{args.people}p-{args.teams}t-{args.weeks}w"
    for backend in backends:
        options: dict[str, Any]  # engine options for the backend
        if backend == "sqlite":
            path = Path(args.sqlite or Path(tempfile.gettempdir()) / "tandem-bench" / f"digest-{size}.db")
            path.parent.mkdir(parents=True, exist_ok=True)
            url, options = f"sqlite:///{path}", {}
            reuse = args.reuse and path.exists() and await has_data(url, options, args.people + args.teams)
            if not reuse and path.exists():
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            url = args.pg
            schema = f"bench_digest_{size.replace('-', '_')}"
            options = await prepare_postgres(url, schema, fresh=False)
            reuse = args.reuse and await has_data(url, options, args.people + args.teams)
            if not reuse:
                options = await prepare_postgres(url, schema, fresh=True)
        if not reuse:
            log(f"generating {size} on {backend}")
            await generate(Organisation(args.people, args.teams, args.weeks, args.seed), backend, url, options)
        else:
            log(f"reusing the {size} database on {backend}")
        r = await measure(backend, url, options, args.repeat)
        total, sql, statements = r["split"]
        floor = r["floor"]
        print(f"\n{backend}: {r['teams']} team digests for {WEEK} ({r['shown']} with mood shown), best of "
              f"{args.repeat}\n"
              f"  floor (1 grouped query)     {r['floor']:8.3f} s\n"
              f"  digests, cold (no cache)    {r['cold']:8.3f} s   ratio {r['cold'] / r['floor']:5.2f}\n"
              f"  digests, warm (steady)      {r['warm']:8.3f} s   ratio {r['warm'] / r['floor']:5.2f}   (target ≤ 3)\n"
              f"  digests + charts, warm      {r['charts']:8.3f} s   ratio {r['charts'] / r['floor']:5.2f}   "
              f"(one run)\n"
              f"  one team's digest alone     {r['one_team']:8.3f} s   (mean of {ONE_BY_ONE}, as the weekly "
              f"delivery builds them)\n"
              f"  warm, split (fastest of {args.repeat})   {total:8.3f} s = SQL {sql:.3f} s in {statements} statements "
              f"({sql / floor:.2f} floors) + the rest {total - sql:.3f} s ({(total - sql) / floor:.2f} floors)\n"
              f"  peak Python memory (warm)   {r['peak_mb']:8.1f} MB\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=400)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--sqlite", default=None, help="SQLite file (default $TMPDIR/tandem-bench/digest-SIZE.db)")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--reuse", action="store_true", help="keep a generated database of the same size")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.weeks < 13:
        parser.error("--weeks must be at least 13 (12 weeks of history before the digest's week)")
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
