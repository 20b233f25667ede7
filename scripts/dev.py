#!/usr/bin/env python3
"""The README's two commands: `demo` and `test`, on a fresh clone with nothing but Python 3.11+.

Creates `.venv/` and installs the pinned requirements on first use (and again whenever
requirements.txt changes), then runs the demo or the whole test suite inside it. `test` runs
`lint` first (ruff check and mypy, configured in pyproject.toml) and stops if it reports anything.
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
    if sys.version_info < (3, 11):  # noqa: UP036 - run by any python3 on PATH, before the venv exists
        sys.exit(f"Tandem needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
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


LINTERS = (("ruff check", ["-m", "ruff", "check"]), ("mypy", ["-m", "mypy"]))  # both read pyproject.toml
USAGE = "usage: python3 scripts/dev.py demo [demo options] | test [pytest options] | lint"


def lint() -> int:
    """Run every linter (all of them, so one run shows every finding); non-zero if any reported something."""
    failed = []
    for name, args in LINTERS:
        print(f"--- {name}", flush=True)
        if subprocess.run([str(PY), *args], cwd=ROOT).returncode != 0:
            failed.append(name)
    if failed:
        print(f"lint failed: {' and '.join(failed)} reported the findings above.", flush=True)
        return 1
    print("lint passed: ruff check and mypy found nothing.", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"demo", "test", "lint"} or (argv[0] == "lint" and argv[1:]):
        print(USAGE, file=sys.stderr)
        return 2
    ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "lint":
        return lint()
    if command == "demo":
        args = [str(PY), "-m", "bot", "demo", *rest]
    else:
        if lint() != 0:
            print("Tests not run: fix what lint reports first (python3 scripts/dev.py lint).", file=sys.stderr)
            return 1
        args = [str(PY), "-m", "pytest", *in_parallel(rest)]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
