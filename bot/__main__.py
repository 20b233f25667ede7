"""`python -m bot <command>`.

Commands: serve | console | demo | digest | db upgrade | cx | org | rescore | slack-manifest | teams-package.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, load_settings
from bot.logs import configure as configure_logging
from storage.db import DatabaseUrlError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Tandem: wellbeing check-ins and customer "
                                     "moments for Slack, Microsoft Teams and the local console.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP server (Slack, Teams) and the scheduler")
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT or 3000)")

    console = commands.add_parser("console", help="chat with Tandem in the terminal")
    console.add_argument("--as", dest="user", default="you", metavar="NAME", help="who you are (default: you)")

    demo = commands.add_parser("demo", help="simulate an organisation for some weeks and write its digests")
    demo.add_argument("--employees", type=int, default=None, metavar="N",
                      help="people in all (default: 3 teams of 6–12)")
    demo.add_argument("--weeks", type=int, default=8, metavar="W", help="weeks to simulate (default 8)")
    demo.add_argument("--seed", type=int, default=7, metavar="S", help="random seed (default 7)")
    demo.add_argument("--out", default="demo-output", metavar="DIR", help="where digests go (default ./demo-output)")

    digest = commands.add_parser("digest", help="print team digests")
    digest.add_argument("--team", default=None, help="one team (default: all)")
    digest.add_argument("--week", default=None, help="ISO week YYYY-Www (default: the last whole week)")
    digest.add_argument("--format", choices=("text", "json", "png"), default="text",
                        help="png: one chart per digest, written to --out")
    digest.add_argument("--out", default="digest-charts", metavar="DIR", help="folder for --format png "
                        "(default ./digest-charts)")

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="apply Alembic migrations")

    reference = commands.add_parser("config-reference", help="print the configuration reference (Markdown)")
    reference.add_argument("--write", metavar="README", default=None, help="rewrite it inside this file's markers")

    cx = commands.add_parser("cx", help="customer ratings: import a CSV file, or show each helpdesk's status")
    cx_commands = cx.add_subparsers(dest="cx_command", required=True, metavar="ACTION")
    imports = cx_commands.add_parser("import", help="import ratings from a CSV file (any tool's export)")
    imports.add_argument("file", metavar="FILE.csv")
    imports.add_argument("--source", default="csv", help="a name for where the file comes from (default csv)")
    imports.add_argument("--map", dest="maps", action="append", default=[], metavar="COLUMN=HEADER",
                         help="read a column under another header, e.g. --map rating=Score (repeatable)")
    imports.add_argument("--scale", default=None, help="the scale of every row when the file has no scale column "
                         "(good_bad, great_okay_bad, freshdesk, 1-5, 0-10, ...)")
    imports.add_argument("--date-format", default=None, metavar="FMT",
                         help="strptime format of rated_at (default ISO 8601)")
    imports.add_argument("--timezone", dest="zone_name", default=None, metavar="ZONE",
                         help="zone of times written without an offset (default UTC)")
    imports.add_argument("--encoding", default="utf-8-sig", help="the file's text encoding (default UTF-8)")
    imports.add_argument("--dry-run", action="store_true", help="check the file and count; store nothing")
    cx_commands.add_parser("status", help="each helpdesk: ratings in 7 days and in all, last arrival, last error")

    org = commands.add_parser("org", help="org chart: import teams, members and managers from an HR export (CSV)")
    org_commands = org.add_subparsers(dest="org_command", required=True, metavar="ACTION")
    org_import = org_commands.add_parser("import", help="make each team in the file follow the org chart")
    org_import.add_argument("file", metavar="FILE.csv", help="columns: email and/or platform_id, name, team, "
                            "manager_email; optional timezone, country")
    org_import.add_argument("--dry-run", action="store_true", help="print what would change; store nothing")
    org_import.add_argument("--workspace", default=None, metavar="W",
                            help="workspace id or name (needed only when there are several)")

    commands.add_parser("rescore", help="re-score stored notes and moments with the current sentiment scorer")

    manifest = commands.add_parser("slack-manifest", help="print the Slack app manifest (YAML)")
    manifest.add_argument("--url", required=True, help="public https base URL of `serve`")
    manifest.add_argument("--socket-mode", action="store_true", help="Socket Mode (no request URLs)")

    package = commands.add_parser("teams-package", help="build the Teams app package (zip)")
    package.add_argument("--url", required=True, help="public https base URL of `serve` (links, validDomains)")
    package.add_argument("--out", default="tandem-teams.zip", help="zip file to write")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(os.environ.get("LOG_FORMAT", "text"))
    try:
        if args.command == "config-reference":
            from bot.cli.config_reference import main as reference_main

            print(reference_main(args.write))
            return 0
        if args.command == "slack-manifest":
            from bot.slack.manifest import main as manifest_main

            print(manifest_main(args.url, args.socket_mode))
            return 0
        settings = load_settings()
        if args.command == "teams-package":
            from bot.teams.package import main as package_main

            path = package_main(args.out, settings.env.microsoft_app_id or None, args.url)
            print(f"Wrote {path}. Upload it in Teams: Apps → Manage your apps → Upload an app.")
            return 0
        return asyncio.run(_run_async(args, settings))
    except (ConfigError, DatabaseUrlError, ValueError) as error:
        print(f"tandem: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _run_async(args: argparse.Namespace, settings) -> int:  # Settings
    if args.command == "db":
        from bot.wiring import build_ready

        deps = await build_ready(settings)
        await deps.close()
        print("Database is up to date.")
        return 0
    if args.command == "console":
        from bot.console.run import run_console

        return await run_console(settings, args.user)
    if args.command == "demo":
        from bot.cli.demo import DemoOptions, run_demo

        return await run_demo(settings, DemoOptions(employees=args.employees, weeks=args.weeks, seed=args.seed,
                                                    out=args.out))
    if args.command == "digest":
        from bot.cli.digest import print_digests

        return await print_digests(settings, team=args.team, week=args.week, output=args.format,
                                   chart_dir=Path(args.out))
    if args.command == "rescore":
        from bot.cli.rescore import run_rescore

        return await run_rescore(settings)
    if args.command == "cx":
        from bot.cli.cx import ImportOptions, run_import, run_status

        if args.cx_command == "status":
            return await run_status(settings)
        return await run_import(settings, args.file, ImportOptions(
            source=args.source, maps=tuple(args.maps), scale=args.scale, date_format=args.date_format,
            zone_name=args.zone_name, encoding=args.encoding, dry_run=args.dry_run))
    if args.command == "org":
        from bot.cli.org import run_org_import

        return await run_org_import(settings, args.file, dry_run=args.dry_run, workspace=args.workspace)
    if args.command == "serve":
        from bot.http.server import serve

        return await serve(settings, port=args.port or settings.env.port)
    raise AssertionError(args.command)


if __name__ == "__main__":
    sys.exit(main())
