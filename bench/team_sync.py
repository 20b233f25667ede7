"""How long the first team sync of a Slack workspace takes, against the minimum Slack's rate limits allow.

    .venv/bin/python bench/team_sync.py [--people 2000] [--groups 60] [--channels 40] [--scale 1] [--latency 0.02]
                                        [--database-url URL] [--org-rows 20000]

Generates a workspace of `--people` people in `--groups` user groups and `--channels` channels (every person in
one team, one in five in a second, a channel also holds the bot), made to follow by the real `/tandem team sync`
command (one admin, through bot.units), then times one run of the real runner (`sync_due`) reading them from the
fake Slack Web API through SlackDirectory and applying them to the database (SQLite file by default; pass an
empty PostgreSQL database as `--database-url` for the other backend).

The fake limits each method at Slack's tier (calls a minute per workspace and method: Tier 2 = 20, Tier 4 = 100)
times `--scale`, answering 429 + Retry-After beyond it, and takes `--latency` s per call. The minimum is

    chain(method, n) = (n - 1) * 60 / (tier * scale) + latency      n calls of one method, spaced at its tier
    minimum = max(chain(conversations.list) + chain(conversations.members),   members need the channel ids
                  chain(usergroups.list), chain(users.list), chain(users.info))   independent of each other

with n the pages the data needs at Slack's page sizes (users.list 200 a page, conversations.* up to 1000, one
usergroups.list for every group). Target: the run within 10% of it.

Then the org chart import's rows/s (bench/org_import.py): a first import of `--org-rows` rows and the same file
again (which changes nothing), on a fresh SQLite file.
"""
from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402
import org_import  # noqa: E402  (bench/ is on the path: this script runs from it)

from bot import units  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.slack.directory import METHOD_TIERS, PAGE_SIZES, USERS_INFO_AT_MOST, SlackDirectory  # noqa: E402
from bot.slack.identity import ProfileCache  # noqa: E402
from bot.teamsync.runner import sync_due  # noqa: E402
from bot.wiring import build  # noqa: E402
from handlers.identity import Caller  # noqa: E402
from handlers.ports import SimulatedClock  # noqa: E402
from handlers.sentiment import TextBlobScorer  # noqa: E402
from handlers.teamsync.sources import Roster, SourceRef  # noqa: E402
from storage.db import upgrade  # noqa: E402
from tests.fakes.slack_api import FakeSlackApi  # noqa: E402

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ADMIN, BOT = "U0ADMIN", "U0BOT"
TOKEN = "xoxb-bench"


def populate(fake: FakeSlackApi, people: int, groups: int, channels: int, seed: int = 7) -> None:
    """People spread over the teams (a fifth in a second team), each team a user group or a channel."""
    rng = random.Random(seed)
    fake.set_user(ADMIN, name="admin")
    fake.set_user(BOT, name="tandem", is_bot=True)
    ids = [f"U{n:07d}" for n in range(people)]
    for user_id in ids:
        fake.set_user(user_id, name=f"p-{user_id.lower()}", tz=rng.choice(["Europe/Paris", "America/New_York"]),
                      email=f"{user_id.lower()}@example.com")
    teams = groups + channels
    rosters: list[list[str]] = [[] for _ in range(teams)]
    for n, user_id in enumerate(ids):
        rosters[n % teams].append(user_id)
        if rng.random() < 0.2:
            rosters[rng.randrange(teams)].append(user_id)
    for n in range(groups):
        fake.set_usergroup(f"S{n:07d}", f"group-{n}", sorted(set(rosters[n])), created_by=ADMIN)
    for n in range(channels):
        fake.set_channel(f"C{n:07d}", f"chan-{n}", [*sorted(set(rosters[groups + n])), BOT])


def needed_calls(fake: FakeSlackApi) -> Counter[str]:
    """Pages each method needs for this data at Slack's page sizes (a first sync: nobody's profile is known)."""
    calls: Counter[str] = Counter()
    if fake.usergroups:
        calls["usergroups.list"] = 1
    if fake.channels:
        calls["conversations.list"] = math.ceil(len(fake.channels) / PAGE_SIZES["conversations.list"])
        calls["conversations.members"] = sum(max(1, math.ceil(len(c.members) / PAGE_SIZES["conversations.members"]))
                                             for c in fake.channels.values())
    wanted = {u for g in fake.usergroups.values() for u in [*g.users, g.created_by]} | {
        u for c in fake.channels.values() for u in c.members}
    if len(wanted) > USERS_INFO_AT_MOST:
        calls["users.list"] = math.ceil(len(fake.users) / PAGE_SIZES["users.list"])
    else:
        calls["users.info"] = len(wanted)
    return calls


