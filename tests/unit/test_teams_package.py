"""The Teams app package: its manifest validates against the official schema 1.29; the icons Teams requires."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from bot.teams import package
from tests.support.official_schemas import errors, teams_manifest_validator

APP_ID = "3f2d8b5e-1c4a-4f7e-9b1d-2a6c8e0f4b71"
BASE = "https://tandem.contoso.com"


def _open(path: Path) -> tuple[dict, Image.Image, Image.Image, list[str]]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        color = Image.open(io.BytesIO(archive.read("color.png")))
        outline = Image.open(io.BytesIO(archive.read("outline.png")))
        color.load()
        outline.load()
    return manifest, color, outline, names


def _pixels(image: Image.Image) -> list[tuple[int, ...]]:
    raw, bands = image.tobytes(), len(image.getbands())
    return [tuple(raw[i : i + bands]) for i in range(0, len(raw), bands)]


@pytest.fixture
def built(tmp_path: Path) -> tuple[dict, Image.Image, Image.Image, list[str]]:
    out = package.build_package(
        tmp_path / "dist" / "tandem-teams.zip", app_id=APP_ID, base_url="https://tandem.contoso.com/api/messages"
    )
    assert out.is_file()
    return _open(out)


def test_zip_has_exactly_the_three_files(built) -> None:
    *_, names = built
    assert sorted(names) == ["color.png", "manifest.json", "outline.png"]


def test_manifest_required_keys_and_bot(built) -> None:
    manifest, *_ = built
    for key in (
        "$schema", "manifestVersion", "version", "id", "developer", "name", "description",
        "icons", "accentColor", "bots", "permissions", "validDomains",
    ):
        assert key in manifest, key
    assert manifest["$schema"].endswith("/v1.29/MicrosoftTeams.schema.json")
    assert manifest["manifestVersion"] == "1.29"
    assert manifest["id"] == APP_ID
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert manifest["permissions"] == ["identity", "messageTeamMembers"]
    assert manifest["validDomains"] == ["tandem.contoso.com"]
    assert manifest["developer"]["websiteUrl"] == "https://tandem.contoso.com/"
    assert manifest["developer"]["privacyUrl"] == "https://tandem.contoso.com/privacy"
    assert manifest["developer"]["termsOfUseUrl"] == "https://tandem.contoso.com/terms"
    assert "example.com" not in json.dumps(manifest)
    assert len(manifest["name"]["short"]) <= 30
    assert 0 < len(manifest["description"]["short"]) <= 80
    assert 0 < len(manifest["description"]["full"]) <= 4000

    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert bot["scopes"] == ["personal", "team"]
    assert bot["supportsFiles"] is False and bot["isNotificationOnly"] is False


def test_command_lists_respect_teams_limits(built) -> None:
    manifest, *_ = built
    lists = manifest["bots"][0]["commandLists"]
    assert [cl["scopes"] for cl in lists] == [["personal"], ["team"]]
    for command_list in lists:
        commands = command_list["commands"]
        assert 0 < len(commands) <= 12
        assert len({c["title"] for c in commands}) == len(commands)
        for command in commands:
            assert set(command) == {"title", "description"}
            assert 0 < len(command["title"]) <= 32
            assert 0 < len(command["description"]) <= 128
    personal_titles = [c["title"] for c in lists[0]["commands"]]
    assert personal_titles == [
        "checkin", "note", "moment", "tandem help", "tandem history", "tandem digest",
        "tandem pause", "tandem resume", "tandem export", "tandem forget-me", "tandem status", "tandem schedule show",
    ]


def test_icons_have_the_required_sizes_and_colours(built) -> None:
    _, color, outline, _ = built
    assert color.size == (192, 192)
    assert len(set(_pixels(color.convert("RGB")))) > 10  # full colour, not a silhouette
    assert outline.size == (32, 32)
    assert outline.mode == "RGBA"
    pixels = _pixels(outline)
    assert all(a == 0 or (r, g, b) == (255, 255, 255) for r, g, b, a in pixels)
    assert any(a == 255 for *_, a in pixels) and any(a == 0 for *_, a in pixels)


@pytest.mark.parametrize("app_id", ["", "   ", None])
def test_missing_app_id_raises_with_a_clear_message(tmp_path: Path, app_id, monkeypatch) -> None:
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    with pytest.raises(ValueError, match="MICROSOFT_APP_ID is not set: the package needs the bot's Microsoft App ID"):
        package.main(str(tmp_path / "x.zip"), app_id, BASE)
    assert not (tmp_path / "x.zip").exists()


def test_main_reads_app_id_from_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    out = package.main(str(tmp_path / "tandem-teams.zip"), None, "https://bot.fabrikam.org/teams")
    manifest, *_ = _open(out)
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["validDomains"] == ["bot.fabrikam.org"]


def test_non_guid_app_id_gets_a_stable_uuid(tmp_path: Path) -> None:
    first = package.build_manifest(app_id="tandem-dev-bot", base_url=BASE)
    second = package.build_manifest(app_id="tandem-dev-bot", base_url=BASE)
    assert first["id"] == second["id"] == str(uuid.UUID(first["id"]))
    assert first["bots"][0]["botId"] == "tandem-dev-bot"


def test_build_is_reproducible(tmp_path: Path) -> None:
    a = package.build_package(tmp_path / "a.zip", app_id=APP_ID, base_url=BASE)
    b = package.build_package(tmp_path / "b.zip", app_id=APP_ID, base_url=BASE)
    assert a.read_bytes() == b.read_bytes()


def test_limits_are_enforced() -> None:
    with pytest.raises(ValueError, match=r"name\.short"):
        package.build_manifest(app_id=APP_ID, base_url=BASE, name="A name far longer than thirty characters")
    with pytest.raises(ValueError, match="version"):
        package.build_manifest(app_id=APP_ID, base_url=BASE, version="1.0")


def test_manifest_validates_against_the_official_1_29_schema(built) -> None:
    manifest, *_ = built
    assert errors(teams_manifest_validator(), manifest) == []


def test_the_schema_check_catches_what_teams_would_reject(built) -> None:
    manifest, *_ = built
    too_many = [{"title": f"command {i}", "description": "x"} for i in range(13)]
    bad = manifest | {"packageName": "com.tandem.wellbeing", "accentColor": "teal",
                      "bots": [manifest["bots"][0]
                               | {"commandLists": [{"scopes": ["personal"], "commands": too_many}]}]}
    found = "\n".join(errors(teams_manifest_validator(), bad))
    assert "packageName" in found and "accentColor" in found and "commands" in found, found


@pytest.mark.parametrize("bad", ["http://tandem.contoso.com", "tandem.contoso.com", "https://"])
def test_the_public_url_must_be_https(bad: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="https"):
        package.main(str(tmp_path / "x.zip"), APP_ID, bad)
    assert not (tmp_path / "x.zip").exists()
