"""Logging for operators: one JSON object a line with LOG_FORMAT=json, readable text otherwise.

Request / event ids, workspace and outcome travel as `extra` fields. Secrets and people's words never
reach the log: known secret shapes are masked in every record as a last line of defence.
"""
from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

CONTEXT_FIELDS = ("request_id", "event_id", "workspace", "route", "status", "outcome", "duration_ms", "kind")
SECRET_PATTERN = re.compile(r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|Bearer\s+[A-Za-z0-9._~+/=-]+"
                            r"|v0=[0-9a-f]{64})")


def redact(text: str) -> str:
    return SECRET_PATTERN.sub("[redacted]", text)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                entry[field] = value
        if record.exc_info:
            entry["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{f}={getattr(record, f)}" for f in CONTEXT_FIELDS if getattr(record, f, None) is not None)
        line = redact(super().format(record))
        return f"{line} [{context}]" if context else line


def configure(log_format: str = "text", level: int = logging.INFO) -> None:
    """Install the formatter on the root logger (called once by the CLI)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format.lower() == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("alembic", "aiohttp.access", "apscheduler.executors.default", "apscheduler.scheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
