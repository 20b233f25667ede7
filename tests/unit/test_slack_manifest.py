"""The generated Slack app manifest matches what the adapter listens for, with least-privilege scopes."""

from __future__ import annotations

import pytest
import yaml

from bot.slack import ids
from bot.slack.manifest import BOT_SCOPES, build_manifest, main, render_manifest_yaml
from tests.support.official_schemas import errors, slack_manifest_validator

BASE = "https://tandem.example.com/base"
LEAST_PRIVILEGE = {"usergroups:read", "channels:read", "groups:read",  # team sync
                   "commands", "chat:write", "im:write", "im:history", "users:read", "users:read.email",
                   "files:write"}
EVENTS = {"app_home_opened", "app_uninstalled", "tokens_revoked", "user_change", "message.im",
          "subteam_updated", "subteam_members_changed", "member_joined_channel", "member_left_channel"}  # team sync


def parsed(socket_mode: bool = False) -> dict:
    return yaml.safe_load(main(BASE + "/", socket_mode))


def test_yaml_parses_to_the_built_manifest_with_required_sections() -> None:
    manifest = parsed()
    assert manifest == build_manifest(BASE)
    assert set(manifest) == {"display_information", "features", "oauth_config", "settings"}
    assert manifest["display_information"]["name"] == "Tandem"
    assert len(manifest["display_information"]["description"]) <= 140
    assert 175 <= len(manifest["display_information"]["long_description"]) <= 4000
    assert manifest["features"]["app_home"] == {
        "home_tab_enabled": True, "messages_tab_enabled": True, "messages_tab_read_only_enabled": False
    }
    assert manifest["features"]["bot_user"] == {"display_name": "Tandem", "always_online": True}
    settings = manifest["settings"]
    assert settings["org_deploy_enabled"] is False and settings["token_rotation_enabled"] is False
    assert settings["socket_mode_enabled"] is False and settings["interactivity"]["is_enabled"] is True


def test_every_url_uses_the_given_base() -> None:
    manifest = parsed()
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == ["/checkin", "/moment", "/tandem"] == list(ids.SLASH_COMMANDS)
    for command in commands:
        assert command["url"] == f"{BASE}/slack/events"
        assert command["description"] and command["should_escape"] is False
        assert len(command["command"]) <= 32
    assert manifest["settings"]["event_subscriptions"]["request_url"] == f"{BASE}/slack/events"
    assert manifest["settings"]["interactivity"]["request_url"] == f"{BASE}/slack/events"
    assert manifest["oauth_config"]["redirect_urls"] == [f"{BASE}/slack/oauth_redirect"]


def test_scopes_are_exactly_least_privilege_and_each_is_explained() -> None:
    manifest = parsed()
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == LEAST_PRIVILEGE
    assert "user" not in manifest["oauth_config"]["scopes"]
    text = render_manifest_yaml(BASE)
    for scope in LEAST_PRIVILEGE:
        assert f"- {scope}  # {BOT_SCOPES[scope]}" in text


def test_bot_events_and_shortcut() -> None:
    manifest = parsed()
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS
    [shortcut] = manifest["features"]["shortcuts"]
    assert shortcut["callback_id"] == ids.MESSAGE_SHORTCUT == "log_customer_moment"
    assert shortcut["type"] == "message" and shortcut["name"] == "Log as customer moment"
    assert len(shortcut["name"]) <= 25 and len(shortcut["description"]) <= 150


def test_socket_mode_drops_request_urls_but_keeps_subscriptions() -> None:
    manifest = parsed(socket_mode=True)
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    assert "request_url" not in settings["event_subscriptions"] and "request_url" not in settings["interactivity"]
    assert set(settings["event_subscriptions"]["bot_events"]) == EVENTS
    assert all("url" not in c for c in manifest["features"]["slash_commands"])
    assert manifest["oauth_config"]["redirect_urls"] == [f"{BASE}/slack/oauth_redirect"]


@pytest.mark.parametrize("bad", ["http://tandem.example.com", "tandem.example.com", "https://", "https://x.io/?a=1"])
def test_rejects_urls_slack_would_not_call(bad: str) -> None:
    with pytest.raises(ValueError, match="https"):
        build_manifest(bad)


def test_app_name_is_configurable() -> None:
    manifest = build_manifest(BASE, app_name="Tandem (staging)")
    assert manifest["display_information"]["name"] == "Tandem (staging)"
    assert manifest["features"]["bot_user"]["display_name"] == "Tandem (staging)"


def test_mood_action_ids_round_trip() -> None:
    assert [ids.mood_action_id(s) for s in ids.MOOD_SCORES] == [f"mood_{s}" for s in range(1, 6)]
    assert ids.mood_score_from_action("mood_3") == 3
    assert ids.mood_score_from_action("mood_9") is None and ids.mood_score_from_action("add_note") is None


@pytest.mark.parametrize("socket_mode", [False, True])
def test_manifest_validates_against_slacks_official_manifest_schema(socket_mode: bool) -> None:
    assert errors(slack_manifest_validator(), parsed(socket_mode)) == []


def test_the_schema_check_catches_what_slack_would_reject() -> None:
    manifest = parsed()
    manifest["display_information"]["name"] = "x" * 40
    manifest["features"]["slash_commands"][0]["command"] = "checkin"
    manifest["settings"]["socket_mode_enabled"] = "yes"
    found = "\n".join(errors(slack_manifest_validator(), manifest))
    assert "display_information/name" in found and "slash_commands/0/command" in found, found
    assert "settings/socket_mode_enabled" in found, found
