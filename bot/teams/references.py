"""Conversation references: how Tandem reaches a Teams user later (check-ins, reminders, digests).

A personal (1:1) conversation is always preferred. A team channel reference is kept only until a personal
one exists: the messenger then opens the 1:1 chat with the user (Teams lets a bot installed in a team
message its members privately) and stores the new reference. Check-ins never go to a channel.
"""
from __future__ import annotations

from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from bot.teams.identity import TEAMS_PLATFORM
from handlers.context import Ctx
from handlers.delivery import reachability
from storage.models import Person


def is_personal(reference: dict[str, Any] | None) -> bool:
    conversation = (reference or {}).get("conversation") or {}
    return conversation.get("conversationType") == "personal" or (
        "conversationType" not in conversation and not conversation.get("isGroup")
        and not str(conversation.get("id", "")).startswith("19:"))


def can_answer(activity: Activity) -> bool:
    """Only an activity that names its conversation can be answered or reached again."""
    conversation = activity.conversation
    return conversation is not None and isinstance(conversation.id, str) and bool(conversation.id.strip())


def team_of(activity: Activity) -> str | None:
    """The id of the Teams team a channel activity belongs to (channelData.team.id), None elsewhere."""
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = found if isinstance(found := channel_data.get("team"), dict) else {}
    team_id = team.get("id")
    return (team_id.strip() or None) if isinstance(team_id, str) else None


def reference_of(activity: Activity) -> dict[str, Any]:
    """The serialised ConversationReference of an inbound activity, without the per-message id."""
    reference = TurnContext.get_conversation_reference(activity).serialize()
    reference.pop("activityId", None)
    conversation = reference.get("conversation") or {}
    # A channel thread id ("19:...;messageid=...") is one post; the channel itself is what can be reached again.
    if isinstance(conversation.get("id"), str) and not is_personal(reference):
        conversation["id"] = conversation["id"].split(";messageid=")[0]
    return reference


async def remember(ctx: Ctx, person: Person, activity: Activity) -> bool:
    """Store where the person can be reached; True when this is a new personal conversation (say hello)."""
    reference = reference_of(activity)
    current = await reachability.current(ctx, person.id)
    personal = is_personal(reference)
    if current is not None and not personal and is_personal(current.reference):
        return False
    new_personal = personal and (current is None or current.channel_id != reference["conversation"]["id"])
    await reachability.remember(ctx, person.id, TEAMS_PLATFORM, channel_id=reference["conversation"]["id"],
                                reference=reference)
    return new_personal


async def save_personal(ctx: Ctx, person_id: int, reference: dict[str, Any]) -> None:
    """After the messenger opened a 1:1 chat itself."""
    await reachability.remember(ctx, person_id, TEAMS_PLATFORM, channel_id=reference["conversation"]["id"],
                                reference=reference)