def minimum(calls: Counter[str], scale: float, latency: float) -> float:
    def chain(method: str) -> float:
        n = calls.get(method, 0)
        return 0.0 if n == 0 else (n - 1) * 60 / (METHOD_TIERS[method] * scale) + latency

    return max(chain("conversations.list") + chain("conversations.members"), chain("usergroups.list"),
               chain("users.list"), chain("users.info"))


async def follow_everything(deps, groups: int, channels: int) -> None:  # deps: bot.wiring.Deps
    admin = Caller(platform="slack", workspace_id="T111", user_id=ADMIN, display_name="Admin")
    for n in range(groups):
        await units.run(deps, admin, f"/tandem team sync Team-g{n} @group-{n}")
    for n in range(channels):
        await units.run(deps, admin, f"/tandem team sync Team-c{n} #chan-{n}")


async def bench(args: argparse.Namespace) -> None:
    with FakeSlackApi() as fake, tempfile.TemporaryDirectory() as folder:
        populate(fake, args.people, args.groups, args.channels)
        fake.latency = args.latency
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = load_settings({"TANDEM_CONFIG": str(REPO / "app.yaml")})
        deps = build(settings, clock=SimulatedClock(NOW), database_url=url, scorer=TextBlobScorer())
        await upgrade(deps.engine)
        await follow_everything(deps, args.groups, args.channels)

        async def tokens(team: str) -> str | None:
            return TOKEN

        directory = SlackDirectory(fake.base_url, tokens, ProfileCache(), rate_scale=args.scale)
        deps.directories["slack"] = directory
        fake.reset()
        fake.slack_tiers(args.scale)
        calls = needed_calls(fake)
        floor = minimum(calls, args.scale, args.latency)
        async with aiohttp.ClientSession() as session:
            directory.clients.session = session
            read = 0.0
            rosters = directory.rosters

            async def timed_rosters(workspace: str, sources: Sequence[SourceRef]) -> list[Roster | Exception]:
                nonlocal read
                began = time.perf_counter()
                try:
                    return await rosters(workspace, sources)
                finally:
                    read += time.perf_counter() - began

            directory.rosters = timed_rosters  # type: ignore[method-assign]
            began = time.perf_counter()
            result = await sync_due(deps, deps.directories)
            wall = time.perf_counter() - began
        await deps.close()
        made = Counter(call.method for call in fake.calls)
        errors = [o.error for o in result.outcomes if o.error]
        members = sum(o.change.members for o in result.outcomes if o.change is not None)
        print(f"team sync: {args.people} people in {args.groups} user groups + {args.channels} channels "
              f"({members} memberships), {'SQLite' if not args.database_url else args.database_url.split(':')[0]}")
        print(f"  Slack tiers x{args.scale:g} (Tier 2 = {20 * args.scale:g}/min, Tier 4 = {100 * args.scale:g}/min), "
              f"{args.latency * 1000:.0f} ms a call; {len(result.outcomes)} sources, {len(errors)} errors")
        print("  calls      method                  needed  (tier/min)")
        for method in sorted(set(made) | set(calls)):
            print(f"  {made[method]:>5}      {method:<22}  {calls.get(method, 0):>5}   "
                  f"({METHOD_TIERS.get(method, 0) * args.scale:g})")
        print(f"  429s answered: {sum(fake.refused.values())}; contract violations: {len(fake.violations)}")
        print("  minimum = max(chain(conversations.list) + chain(conversations.members), chain(usergroups.list),")
        print("                chain(users.list)),  chain(m) = (pages(m) - 1) * 60 / (tier(m) * scale) + latency")
        print(f"  minimum {floor:.2f} s   read {read:.2f} s ({read / floor:.3f}x)   "
              f"whole run (read + apply) {wall:.2f} s ({wall / floor:.3f}x)   target <= 1.10x")
        if errors:
            print("  first error:", errors[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--groups", type=int, default=60)
    parser.add_argument("--channels", type=int, default=40)
    parser.add_argument("--scale", type=float, default=1.0, help="Slack's tiers times this, in the fake and pacing")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the fake takes per call")
    parser.add_argument("--database-url", default="", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--org-rows", type=int, default=20000, help="rows of the org chart import (0: skip it)")
    args = parser.parse_args()
    asyncio.run(bench(args))
    if args.org_rows:
        for label, value in org_import.measure(args.org_rows).items():
            print(f"org import, {args.org_rows:,} rows, SQLite: {label:24} {value:>9,.0f}")


if __name__ == "__main__":
    main()
