"""README's configuration reference is generated from the settings models and must match them."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from bot.cli.config_reference import render, splice
from bot.config import AppYaml, Environment

ROOT = Path(__file__).resolve().parents[2]


def test_readme_reference_matches_the_settings_models() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert splice(readme) == readme, "run `python -m bot config-reference --write README.md`"


def test_every_setting_is_documented() -> None:
    text = render()
    for section, field in AppYaml.model_fields.items():
        assert f"`{section}." in text, section
        model = field.annotation
        assert isinstance(model, type) and issubclass(model, BaseModel), section
        for name in model.model_fields:
            assert f"`{section}.{name}" in text, f"{section}.{name}"
    for name, field in Environment.model_fields.items():
        assert f"`{name.upper()}`" in text and field.description, name
