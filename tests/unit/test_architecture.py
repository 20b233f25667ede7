"""DESIGN.md rule 1: the core stays platform-neutral; rule 3: nothing is built at import time."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp")


def _full_imports(path: Path) -> set[str]:
    """Every imported name, dotted in full (`storage.models.Person`, `sqlalchemy.select`)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _imports(path: Path) -> set[str]:
    """The top-level packages a module imports."""
    return {name.split(".")[0] for name in _full_imports(path)}


def test_handlers_and_storage_import_no_chat_sdk() -> None:
    offenders = {str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN))
                 for folder in ("handlers", "storage") for path in (ROOT / folder).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_handlers_and_storage_do_not_import_bot() -> None:
    offenders = [str(path.relative_to(ROOT)) for folder in ("handlers", "storage")
                 for path in (ROOT / folder).rglob("*.py") if "bot" in _imports(path)]
    assert offenders == []


def test_chat_adapters_reach_storage_only_through_handlers() -> None:
    """Slack, Teams and the console use handlers/; from storage they take only types and the DB error check."""
    allowed = ("storage.models.", "storage.db.is_unavailable")
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in _full_imports(path)
                                                     if name.startswith("storage") and not name.startswith(allowed))
                 for folder in ("bot/slack", "bot/teams", "bot/console") for path in (ROOT / folder).rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_handlers_build_no_sql() -> None:
    """Queries live in storage/; handlers take only the session type and the integrity error from SQLAlchemy."""
    allowed = ("sqlalchemy.ext.asyncio.AsyncSession", "sqlalchemy.exc.IntegrityError")
    offenders = {str(path.relative_to(ROOT)): sorted(name for name in _full_imports(path)
                                                     if name.startswith("sqlalchemy") and name not in allowed)
                 for path in (ROOT / "handlers").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_every_module_builds_no_engine_app_or_client() -> None:
    """Import everything in a fresh interpreter and check no engine or event loop work happened."""
    script = (
        "import pkgutil, importlib, sqlalchemy.ext.asyncio as a\n"
        "made = []\n"
        "orig = a.create_async_engine\n"
        "a.create_async_engine = lambda *x, **k: made.append(x) or orig(*x, **k)\n"
        "import bot, handlers, storage\n"
        "for pkg in (bot, handlers, storage):\n"
        "    for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if m.name.endswith('__main__') or '.migrations' in m.name: continue\n"
        "        importlib.import_module(m.name)\n"
        "print('engines', len(made))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("engines 0")
