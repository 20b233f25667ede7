#!/usr/bin/env python3
"""Print the Slack message (Block Kit JSON) of digests written as JSON, e.g. by the demo:

    .venv/bin/python scripts/slack_digest.py demo-output/digests/2026-W42-support.json

Paste the `blocks` into https://app.slack.com/block-kit-builder to see the digest as a manager does
(the chart is uploaded beside the message, so it is not among the blocks).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))  # run from anywhere, like scripts/dev.py
    from bot.slack.render import message_payload
    from handlers.insights.report import TeamDigest
    from handlers.messages import DigestMessage

    for path in paths:
        report = TeamDigest.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        print(json.dumps(message_payload(DigestMessage(report=report, chart_png=b"png")), indent=2,
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
