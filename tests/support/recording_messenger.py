"""A console-platform Messenger for real `serve` processes that appends one JSON line per delivery to a file.

Multi-process tests (tests/e2e/test_replicas.py) start several real servers (`python -m
tests.support.recording_messenger --port N`: the product's `serve`, with this messenger wired in) on one
PostgreSQL database and must count, across processes, who received what. `TANDEM_TEST_MESSENGER_DIR=DIR`
makes them deliver console-workspace messages by appending
`{"pid", "person_id", "user", "kind", "prompt_id"}` to `DIR/deliveries-<pid>.jsonl` (one write per line,
O_APPEND, so lines never interleave). `TANDEM_TEST_MESSENGER_DELAY_MS` makes each send take that long,
so a test can kill a server in the middle of a fan-out. It refuses to start when any Slack or Teams
credential is set.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from bot.config import ConfigError, load_settings
from bot.http.server import serve
from bot.logs import configure as configure_logging
from bot.wiring import Deps
from handlers.messages import Message, MoodPrompt
from handlers.ports import Recipient

DIR_VARIABLE = "TANDEM_TEST_MESSENGER_DIR"
DELAY_VARIABLE = "TANDEM_TEST_MESSENGER_DELAY_MS"
PRODUCTION_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID")


class FileRecordingMessenger:
    """Appends one line per delivered message; the line is written when the send completes."""

    def __init__(self, directory: Path, delay_s: float = 0.0) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"deliveries-{os.getpid()}.jsonl"
        self.delay_s = delay_s
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    async def send(self, recipient: Recipient, message: Message) -> None:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        kind = ("reminder" if message.reminder else "checkin") if isinstance(message, MoodPrompt) \
            else type(message).__name__
        line = json.dumps({"pid": os.getpid(), "person_id": recipient.person_id, "user": recipient.platform_user_id,
                           "kind": kind, "prompt_id": getattr(message, "prompt_id", None)})
        os.write(self._fd, (line + "\n").encode())


def install_from_environment(deps: Deps, environ: Mapping[str, str] | None = None) -> bool:
    """Register the recording messenger for the console platform if the test variable is set."""
    env = os.environ if environ is None else environ
    directory = env.get(DIR_VARIABLE, "").strip()
    if not directory:
        return False
    live = [name for name in PRODUCTION_VARIABLES if env.get(name)]
    if live:
        raise ConfigError(f"{DIR_VARIABLE} is for tests only and must not be set together with "
                          f"{', '.join(live)}; unset it.")
    try:
        delay_ms = float(env.get(DELAY_VARIABLE, "0") or 0)
    except ValueError:
        raise ConfigError(f"{DELAY_VARIABLE} must be a number of milliseconds") from None
    deps.messengers["console"] = FileRecordingMessenger(Path(directory), delay_ms / 1000)
    return True


def main() -> int:
    """`serve` with the recording messenger: the same server, wired by the test instead of by the product."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args().port
    settings = load_settings()
    configure_logging(settings.env.log_format)

    def prepare(deps: Deps) -> None:
        if not install_from_environment(deps):
            raise ConfigError(f"{DIR_VARIABLE} must name the directory for the deliveries")

    return asyncio.run(serve(settings, port, prepare=prepare))


if __name__ == "__main__":
    sys.exit(main())
