"""The command line inside a Teams message: the bot's own @mention removed, other mentions as `@Name`
handles (quoted when the name has spaces), which the command grammar resolves by display name."""
from __future__ import annotations

import re

from botbuilder.schema import Activity

from handlers.commands import THIS_TEAM

AT_TAG = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
TEAM_SYNC = re.compile(r"\s*/?(?:tandem\s+)?team\s+sync\s", re.IGNORECASE)
THIS_TEAM_TOKEN = re.compile(rf"(?<!\S){THIS_TEAM}(?::\S*)?(?!\S)", re.IGNORECASE)
TEAM_ID = re.compile(r"[^\s\"'`]{1,190}")


def command_text(activity: Activity) -> str:
    """`<at>Tandem</at> moment great call` -> `moment great call`; `<at>Ana Lee</at>` -> `"@Ana Lee"`."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient else None
    for entity in activity.entities or []:
        if getattr(entity, "type", "") != "mention":
            continue
        props = getattr(entity, "additional_properties", None) or {}
        mentioned = found if isinstance(found := props.get("mentioned"), dict) else {}
        if bot_id and mentioned.get("id") == bot_id and isinstance(props.get("text"), str) and props["text"]:
            text = text.replace(props["text"], " ")
    if activity.recipient and activity.recipient.name:
        text = text.replace(f"<at>{activity.recipient.name}</at>", " ")
    text = AT_TAG.sub(lambda match: _as_handle(match.group(1)), text)
    return text.replace("\xa0", " ").strip()


def _as_handle(name: str) -> str:
    clean = " ".join(name.replace('"', "").split())
    return f'"@{clean}"' if " " in clean else f"@{clean}"


def qualify_this_team(text: str, team_id: str | None) -> str:
    """In `team sync`, `this-team` becomes `this-team:<the id of the team the message came from>`; a typed id is
    never trusted, and outside a team channel the token stays plain (the command then says why it can't)."""
    if not TEAM_SYNC.match(text):
        return text
    qualified = f"{THIS_TEAM}:{team_id}" if team_id and TEAM_ID.fullmatch(team_id) else THIS_TEAM
    return THIS_TEAM_TOKEN.sub(lambda _: qualified, text)
