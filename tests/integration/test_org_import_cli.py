"""`python -m bot org import` as an admin types it: exit codes, messages on stderr with the usage line for
files that cannot be used, the workspace it imports into, a dry run and a second run that change nothing."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import units
from bot.__main__ import main
from bot.config import load_settings
from bot.wiring import build_ready
from handlers.identity import Caller, identify
from tests.conftest import ROOT

GOOD = ("email,platform_id,name,team,manager_email,timezone,country\n"
        "ann@example.com,U1,Ann,Support,lead@example.com,Europe/London,GB\n"
        "lead@example.com,U9,Lead,Leads,,,\n")


def meet(*callers: Caller) -> None:
    """People write to Tandem, so their workspaces exist (as after an install)."""
    async def run() -> None:
        deps = await build_ready(load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml")}))
        try:
            for caller in callers:
                async with units.unit_of_work(deps) as ctx:
                    await identify(ctx, caller)
        finally:
            await deps.close()

    asyncio.run(run())


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TANDEM_CONFIG", str(ROOT / "app.yaml"))
    return tmp_path


def test_files_that_cannot_be_used_say_why_with_the_usage_line(cli_database: Path, capsys) -> None:
    binary = cli_database / "org.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00")
    cases = {
        str(cli_database / "missing.csv"): "no such file",
        str(cli_database): "no such file",
        str(binary): "is not a CSV text file",
    }
    for name, text in {"empty.csv": "", "columns.csv": "name,team\nAnn,Support\n",
                       "header.csv": GOOD.splitlines()[0] + "\n"}.items():
        (cli_database / name).write_text(text)
    cases.update({str(cli_database / "empty.csv"): "the file is empty",
                  str(cli_database / "columns.csv"): "the header has no column email or platform_id",
                  str(cli_database / "header.csv"): "a header but no rows"})
    for path, expected in cases.items():
        assert main(["org", "import", path]) == 2, path
        err = capsys.readouterr().err
        assert expected in err and "usage: python -m bot org import FILE.csv" in err and "Traceback" not in err


def test_the_command_imports_reports_and_exits_by_what_it_found(cli_database: Path, capsys) -> None:
    file = cli_database / "org.csv"
    file.write_text(GOOD + "bad-email,,Bo,Support,,,\n")
    assert main(["org", "import", str(file)]) == 2
    assert "there is no workspace yet" in capsys.readouterr().err

    meet(Caller(platform="console", workspace_id="local", user_id="ada", display_name="Ada"))
    assert main(["org", "import", str(file), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "Dry run: nothing was stored" in out and "Support (new): 1 joined (Ann); new manager(s): Lead" in out
    assert "line 4: 'bad-email' is not an email address" in out
    assert main(["org", "import", str(file)]) == 1
    assert "2 team(s) created, 2 membership(s) started" in capsys.readouterr().out
    file.write_text(GOOD)
    assert main(["org", "import", str(file)]) == 0
    assert "Nothing changed: the teams already match the file." in capsys.readouterr().out

    meet(Caller(platform="slack", workspace_id="T42", user_id="U1", display_name="Ann", workspace_name="Acme"))
    assert main(["org", "import", str(file)]) == 2
    assert "there are 2 workspaces; choose one with --workspace: local (console" in capsys.readouterr().err
    assert main(["org", "import", str(file), "--workspace", "nowhere"]) == 2
    assert "no single workspace is called 'nowhere'" in capsys.readouterr().err
    assert main(["org", "import", str(file), "--workspace", "acme"]) == 0
    assert "2 team(s) created" in capsys.readouterr().out
