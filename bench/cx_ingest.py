"""Signed helpdesk webhooks per second, against the floor of a bare handler that only checks the signature;
and (with --csv-rows) the CSV import of bench/cx_csv_import.py.

    .venv/bin/python bench/cx_ingest.py [--requests 4000] [--senders 50 200] [--csv-rows 0]

Each server runs in its own process (one core), the senders in this one (the other core), over
loopback with keep-alive:

  floor    a bare aiohttp handler: read the body, verify Zendesk's signature (base64 HMAC-SHA256 of
           timestamp + body), answer 200 — what any receiver must do at least
  tandem   Tandem's real server on SQLite (the embedded default): POST /cx/zendesk verifies, parses,
           refuses replays and stores each rating once, one transaction per delivery

`--requests` distinct ratings are sent per run at each concurrency; prints requests/s, p50 and p99
latency, and tandem's p99 as a multiple of the floor's (target ≤ 1.5).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from aiohttp import ClientSession, TCPConnector, web  # noqa: E402

from bot.cx.signatures import Refused, verify_zendesk  # noqa: E402
from tests.fakes.helpdesk_signing import SECRETS, signed_headers  # noqa: E402

PORT_FLOOR, PORT_TANDEM = 18_761, 18_762


def _floor_server() -> None:
    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            verify_zendesk(SECRETS["zendesk"], request.headers.get("X-Zendesk-Webhook-Signature"),
                           request.headers.get("X-Zendesk-Webhook-Signature-Timestamp"), body, datetime.now(UTC))
        except Refused as refused:
            return web.json_response({"error": refused.reason}, status=401)
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/cx/zendesk", receive)
    web.run_app(app, host="127.0.0.1", port=PORT_FLOOR, print=None, access_log=None)


def _tandem_server(folder: str) -> None:
    os.environ.update({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "TANDEM_CONFIG": str(REPO / "app.yaml"),
                       "ZENDESK_WEBHOOK_SECRET": SECRETS["zendesk"], "LOG_LEVEL": "WARNING"})
    from bot.config import load_settings
    from bot.http.server import serve

    asyncio.run(serve(load_settings(), PORT_TANDEM))


def _bodies(count: int, run: str) -> list[bytes]:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [json.dumps({"ticket_id": f"{run}-{n}", "score": "good" if n % 4 else "bad", "comment": "",
                        "assignee_email": f"agent{n % 40}@example.com", "rated_at": now}).encode()
            for n in range(count)]


async def _send(port: int, bodies: list[bytes], senders: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    queue = list(reversed(bodies))
    async with ClientSession(connector=TCPConnector(limit=senders)) as http:
        async def sender() -> None:
            nonlocal failures
            while queue:
                body = queue.pop()
                headers = signed_headers("zendesk", body, datetime.now(UTC))
                started = time.perf_counter()
                async with http.post(f"http://127.0.0.1:{port}/cx/zendesk", data=body, headers=headers) as answer:
                    await answer.read()
                    failures += answer.status != 200
                latencies.append(time.perf_counter() - started)
        started = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(senders)))
        return time.perf_counter() - started, latencies, failures


async def _wait(port: int) -> None:
    async with ClientSession() as http:
        for _ in range(200):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz"):
                    return
            except OSError:
                await asyncio.sleep(0.1)


def _p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--senders", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--csv-rows", type=int, default=0, help="also run bench/cx_csv_import.py with this many rows")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as folder:
        servers = {"floor": context.Process(target=_floor_server, daemon=True),
                   "tandem": context.Process(target=_tandem_server, args=(folder,), daemon=True)}
        for process in servers.values():
            process.start()
        try:
            asyncio.run(_wait(PORT_FLOOR))
            asyncio.run(_wait(PORT_TANDEM))
            print(f"{args.requests:,} signed Zendesk webhooks per run, distinct ratings; servers in their own process")
            print(f"{'senders':>7} {'server':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>6}")
            for senders in args.senders:
                p99 = {}
                for name, port in (("floor", PORT_FLOOR), ("tandem", PORT_TANDEM)):
                    asyncio.run(_send(port, _bodies(200, f"warm-{name}-{senders}"), senders))  # warm up
                    seconds, latencies, failed = asyncio.run(
                        _send(port, _bodies(args.requests, f"{name}-{senders}"), senders))
                    p99[name] = _p(latencies, 99)
                    print(f"{senders:>7} {name:>7} {len(latencies) / seconds:>8,.0f} {_p(latencies, 50):>8.1f} "
                          f"{p99[name]:>8.1f} {failed:>6}")
                print(f"{senders:>7} tandem p99 / floor p99 = {p99['tandem'] / p99['floor']:.2f} (target ≤ 1.5)")
        finally:
            for process in servers.values():
                process.terminate()
    if args.csv_rows:
        subprocess.run([sys.executable, str(REPO / "bench" / "cx_csv_import.py"), "--rows", str(args.csv_rows)],
                       check=True)


if __name__ == "__main__":
    main()
