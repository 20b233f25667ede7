"""The Slack app manifest for Tandem (`python -m bot slack-manifest --url https://...`).

Why generated: the request URLs, slash commands, shortcut callback id and scopes must match what the
adapter listens for; building them from `ids.py` keeps the app config and the code in step. Paste the
YAML at https://api.slack.com/apps -> Create New App -> From a manifest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import yaml

from bot.slack.ids import CHECKIN_COMMAND, MESSAGE_SHORTCUT, MOMENT_COMMAND, TANDEM_COMMAND

#: Least-privilege bot scopes, each with the reason Tandem needs it (also written into the YAML).
BOT_SCOPES: dict[str, str] = {
    "commands": "/checkin, /moment, /tandem and the 'Log as customer moment' message shortcut",
    "chat:write": "check-ins, reminders, replies and the weekly digest in DMs",
    "im:write": "conversations.open: start the DM a check-in is sent in",
    "im:history": "message.im: take notes and command replies written to the bot in its DM",
    "users:read": "users.info / users.list (tz, locale, name) and the user_change event",
    "users:read.email": "people's email in users.info, to count helpdesk ratings for the agent's team",
    "usergroups:read": "team sync: usergroups.list (members of a user group) and the subteam_* events",
    "channels:read": "team sync: conversations.list / conversations.members of public channels, member_*_channel",
    "groups:read": "team sync: members of private channels Tandem was invited to",
    "files:write": "upload the digest chart (files.getUploadURLExternal / completeUploadExternal)",
}

#: Events Tandem subscribes to (app_home_opened, app_uninstalled and tokens_revoked need no scope).
BOT_EVENTS: tuple[str, ...] = ("app_home_opened", "app_uninstalled", "tokens_revoked", "user_change", "message.im",
                               "subteam_updated", "subteam_members_changed", "member_joined_channel",
                               "member_left_channel")

_DESCRIPTIONS = {
    CHECKIN_COMMAND: ("Answer your mood check-in now", None),
    MOMENT_COMMAND: ("Log a notable customer moment", "[what happened with the customer]"),
    TANDEM_COMMAND: (
        "Tandem: help, your history and data, pauses, digests and admin settings",
        "help | history | export | forget-me | pause [until DATE] | resume | digest [team] [week]",
    ),
}

_LONG_DESCRIPTION = (
    "Tandem asks your team a one-click mood check-in in a direct message, lets anyone log a notable "
    "customer moment in seconds with /moment or the \"Log as customer moment\" message shortcut, and "
    "sends each manager a weekly digest that puts the team's wellbeing next to the quality of its "
    "customer interactions. Managers only ever see aggregates of at least a minimum group size; every "
    "employee can see, export or delete their own data at any time."
)


def _normalise_base_url(base_url: str) -> str:
    """Slack only calls absolute HTTPS request URLs; say so before Slack rejects the manifest."""
    parts = urlsplit(base_url.strip())
    if parts.scheme != "https" or not parts.netloc:
        raise ValueError(f"the app's public URL must be an absolute https:// URL, got {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"the app's public URL must not have a query or fragment, got {base_url!r}")
    return f"https://{parts.netloc}{parts.path.rstrip('/')}"


def build_manifest(base_url: str, *, app_name: str = "Tandem", socket_mode: bool = False) -> dict[str, Any]:
    """The manifest as a dict. In Socket Mode Slack ignores request URLs, so they are left out."""
    base = _normalise_base_url(base_url)
    events_url = f"{base}/slack/events"

    slash_commands: list[dict[str, Any]] = []
    for command in (CHECKIN_COMMAND, MOMENT_COMMAND, TANDEM_COMMAND):
        description, usage_hint = _DESCRIPTIONS[command]
        entry: dict[str, Any] = {"command": command}
        if not socket_mode:
            entry["url"] = events_url
        entry["description"] = description
        if usage_hint:
            entry["usage_hint"] = usage_hint
        entry["should_escape"] = False
        slash_commands.append(entry)

    event_subscriptions: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        event_subscriptions = {"request_url": events_url, **event_subscriptions}
        interactivity["request_url"] = events_url

    return {
        "display_information": {
            "name": app_name,
            "description": "Mood check-ins and customer moments, side by side in a weekly team digest",
            "background_color": "#2e4a62",
            "long_description": _LONG_DESCRIPTION,
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": app_name, "always_online": True},
            "slash_commands": slash_commands,
            "shortcuts": [
                {
                    "name": "Log as customer moment",
                    "type": "message",
                    "callback_id": MESSAGE_SHORTCUT,
                    "description": "Save this message as a customer moment for your team's digest",
                }
            ],
        },
        "oauth_config": {
            "redirect_urls": [f"{base}/slack/oauth_redirect"],
            "scopes": {"bot": list(BOT_SCOPES)},
        },
        "settings": {
            "event_subscriptions": event_subscriptions,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }


def render_manifest_yaml(base_url: str, *, app_name: str = "Tandem", socket_mode: bool = False) -> str:
    """The manifest as YAML, each bot scope followed by a comment saying why it is requested."""
    manifest = build_manifest(base_url, app_name=app_name, socket_mode=socket_mode)
    text = yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=120)
    lines, in_bot_scopes = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "bot:":
            in_bot_scopes = True
        elif in_bot_scopes and not stripped.startswith("- "):
            in_bot_scopes = False
        if in_bot_scopes and stripped.startswith("- ") and stripped[2:] in BOT_SCOPES:
            line = f"{line}  # {BOT_SCOPES[stripped[2:]]}"
        lines.append(line)
    header = "# Tandem Slack app manifest: https://api.slack.com/apps -> Create New App -> From a manifest\n"
    return header + "\n".join(lines) + "\n"


def main(url: str, socket_mode: bool) -> str:
    """Entry point for `python -m bot slack-manifest --url URL [--socket-mode]` (wired in bot/__main__.py)."""
    return render_manifest_yaml(url, socket_mode=socket_mode)
