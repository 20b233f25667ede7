#!/usr/bin/env python3
"""The README's two commands: `demo` and `test`, on a fresh clone with nothing but Python 3.11+.

Creates `.venv/` and installs the pinned requirements on first use (and again whenever
requirements.txt changes), then runs the demo or the whole test suite inside it.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".requirements.sha256"
TEST_WORKERS = 2  # the suite waits on servers, sockets and sleeps as much as it computes: 2 workers halve it


def in_parallel(pytest_args: list[str]) -> list[str]:
    """pytest-xdist workers for the suite, unless the caller chose (`-n 0` to debug with --pdb)."""
    chose = any(a.startswith(("-n", "--numprocesses", "--dist", "-pno:xdist")) for a in pytest_args)
    if chose or any(a == "-p" and b == "no:xdist" for a, b in itertools.pairwise(pytest_args)):
        return pytest_args
    return ["-n", str(TEST_WORKERS), "--dist", "loadfile", *pytest_args]


def ensure_environment() -> None:
    """Build or refresh the virtualenv so both commands work on a fresh clone."""
    wanted = hashlib.sha256((ROOT / "requirements.txt").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    if not PY.exists():
        print("Creating .venv/ (first run only) ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing pinned requirements into .venv/ ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(ROOT / "requirements.txt")], check=True)
    STAMP.write_text(wanted)


def main(argv: list[str]) -> int:
    usage = "usage: python3 scripts/dev.py demo [demo options] | test [pytest options]"
    if not argv or argv[0] not in {"demo", "test"}:
        print(usage, file=sys.stderr)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "demo":
        args = [str(PY), "-m", "bot", "demo", *rest]
    else:
        args = [str(PY), "-m", "pytest", *in_parallel(rest)]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
