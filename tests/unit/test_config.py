"""app.yaml and the environment: validated at start, with errors that name the key and what is allowed."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _load(tmp_path: Path, text: str, **env: str):
    path = tmp_path / "app.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings({"TANDEM_CONFIG": str(path), **env})


def test_shipped_app_yaml_is_valid_and_has_the_documented_defaults() -> None:
    settings = load_settings({"TANDEM_CONFIG": str(ROOT / "app.yaml")})
    domain = settings.domain
    assert domain.privacy.min_group == 5
    assert domain.checkin.weekdays == (0, 1, 2, 3, 4)
    assert domain.checkin.at.strftime("%H:%M") == "09:30"
    assert "support" in domain.moments.touchpoints
    assert domain.moments.max_length == 3000


@pytest.mark.parametrize(("yaml_text", "fragments"), [
    ("checkin:\n  time: '25:00'\n", ["checkin.time", "'25:00' is not a 24-hour time"]),
    ("checkin:\n  time: 9am\n", ["checkin.time", "HH:MM"]),
    ("checkin:\n  days: [monday]\n", ["checkin.days.0", "must be one of mon, tue"]),
    ("checkin:\n  days: []\n", ["checkin.days", "at least one weekday"]),
    ("privacy:\n  min_group: 2\n", ["privacy.min_group", "at least 3"]),
    ("workspace:\n  timezone: Mars/Olympus\n", ["workspace.timezone", "not an IANA time zone"]),
    ("workspace:\n  holiday_country: XX\n", ["workspace.holiday_country", "not a country"]),
    ("reminder:\n  working_hours: {start: '18:00', end: '08:00'}\n",
     ["reminder.working_hours", "start must be before end"]),
    ("moments:\n  max_length: 50000\n", ["moments.max_length"]),
    ("moments:\n  touchpoints: ['customer support']\n", ["moments.touchpoints", "single words"]),
    ("moments:\n  touchpoints: [" + "x" * 41 + "]\n", ["moments.touchpoints", "at most 40 characters"]),
    ("moments:\n  touchpoints: [" + ", ".join(f"t{i}" for i in range(21)) + "]\n",
     ["moments.touchpoints", "at most 20 touchpoints (got 21)"]),
    ("slack_bot_token: xoxb-123\n", ["slack_bot_token", "not a known setting"]),
])
def test_bad_values_stop_start_up_naming_the_key(tmp_path: Path, yaml_text: str, fragments: list[str]) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(tmp_path, yaml_text)
    for fragment in fragments:
        assert fragment in str(raised.value)


def test_not_yaml_and_missing_file_are_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        _load(tmp_path, "checkin: [unclosed\n")
    with pytest.raises(ConfigError, match=r"TANDEM_CONFIG: .* does not exist"):
        load_settings({"TANDEM_CONFIG": str(tmp_path / "nope.yaml")})


def test_secrets_come_from_the_environment_only(tmp_path: Path) -> None:
    settings = _load(tmp_path, "{}\n", SLACK_BOT_TOKEN="xoxb-from-env", DATABASE_URL="sqlite:///x.db", PORT="8080")
    assert settings.env.slack_bot_token == "xoxb-from-env"
    assert settings.env.port == 8080
    with pytest.raises(ConfigError, match="port"):
        _load(tmp_path, "{}\n", PORT="eighty")
