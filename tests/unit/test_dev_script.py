"""scripts/dev.py test: the suite in two xdist workers, unless the caller chose how it runs."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def in_parallel():
    spec = importlib.util.spec_from_file_location("tandem_dev_script", ROOT / "scripts" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.in_parallel


@pytest.mark.parametrize("args", [[], ["tests/unit", "-q"], ["-p", "no:cacheprovider"], ["-k", "digest"]])
def test_the_suite_runs_whole_files_on_two_workers(in_parallel, args: list[str]) -> None:
    assert in_parallel(args) == ["-n", "2", "--dist", "loadfile", *args]


@pytest.mark.parametrize("args", [["-n", "0", "--pdb"], ["-n0"], ["--numprocesses=4"], ["-p", "no:xdist"],
                                  ["-pno:xdist"], ["--dist", "load", "-n", "3"]])
def test_a_caller_who_chose_how_to_run_is_left_alone(in_parallel, args: list[str]) -> None:
    assert in_parallel(args) == args
