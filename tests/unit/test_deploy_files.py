"""The deployment files say what the docs promise (no Docker engine runs here, so they are read, not run)."""
from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_dockerfile_runs_as_non_root_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "\nUSER tandem\n" in text and "useradd" in text
    assert "HEALTHCHECK" in text and "/healthz" in text
    assert 'CMD ["python", "-m", "bot", "serve"]' in text
    for folder in ("bot", "handlers", "storage"):
        assert f"COPY {folder} ./{folder}" in text


def test_compose_has_postgres_and_two_replicas_on_it() -> None:
    compose = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:")
    replicas = [name for name, svc in services.items() if name.startswith("tandem-")]
    assert len(replicas) == 2
    for name in replicas:
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
