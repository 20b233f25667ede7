"""A scripted console session, end to end: `python -m bot console --as NAME` reading stdin."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _console(tmp_path: Path, user: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'tandem.db'}", "TANDEM_CONFIG": str(ROOT / "app.yaml")}
    return subprocess.run([sys.executable, "-m", "bot", "console", "--as", user], input="\n".join(lines) + "\n",
                          cwd=tmp_path, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=120)


def test_scripted_console_session(tmp_path: Path) -> None:
    result = _console(tmp_path, "alice", [
        "checkin",
        "9",                       # out of range: asked again
        "4",
        "Good day, shipped the fix",
        "moment The customer loved the quick fix",
        "1",                       # outcome: positive
        "3",                       # touchpoint: the third one (support)
        "tandem schedule checkin mon-fri 25:00",
        "tandem team create Support",
        "frobnicate",
        "",
        "tandem export",
    ])
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in out + result.stderr
    assert "1 😞 Rough" in out and "5 😄 Great" in out
    assert "from 1 to 5" in out
    assert "Recorded: 4 🙂 Good" in out
    assert "your note is saved" in out
    assert "Share this note with your manager, anonymously?" in out  # asked on the typed saved_note signal
    assert "How did it turn out?" in out and "Which touchpoint?" in out
    assert "Outcome: positive; touchpoint: support." in out
    assert "“25:00” is not a time" in out and "Usage: /tandem schedule" in out
    assert "Created team “Support”" in out
    assert "I don't know “frobnicate”" in out
    exported = json.loads(out[out.index("{"):out.rindex("}") + 1].replace("\n        ", "\n"))
    assert exported["check_ins"][0]["mood"] == 4
    with sqlite3.connect(tmp_path / "tandem.db") as db:
        assert db.execute("SELECT score, note FROM mood_entries").fetchall() == [(4, "Good day, shipped the fix")]
        assert db.execute("SELECT outcome, touchpoint FROM customer_moments").fetchall() == [("positive", "support")]
        assert db.execute("SELECT checkin_time FROM schedules").fetchall() == [("09:30",)]


def test_console_refuses_admin_commands_from_a_second_person(tmp_path: Path) -> None:
    _console(tmp_path, "ada", ["tandem help"])
    result = _console(tmp_path, "bob", ["tandem team create Ops", "tandem help"])
    assert "Only Tandem admins" in result.stdout
    assert "/tandem schedule" not in result.stdout
    with sqlite3.connect(tmp_path / "tandem.db") as db:
        assert db.execute("SELECT count(*) FROM teams").fetchone() == (0,)
        assert db.execute("SELECT allowed FROM audit_log").fetchall() == [(0,)]


def test_console_action_announced_once_and_answered_typed(tmp_path: Path) -> None:
    _console(tmp_path, "ada", ["tandem help"])
    _console(tmp_path, "bob", ["tandem help"])
    made = _console(tmp_path, "ada", ["tandem team create Support", "tandem team add Support @bob",
                                      "tandem team manager Support @ada", "tandem action add Quiet hours, don't ping",
                                      "tandem action done 9", "tandem action list"])
    assert "Traceback" not in made.stdout + made.stderr
    assert "Action 1 recorded for Support: “Quiet hours, don't ping”" in made.stdout
    assert "has no action 9" in made.stdout
    answered = _console(tmp_path, "bob", ["tandem action helps 1", "tandem action add Free pizza"])
    assert "noted that it helps" in answered.stdout and "for team managers" in answered.stdout
    with sqlite3.connect(tmp_path / "tandem.db") as db:
        assert db.execute("SELECT count(*) FROM outbox WHERE kind = 'action'").fetchall() == [(1,)]
        assert db.execute("SELECT helps FROM action_feedback").fetchall() == [(1,)]
        assert db.execute("SELECT number, text FROM team_actions").fetchall() == [(1, "Quiet hours, don't ping")]
