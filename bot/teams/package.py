"""The Teams app package (`python -m bot teams-package --url https://HOST --out tandem-teams.zip`).

A Teams app is uploaded as a zip of manifest.json + two icons. The manifest follows schema 1.29
(https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema; the test validates
it against the official JSON schema); its limits are checked here too, so a bad package fails on the
command line rather than in Teams Admin Center. Website, privacy and terms links and `validDomains` come
from the public base URL Tandem is served at.
"""

from __future__ import annotations

import io
import json
import os
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from PIL import Image, ImageChops, ImageDraw

SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
MANIFEST_VERSION = "1.29"
ACCENT_COLOR = "#2E7D6B"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
COLOR_SIZE = 192
OUTLINE_SIZE = 32

MAX_COMMANDS_PER_LIST = 12  # schema 1.29 (1.17 allowed 10)
MAX_COMMAND_TITLE = 32  # what the Teams command menu shows whole (1.29 accepts 128)
MAX_COMMAND_DESCRIPTION = 128
MAX_DEVELOPER_NAME = 32
MAX_SHORT_NAME = 30
MAX_FULL_NAME = 100
MAX_SHORT_DESCRIPTION = 80
MAX_FULL_DESCRIPTION = 4000

MISSING_APP_ID = (
    "MICROSOFT_APP_ID is not set: the package needs the bot's Microsoft App ID (the GUID shown "
    "under Azure Bot -> Configuration -> Microsoft App ID). Set MICROSOFT_APP_ID and run "
    "`python -m bot teams-package --url https://YOUR-HOST --out tandem-teams.zip` again."
)

PERSONAL_COMMANDS: tuple[tuple[str, str], ...] = (
    ("checkin", "Answer today's mood check-in now (1-5, with an optional note)"),
    ("note", "Add or replace the note of your latest check-in - note <text>"),
    ("moment", "Log a customer moment: moment <what happened>"),
    ("tandem help", "Show everything Tandem can do"),
    ("tandem history", "See your own recent check-ins and moments"),
    ("tandem digest", "Managers: the weekly digest for a team - tandem digest [team] [week]"),
    ("tandem pause", "Pause check-ins while you are away - tandem pause [until YYYY-MM-DD]"),
    ("tandem resume", "Resume check-ins after a pause"),
    ("tandem export", "Download a copy of all your Tandem data"),
    ("tandem forget-me", "Delete everything Tandem holds about you (asks to confirm first)"),
    ("tandem status", "Show your schedule, time zone and pause status"),
    ("tandem schedule show", "Show when check-ins, reminders and digests are sent"),
)

TEAM_COMMANDS: tuple[tuple[str, str], ...] = (
    ("tandem help", "Show everything Tandem can do"),
    ("moment", "Log a customer moment: moment <what happened>"),
    ("tandem digest", "Managers: the weekly digest for this team - tandem digest [team] [week]"),
    ("tandem status", "Show Tandem's status for this team"),
    ("tandem schedule show", "Show when check-ins, reminders and digests are sent"),
)

SHORT_DESCRIPTION = "Mood check-ins and customer moments, with a weekly team digest."
FULL_DESCRIPTION = (
    "Tandem asks your team a short mood check-in in chat, lets anyone log a notable customer "
    "moment in a few seconds, and sends each manager a weekly digest that puts the team's "
    "wellbeing next to the quality of its customer interactions. Managers only ever see team "
    "aggregates, shown when enough people answered; nobody's individual answers are revealed. "
    "Everyone can see, export or delete their own data, and pause check-ins while on leave."
)


def app_package_id(app_id: str) -> str:
    """The manifest `id`: the bot's app id when it is a GUID, else a stable UUID derived from it."""
    try:
        return str(uuid.UUID(app_id))
    except ValueError:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tandem-teams-app:{app_id}"))


def build_manifest(*, app_id: str, base_url: str, name: str = "Tandem", version: str = "1.0.0") -> dict[str, Any]:
    app_id = (app_id or "").strip()
    if not app_id:
        raise ValueError(MISSING_APP_ID)
    website = _https_root(base_url)
    manifest: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": app_package_id(app_id),
        "developer": {
            "name": "Tandem",
            "websiteUrl": website,
            "privacyUrl": website + "privacy",
            "termsOfUseUrl": website + "terms",
        },
        "name": {"short": name, "full": f"{name} - team wellbeing and customer moments"},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [
                    {"scopes": ["personal"], "commands": _commands(PERSONAL_COMMANDS)},
                    {"scopes": ["team"], "commands": _commands(TEAM_COMMANDS)},
                ],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [urlparse(website).hostname],
        "defaultInstallScope": "personal",
    }
    problems = manifest_problems(manifest)
    if problems:
        raise ValueError("invalid Teams manifest: " + "; ".join(problems))
    return manifest


