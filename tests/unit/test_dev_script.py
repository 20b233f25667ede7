"""scripts/dev.py: `test` runs lint first and then the suite in two xdist workers; `lint` runs ruff and mypy."""
from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tandem_dev_script", ROOT / "scripts" / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def in_parallel():  # the function under test
    return _load().in_parallel


@pytest.fixture
def dev(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, list[list[str]], dict[str, int]]:
    """The script with its venv step skipped and its commands recorded; `codes` chooses their exit codes."""
    module = _load()
    ran: list[list[str]] = []
    codes: dict[str, int] = {}

    def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        assert cwd == ROOT
        ran.append(args[1:])
        return subprocess.CompletedProcess(args, codes.get(args[2], 0))

    monkeypatch.setattr(module, "ensure_environment", lambda: None)
    monkeypatch.setattr(module.subprocess, "run", run)
    return module, ran, codes


@pytest.mark.parametrize("args", [[], ["tests/unit", "-q"], ["-p", "no:cacheprovider"], ["-k", "digest"]])
def test_the_suite_runs_whole_files_on_two_workers(in_parallel, args: list[str]) -> None:
    assert in_parallel(args) == ["-n", "2", "--dist", "loadfile", *args]


@pytest.mark.parametrize("args", [["-n", "0", "--pdb"], ["-n0"], ["--numprocesses=4"], ["-p", "no:xdist"],
                                  ["-pno:xdist"], ["--dist", "load", "-n", "3"]])
def test_a_caller_who_chose_how_to_run_is_left_alone(in_parallel, args: list[str]) -> None:
    assert in_parallel(args) == args


def test_lint_runs_ruff_check_and_mypy_with_the_project_config(dev) -> None:
    module, ran, _ = dev
    assert module.main(["lint"]) == 0
    assert ran == [["-m", "ruff", "check"], ["-m", "mypy"]]


@pytest.mark.parametrize("failing", ["ruff", "mypy"])
def test_lint_fails_when_either_tool_reports_and_still_runs_both(dev, failing: str, capsys) -> None:
    module, ran, codes = dev
    codes[failing] = 1
    assert module.main(["lint"]) == 1
    assert len(ran) == 2
    assert "lint failed" in capsys.readouterr().out


def test_the_tests_run_only_after_lint_passes(dev) -> None:
    module, ran, _ = dev
    assert module.main(["test", "tests/unit", "-q"]) == 0
    assert ran == [["-m", "ruff", "check"], ["-m", "mypy"],
                   ["-m", "pytest", "-n", "2", "--dist", "loadfile", "tests/unit", "-q"]]


def test_failing_lint_stops_the_tests_with_a_message(dev, capsys) -> None:
    module, ran, codes = dev
    codes["mypy"] = 1
    assert module.main(["test"]) == 1
    assert ["-m", "pytest"] not in [args[:2] for args in ran]
    assert "Tests not run: fix what lint reports first (python3 scripts/dev.py lint)." in capsys.readouterr().err


@pytest.mark.parametrize("argv", [[], ["lnt"], ["lint", "--fix"]])
def test_an_unknown_command_gets_the_usage_line(dev, argv: list[str], capsys) -> None:
    module, ran, _ = dev
    assert module.main(argv) == 2
    assert ran == []
    assert "demo [demo options] | test [pytest options] | lint" in capsys.readouterr().err
