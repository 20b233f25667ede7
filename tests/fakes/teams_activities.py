"""Teams activities for tests, built from the real JSON in ../shared/specs/teams/.

Each builder loads one documented activity and substitutes only what a test needs to control
(ids, serviceUrl, tenant, time zone), so the wire shape stays the one Teams sends. Teams also puts
the user's time zone on inbound activities (`localTimezone`, `localTimestamp` and a `clientInfo`
entity with `timezone`/`locale`); the builders add those, which is how Tandem learns a new user's
time zone.
"""

from __future__ import annotations

import copy
import html
import itertools
import json
import os
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from botbuilder.schema import Activity

DEFAULT_SERVICE_URL = "https://smba.trafficmanager.net/emea/"
DEFAULT_TENANT_ID = "b28fdbfd-2b78-4f93-b0f8-8881793f0f8f"
DEFAULT_BOT_ID = "28:608cacfd-1cea-40c9-b678-4b93e69bb72b"
DEFAULT_BOT_NAME = "Tandem"
DEFAULT_USER_ID = (
    "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw"
)
DEFAULT_USER_NAME = "Megan Bowen"
DEFAULT_AAD_OBJECT_ID = "7faf8ab2-3d56-4244-b585-20c8a42ed2b8"
DEFAULT_PERSONAL_CONVERSATION_ID = (
    "a:17I0kl9EkpE1O9PH5TWrzrLNwnWWcfrU7QZjKR0WSfOpzbfcAg2IaydGElSo10tVr4C7Fc6GtieTJX663WuJCc1uA83"
    "n4CSrHSgGBj5XNYLcVlJAs2ZX8DbYBPck201w-"
)
DEFAULT_TEAM_ID = "19:zFLSDFWsesfzcmKArqKJ-65aOXJz@sgf462H2wz41@thread.tacv2"
DEFAULT_TEAM_NAME = "TestTeam2022"
DEFAULT_CHANNEL_ID = "19:0b7f32667e064dd9b25d7969801541f4@thread.tacv2"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_LOCALE = "en-GB"


