"""Who sent a Teams activity, in Tandem's platform-neutral terms (handlers.identity.Caller).

A Teams tenant is a Tandem workspace; a user is keyed by their Entra (AAD) object id, which stays the
same across chats and team channels, falling back to the Teams user id ("29:...").
"""
from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from handlers.identity import Caller

TEAMS_PLATFORM = "teams"
EMULATOR_TENANT = "emulator"


def tenant_of(activity: Activity) -> str | None:
    """The tenant id from channelData (always set by Teams), else the conversation's."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = given if isinstance(given := channel_data.get("tenant"), dict) else {}
    found = tenant.get("id") or (activity.conversation.tenant_id if activity.conversation else None)
    if not found and activity.conversation is not None:
        found = (activity.conversation.additional_properties or {}).get("tenantId")
    if not found and activity.channel_id == "emulator":
        return EMULATOR_TENANT  # the Bot Framework Emulator sends no tenant
    return str(found) if found else None


def client_info(activity: Activity) -> dict[str, Any]:
    """The properties of the clientInfo entity Teams attaches to inbound activities ({} if none)."""
    for entity in activity.entities or []:
        if getattr(entity, "type", None) == "clientInfo":
            return dict(getattr(entity, "additional_properties", None) or {})
    return {}


def caller_from(activity: Activity) -> Caller | None:
    """The Caller behind an activity, or None when it carries no tenant or no sender."""
    tenant = tenant_of(activity)
    sender = activity.from_property
    if tenant is None or sender is None or not (sender.aad_object_id or sender.id):
        return None
    info = client_info(activity)
    return Caller(platform=TEAMS_PLATFORM, workspace_id=tenant, user_id=str(sender.aad_object_id or sender.id),
                  display_name=sender.name or "",
                  timezone=activity.local_timezone or str(info.get("timezone") or "") or None,
                  locale=activity.locale or info.get("locale") or None)
