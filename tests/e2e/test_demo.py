"""`python -m bot demo` with small parameters: the whole loop through the real code paths."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_demo_writes_digests_and_shows_the_sinking_team(tmp_path: Path) -> None:
    out = tmp_path / "demo-output"
    env = {**os.environ, "TANDEM_CONFIG": str(ROOT / "app.yaml"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--weeks", "6", "--employees", "21", "--seed", "3",
                             "--out", str(out)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert "21 employees in 3 teams" in result.stdout
    digests = sorted((out / "digests").glob("*.json"))
    assert len(digests) == 3 * 6 and len(list((out / "digests").glob("*.txt"))) == 18
    reports = [json.loads(path.read_text()) for path in digests]
    by_team: dict[str, list[dict]] = {}
    for report in reports:
        by_team.setdefault(report["team"], []).append(report)
    support = sorted(by_team["Support"], key=lambda r: r["iso_week"])
    moods = [r["mood"]["mean"] for r in support if r["mood"]]
    assert len(moods) >= 5
    assert min(moods[2:5]) < max(moods[:2]) - 0.6, moods  # the slump shows in the weekly digests
    others = [r["mood"]["mean"] for t, rs in by_team.items() if t != "Support" for r in rs if r["mood"]]
    assert min(others) > min(moods[2:5])
    assert (out / "summary.txt").read_text().startswith("Tandem demo")
    from bot.cli.demo_story import NAMES

    written = "\n".join(p.read_text() for p in (out / "digests").iterdir()).lower()
    named = [n for n in NAMES if re.search(rf"\b{n.lower()}\b", written)]
    assert not named, f"a digest names {named}"


def test_demo_refuses_bad_parameters_clearly(tmp_path: Path) -> None:
    env = {**os.environ, "TANDEM_CONFIG": str(ROOT / "app.yaml"), "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--employees", "4", "--out", str(tmp_path / "o")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--employees must be at least 9" in result.stderr and "Traceback" not in result.stderr