def shared_dir() -> Path:
    """../shared beside the checkout, or $TANDEM_SHARED_DIR."""
    override = os.environ.get("TANDEM_SHARED_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[3] / "shared"


def teams_specs_dir() -> Path:
    return shared_dir() / "specs" / "teams"


@cache
def _load_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_msteams_doc(name: str) -> dict[str, Any]:
    """A fresh copy of msteams-docs/<name>.json (e.g. "installationUpdate_add")."""
    stem = name.removesuffix(".json")
    return json.loads(_load_text(str(teams_specs_dir() / "msteams-docs" / f"{stem}.json")))


def botbuilder_test_activities(
    *, type: str | None = None, event_type: str | None = None, name: str | None = None
) -> list[dict[str, Any]]:
    """The 56 activities from botbuilder-python's own tests, optionally filtered by type,
    channelData.eventType or invoke name. Each item is {"source", "line", "activity"}."""
    items = json.loads(
        _load_text(str(teams_specs_dir() / "botbuilder-python-tests" / "activities_from_tests.json"))
    )
    out = []
    for item in items:
        activity = item["activity"]
        if type is not None and activity.get("type") != type:
            continue
        if event_type is not None and (activity.get("channelData") or {}).get("eventType") != event_type:
            continue
        if name is not None and activity.get("name") != name:
            continue
        out.append(copy.deepcopy(item))
    return out


def to_activity(data: dict[str, Any]) -> Activity:
    """Parse as botbuilder does for an inbound request body."""
    return Activity().deserialize(data)


# ---------------------------------------------------------------------------------- builders


def installation_update_add(
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    conversation_id: str = DEFAULT_PERSONAL_CONVERSATION_ID,
    *,
    scope: str | None = None,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    team_id: str = DEFAULT_TEAM_ID,
    team_name: str = DEFAULT_TEAM_NAME,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """installationUpdate / action "add". `scope` is "personal" or "team"; by default a "19:..."
    conversation id means a team install, anything else a personal (1:1) install."""
    scope = scope or ("team" if conversation_id.startswith("19:") else "personal")
    a = load_msteams_doc("installationUpdate_add")
    a["id"] = activity_id or f"f:{uuid.uuid4()}"
    a["from"]["id"] = user_id
    a["from"]["aadObjectId"] = aad_object_id
    if scope == "team":
        a["conversation"]["id"] = conversation_id
        cd = a["channelData"]
        cd["settings"]["selectedChannel"]["id"] = conversation_id
        cd["channel"]["id"] = conversation_id
        cd["team"]["id"] = team_id
        cd["team"]["name"] = team_name
    else:
        a["conversation"] = {"conversationType": "personal", "id": conversation_id}
        a["channelData"] = {"tenant": {"id": tenant_id}, "source": a["channelData"]["source"]}
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


def conversation_update_bot_added_personal(
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    conversation_id: str = DEFAULT_PERSONAL_CONVERSATION_ID,
    *,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """conversationUpdate with the bot (and the user) in membersAdded of a 1:1 chat."""
    a = load_msteams_doc("conversationUpdate_bot_added_personal")
    a["id"] = activity_id or f"f:{uuid.uuid4().hex[:8]}"
    a["membersAdded"][0]["id"] = bot_id
    a["membersAdded"][1]["id"] = user_id
    a["membersAdded"][1]["aadObjectId"] = aad_object_id
    a["from"] = {"id": user_id, "aadObjectId": aad_object_id}
    a["conversation"]["id"] = conversation_id
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


def conversation_update_bot_added_to_team(
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    conversation_id: str = DEFAULT_CHANNEL_ID,
    *,
    team_id: str = DEFAULT_TEAM_ID,
    team_name: str = DEFAULT_TEAM_NAME,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """conversationUpdate / teamMemberAdded for the bot being added to a team (channel conversation)."""
    a = load_msteams_doc("conversationUpdate_bot_added_to_team")
    a["id"] = activity_id or f"f:{uuid.uuid4()}"
    a["membersAdded"][0]["id"] = bot_id
    a["from"]["id"] = user_id
    a["from"]["aadObjectId"] = aad_object_id
    a["conversation"]["id"] = conversation_id
    cd = a["channelData"]
    cd["settings"]["selectedChannel"]["id"] = conversation_id
    cd["team"]["id"] = team_id
    cd["team"]["name"] = team_name
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


def conversation_update_team_members(
    event_type: str,
    members: list[dict[str, Any]],
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    *,
    team_id: str = DEFAULT_TEAM_ID,
    team_name: str = DEFAULT_TEAM_NAME,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """conversationUpdate / `teamMemberAdded` or `teamMemberRemoved` for people (not the bot) joining or
    leaving a team: `members` ({"id": "29:...", "aadObjectId": ...}) go to membersAdded or membersRemoved.
    The team's General channel (id = team id) is the conversation, as in the docs' sample."""
    a = load_msteams_doc("conversationUpdate_teamMemberRemoved")
    a["id"] = activity_id or f"f:{uuid.uuid4().hex[:8]}"
    a.pop("membersRemoved", None)
    a["membersAdded" if event_type == "teamMemberAdded" else "membersRemoved"] = copy.deepcopy(members)
    a["from"] = {"id": user_id, "aadObjectId": aad_object_id}
    a["conversation"]["id"] = team_id
    cd = a["channelData"]
    cd["eventType"] = event_type
    cd["team"] = {"id": team_id, "name": team_name}
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, None, DEFAULT_LOCALE, timestamp)
    return a


def personal_message(
    text: str,
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    conversation_id: str = DEFAULT_PERSONAL_CONVERSATION_ID,
    *,
    user_name: str = DEFAULT_USER_NAME,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """A 1:1 message from a user; `text` is also mirrored into the text/html attachment Teams adds."""
    a = load_msteams_doc("message_personal_richtext")
    a["id"] = activity_id or _message_id(timestamp)
    a["from"] = {"id": user_id, "name": user_name, "aadObjectId": aad_object_id}
    a["conversation"]["id"] = conversation_id
    a["text"] = text
    a["attachments"][0]["content"] = f"<p>{html.escape(text)}</p>"
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


def channel_message(
    text: str,
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    channel_id: str = DEFAULT_CHANNEL_ID,
    *,
    team_id: str = DEFAULT_TEAM_ID,
    user_name: str = DEFAULT_USER_NAME,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    mention_bot: bool = True,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """A channel post starting a thread. In a channel the bot only hears @mentions, so by default
    the text starts with `<at>{bot_name}</at>` and a mention entity is added, as Teams does."""
    a = load_msteams_doc("message_personal_richtext")
    a["id"] = activity_id or _message_id(timestamp)
    a["from"] = {"id": user_id, "name": user_name, "aadObjectId": aad_object_id}
    a["conversation"] = {
        "isGroup": True,
        "conversationType": "channel",
        "id": f"{channel_id};messageid={a['id']}",
    }
    a["channelData"] = {
        "teamsChannelId": channel_id,
        "teamsTeamId": team_id,
        "channel": {"id": channel_id},
        "team": {"id": team_id},
        "tenant": {"id": tenant_id},
    }
    if mention_bot:
        mention = f"<at>{bot_name}</at>"
        a["text"] = f"{mention} {text}"
        a["entities"].append(
            {"type": "mention", "mentioned": {"id": bot_id, "name": bot_name}, "text": mention}
        )
    else:
        a["text"] = text
    a["attachments"][0]["content"] = f"<p>{html.escape(a['text'])}</p>"
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


def card_submit(
    value: dict[str, Any],
    reply_to_id: str,
    service_url: str = DEFAULT_SERVICE_URL,
    tenant_id: str = DEFAULT_TENANT_ID,
    user_id: str = DEFAULT_USER_ID,
    conversation_id: str = DEFAULT_PERSONAL_CONVERSATION_ID,
    *,
    user_name: str = DEFAULT_USER_NAME,
    aad_object_id: str = DEFAULT_AAD_OBJECT_ID,
    bot_id: str = DEFAULT_BOT_ID,
    bot_name: str = DEFAULT_BOT_NAME,
    team_id: str | None = None,
    timezone: str | None = DEFAULT_TIMEZONE,
    locale: str = DEFAULT_LOCALE,
    timestamp: datetime | None = None,
    activity_id: str | None = None,
) -> dict[str, Any]:
    """An Adaptive Card Action.Submit: a `message` with `value` (the card's data + inputs), no
    text, and `replyToId` = the id of the card's activity. With `team_id` it comes from a card in
    a channel (`conversation_id` is then the channel id)."""
    a = load_msteams_doc("message_card_messageBack_inbound")
    del a["text"]
    a["value"] = copy.deepcopy(value)
    a["replyToId"] = reply_to_id
    a["id"] = activity_id or _message_id(timestamp)
    a["from"] = {"id": user_id, "name": user_name, "aadObjectId": aad_object_id}
    if team_id is None:
        a["conversation"] = {"conversationType": "personal", "id": conversation_id}
        a["channelData"] = {"tenant": {"id": tenant_id}, "source": {"name": "message"}}
    else:
        a["conversation"] = {
            "isGroup": True,
            "conversationType": "channel",
            "id": f"{conversation_id};messageid={reply_to_id}",
        }
        a["channelData"]["channel"]["id"] = conversation_id
        a["channelData"]["team"]["id"] = team_id
    a["channelData"]["legacy"] = {"replyToId": reply_to_id}
    _apply_common(a, service_url, tenant_id, bot_id, bot_name, timezone, locale, timestamp)
    return a


# ---------------------------------------------------------------------------------- helpers


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _message_id(timestamp: datetime | None) -> str:
    """Teams message ids look like epoch milliseconds; a counter keeps ids built in the same ms distinct."""
    moment = timestamp or datetime.now(UTC)
    return f"{int(moment.timestamp() * 1000)}{next(_ids) % 1000:03d}"


_ids = itertools.count()


def _apply_common(
    a: dict[str, Any],
    service_url: str,
    tenant_id: str,
    bot_id: str,
    bot_name: str,
    tz_name: str | None,
    locale: str,
    timestamp: datetime | None,
) -> None:
    moment = timestamp or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    a["serviceUrl"] = service_url
    a["recipient"] = {"id": bot_id, "name": bot_name}
    a["timestamp"] = _iso(moment)
    a["conversation"]["tenantId"] = tenant_id
    a.setdefault("channelData", {}).setdefault("tenant", {})["id"] = tenant_id
    a["locale"] = locale
    if tz_name is None:
        a.pop("localTimestamp", None)
        entities = [e for e in a.get("entities", []) if e.get("type") != "clientInfo"]
        entities.append({"type": "clientInfo", "locale": locale})
        a["entities"] = entities
        return
    local = moment.astimezone(ZoneInfo(tz_name))
    a["localTimezone"] = tz_name
    if a.get("type") == "message":
        a["localTimestamp"] = local.isoformat(timespec="milliseconds")
    client_info = {
        "type": "clientInfo",
        "locale": locale,
        "country": locale.split("-")[-1].upper() if "-" in locale else "",
        "platform": "Web",
        "timezone": tz_name,
    }
    entities = [e for e in a.get("entities", []) if e.get("type") != "clientInfo"]
    a["entities"] = [client_info, *entities]