def manifest_problems(manifest: dict[str, Any]) -> list[str]:
    """Limits from the 1.29 schema that Teams enforces on upload; empty when the manifest is fine."""
    problems: list[str] = []
    if not 0 < len(manifest["developer"]["name"]) <= MAX_DEVELOPER_NAME:
        problems.append(f"developer.name must be 1-{MAX_DEVELOPER_NAME} characters")
    if not re.fullmatch(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)", manifest["version"]):
        problems.append(f"version {manifest['version']!r} must be MAJOR.MINOR.PATCH")
    if not re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["accentColor"]):
        problems.append("accentColor must be #RRGGBB")
    for key, limit in (("short", MAX_SHORT_NAME), ("full", MAX_FULL_NAME)):
        if not 0 < len(manifest["name"][key]) <= limit:
            problems.append(f"name.{key} must be 1-{limit} characters")
    for key, limit in (("short", MAX_SHORT_DESCRIPTION), ("full", MAX_FULL_DESCRIPTION)):
        if not 0 < len(manifest["description"][key]) <= limit:
            problems.append(f"description.{key} must be 1-{limit} characters")
    for url_key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        if not manifest["developer"][url_key].startswith("https://"):
            problems.append(f"developer.{url_key} must be an https URL")
    for bot in manifest["bots"]:
        for command_list in bot.get("commandLists", []):
            commands = command_list["commands"]
            if len(commands) > MAX_COMMANDS_PER_LIST:
                problems.append(f"{command_list['scopes']}: more than {MAX_COMMANDS_PER_LIST} commands")
            for command in commands:
                if not 0 < len(command["title"]) <= MAX_COMMAND_TITLE:
                    problems.append(f"command title {command['title']!r} over {MAX_COMMAND_TITLE}")
                if not 0 < len(command["description"]) <= MAX_COMMAND_DESCRIPTION:
                    problems.append(
                        f"command {command['title']!r} description over {MAX_COMMAND_DESCRIPTION}"
                    )
    return problems


def color_icon() -> Image.Image:
    """192x192 full-colour icon: two overlapping circles (two riders in tandem) on the accent colour."""
    scale = 4
    size = COLOR_SIZE * scale
    image = Image.new("RGBA", (size, size), ACCENT_COLOR)
    draw = ImageDraw.Draw(image)
    radius = int(size * 0.24)
    cy = size // 2
    left_cx, right_cx = int(size * 0.38), int(size * 0.62)
    draw.ellipse(_box(left_cx, cy, radius), fill="#FFFFFF")
    draw.ellipse(_box(right_cx, cy, radius), fill="#F2B84B")
    left_mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(left_mask).ellipse(_box(left_cx, cy, radius), fill=255)
    right_mask = Image.new("L", (size, size), 0)
    ImageDraw.Draw(right_mask).ellipse(_box(right_cx, cy, radius), fill=255)
    lens = ImageChops.multiply(left_mask, right_mask)
    image = Image.composite(Image.new("RGBA", (size, size), "#FFE6A8"), image, lens)
    return image.resize((COLOR_SIZE, COLOR_SIZE), Image.Resampling.LANCZOS)


def outline_icon() -> Image.Image:
    """32x32 outline icon as Teams requires: white strokes on a transparent background, no other
    colours (drawn without anti-aliasing, so every pixel is opaque white or fully transparent)."""
    image = Image.new("RGBA", (OUTLINE_SIZE, OUTLINE_SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    radius = 8
    draw.ellipse(_box(12, 16, radius), outline=(255, 255, 255, 255), width=2)
    draw.ellipse(_box(20, 16, radius), outline=(255, 255, 255, 255), width=2)
    return image


def build_package(
    out: Path,
    *,
    app_id: str,
    base_url: str,
    name: str = "Tandem",
    version: str = "1.0.0",
) -> Path:
    """Write the Teams app zip (manifest.json, color.png, outline.png) and return its path."""
    manifest = build_manifest(app_id=app_id, base_url=base_url, name=name, version=version)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    files = {
        "manifest.json": json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8") + b"\n",
        COLOR_ICON: _png(color_icon()),
        OUTLINE_ICON: _png(outline_icon()),
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for filename, data in files.items():
            info = zipfile.ZipInfo(filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return out


def main(out: str, app_id: str | None, base_url: str) -> Path:
    """CLI entry: app id from the argument or $MICROSOFT_APP_ID; raises ValueError when missing."""
    return build_package(
        Path(out),
        app_id=app_id if app_id is not None else os.environ.get("MICROSOFT_APP_ID", ""),
        base_url=base_url,
    )


def _commands(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": title, "description": description} for title, description in pairs]


def _https_root(base_url: str) -> str:
    """The site root of the public URL (`https://host/`): Teams requires https links and a bare domain."""
    parsed = urlparse(base_url.strip())
    if parsed.scheme != "https" or not parsed.hostname:
        raise ValueError(f"the app's public URL must be an absolute https:// URL, got {base_url!r}")
    return f"https://{parsed.netloc}/"


def _box(cx: int, cy: int, radius: int) -> tuple[int, int, int, int]:
    return (cx - radius, cy - radius, cx + radius, cy + radius)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
