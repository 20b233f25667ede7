"""Operator logs: JSON lines with context fields; secrets never appear."""
from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter, TextFormatter


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("tandem.test", logging.INFO, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_lines_carry_context_fields() -> None:
    line = JsonFormatter().format(_record("handled", request_id="r-1", workspace="T1", outcome="ok", status=200))
    entry = json.loads(line)
    assert entry["message"] == "handled" and entry["request_id"] == "r-1"
    assert (entry["workspace"], entry["outcome"], entry["status"]) == ("T1", "ok", 200)
    assert entry["level"] == "info" and entry["ts"].endswith("+00:00")


def test_tokens_and_signatures_are_masked_in_both_formats() -> None:
    secret = "token xoxb-1234-5678-abcdef and Bearer eyJhbGciOi.abc.def and v0=" + "a" * 64
    for formatter in (JsonFormatter(), TextFormatter()):
        text = formatter.format(_record(secret))
        assert "xoxb-1234" not in text and "eyJhbGciOi" not in text and "a" * 64 not in text
        assert "[redacted]" in text
