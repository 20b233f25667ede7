"""The outbox's sending half, platform-neutral: what each queued row says, to whom, and the retry policy.

Rows are prepared in batches (a constant number of queries per batch, whatever its size) because the
fan-out of a whole workspace at 09:30 must not cost a handful of round trips per person. What a row of
each kind says is decided by its builder (`BUILDERS`, one per kind, fixed at import); a builder
returns the message, or a reason why the row no longer applies (the row is then skipped, not sent).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.actions import ANNOUNCE_KIND, announcement_text
from handlers.checkins import QUESTION
from handlers.context import Ctx
from handlers.identity import person_zone_name
from handlers.insights.build import build_team_digest, digest_message
from handlers.localtime import zone
from handlers.messages import ActionAnnouncement, Message, MoodPrompt, Text
from handlers.ports import Recipient
from handlers.sharing.relay import CLOSED_KIND, TO_AUTHOR_KIND, TO_MANAGER_KIND, closed_message, relayed_message
from handlers.teamsync.welcome import NOTICE_KIND, WELCOME_KIND, welcome_text
from storage import actions, checkins, conversations, outbox, people, teams
from storage.models import ConversationRef, Outbox, Person, Prompt

#: A check-in is still worth sending this long after its slot even when app.yaml's catch-up is 0.
MIN_USEFUL_WINDOW = timedelta(minutes=15)
REMINDER_QUESTION = "A gentle reminder — how are you feeling about work today? One click is enough."


@dataclass(frozen=True)
class Outgoing:
    recipient: Recipient
    message: Message
    prompt_id: int | None = None  # a check-in whose prompt is marked sent once the send succeeded


@dataclass
class Loaded:
    """What a batch of rows needs, fetched once for the whole batch."""

    people: dict[int, Person] = field(default_factory=dict)
    prompts: dict[int, Prompt] = field(default_factory=dict)
    answered: set[int] = field(default_factory=set)
    conversations: dict[int, ConversationRef] = field(default_factory=dict)


MessageBuilder = Callable[[Ctx, Outbox, Person, Loaded], Awaitable[Message | str]]
"""Builds the message of one row for `person`, or returns why the row no longer applies."""


def useful_window(ctx: Ctx) -> timedelta:
    """How long after its slot a check-in is still sent (app.yaml `checkin.catch_up_hours`)."""
    return max(timedelta(hours=ctx.config.checkin.catch_up_hours), MIN_USEFUL_WINDOW)


def recipient_from(person: Person, ref: ConversationRef | None) -> Recipient:
    return Recipient(person_id=person.id, platform=person.workspace.platform,
                     workspace_external_id=person.workspace.external_id, platform_user_id=person.platform_user_id,
                     display_name=person.display_name, channel_id=ref.channel_id if ref else None,
                     conversation=ref.reference if ref else None)


async def recipient_for(session: AsyncSession, person: Person) -> Recipient:
    return recipient_from(person, await conversations.get_ref(session, person.id))


def in_working_hours(ctx: Ctx, person: Person, now: datetime) -> bool:
    local = now.astimezone(zone(person_zone_name(person))).time()
    return ctx.config.reminder.work_start <= local < ctx.config.reminder.work_end


async def _prompt_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    prompt = loaded.prompts.get(int(row.payload.get("prompt_id", 0)))
    now = ctx.clock.now()
    if prompt is None:
        return "prompt no longer exists"
    if prompt.closes_at <= now:
        return "prompt closed before it could be sent"
    if prompt.id in loaded.answered:
        return "already answered"
    if row.kind == "reminder":
        if not in_working_hours(ctx, person, now):
            return "outside the person's working hours"
        return MoodPrompt(prompt_id=prompt.id, question=REMINDER_QUESTION, reminder=True)
    if now >= prompt.due_at + useful_window(ctx):
        return "the check-in's useful window passed before it could be sent"
    return MoodPrompt(prompt_id=prompt.id, question=QUESTION)


async def _digest_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    team = await teams.get_team(ctx.session, int(row.payload["team_id"]))
    if team is None:
        return "team no longer exists"
    report = await build_team_digest(ctx, team, str(row.payload["iso_week"]), person.workspace.min_group)
    return await digest_message(report)


async def _alert_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    """A drop alert as queued by `queue_alert`: the detector wrote the (aggregate-only) text."""
    body = str(row.payload.get("text") or "").strip()
    if not body:
        return "alert has no text"
    if await teams.get_team(ctx.session, int(row.payload.get("team_id", 0))) is None:
        return "team no longer exists"
    return Text(body=body, ephemeral=False)


async def _welcome_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    """A synced person's one welcome, worded when it is sent (the privacy threshold may have changed)."""
    return Text(body=welcome_text(person.display_name, str(row.payload.get("team") or "your team"),
                                  person.workspace.min_group), ephemeral=False)


async def _notice_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    """A report to an admin (how a team sync they asked for went): the text was written when queued."""
    body = str(row.payload.get("text") or "").strip()
    return Text(body=body, ephemeral=False) if body else "notice has no text"


async def _action_message(ctx: Ctx, row: Outbox, person: Person, loaded: Loaded) -> Message | str:
    """A team action's one announcement to a member, worded from the action as it stands when sent."""
    action = await actions.action_by_id(ctx.session, int(row.payload.get("action_id", 0)))
    if action is None:
        return "action no longer exists"
    team = await teams.get_team(ctx.session, action.team_id)
    if team is None:
        return "team no longer exists"
    return ActionAnnouncement(body=announcement_text(team.name, action), action_id=action.id)


BUILDERS: Mapping[str, MessageBuilder] = MappingProxyType({
    "checkin": _prompt_message,
    "reminder": _prompt_message,
    "digest": _digest_message,
    "alert": _alert_message,
    WELCOME_KIND: _welcome_message,
    NOTICE_KIND: _notice_message,
    TO_AUTHOR_KIND: relayed_message,
    TO_MANAGER_KIND: relayed_message,
    ANNOUNCE_KIND: _action_message,
    CLOSED_KIND: closed_message,
})


async def queue_alert(ctx: Ctx, *, workspace_id: int, team_id: int, manager_id: int, episode: str, text: str,
                      extra: dict[str, Any] | None = None) -> bool:
    """Queue a drop alert for one manager, once per team and episode; True if this call queued it.

    `episode` names the drop (e.g. "mood:2026-W47": the week it was first detected), so a drop that
    lasts several weeks alerts once. `text` must already respect the privacy rules (aggregates only).
    """
    payload = {"team_id": team_id, "episode": episode, "text": text, **(extra or {})}
    return await outbox.enqueue(ctx.session, workspace_id=workspace_id, person_id=manager_id, kind="alert",
                                dedupe_key=alert_key(team_id, episode, manager_id), payload=payload,
                                now=ctx.clock.now())


def alert_key(team_id: int, episode: str, manager_id: int) -> str:
    return f"alert:{team_id}:{episode}:{manager_id}"


async def _load(ctx: Ctx, rows: Sequence[Outbox]) -> Loaded:
    session = ctx.session
    person_ids = sorted({row.person_id for row in rows})
    prompt_ids = sorted({int(row.payload.get("prompt_id", 0)) for row in rows if row.kind in ("checkin", "reminder")})
    loaded = Loaded()
    loaded.people = await people.people_by_id(session, person_ids)
    loaded.conversations = await conversations.refs_of(session, person_ids)
    if prompt_ids:
        loaded.prompts = await checkins.prompts_by_id(session, prompt_ids)
        loaded.answered = await checkins.answered_prompt_ids(session, prompt_ids)
    return loaded


async def prepare_many(ctx: Ctx, rows: Sequence[Outbox]) -> dict[int, Outgoing | str]:
    """The message of each claimed row (by row id), or the reason it no longer applies."""
    loaded = await _load(ctx, rows)
    prepared: dict[int, Outgoing | str] = {}
    for row in rows:
        person = loaded.people.get(row.person_id)
        if person is None or not person.active:
            prepared[row.id] = "recipient is gone or inactive"
            continue
        if not person.workspace.active:
            prepared[row.id] = "workspace uninstalled Tandem"
            continue
        builder = BUILDERS.get(row.kind)
        if builder is None:
            prepared[row.id] = f"unknown outbox kind {row.kind!r}"
            continue
        message = await builder(ctx, row, person, loaded)
        if isinstance(message, str):
            prepared[row.id] = message
            continue
        prompt_id = int(row.payload["prompt_id"]) if row.kind == "checkin" else None
        prepared[row.id] = Outgoing(recipient=recipient_from(person, loaded.conversations.get(person.id)),
                                    message=message, prompt_id=prompt_id)
    return prepared


async def prepare(ctx: Ctx, row: Outbox) -> Outgoing | str:
    """The message for one claimed row, or the reason it no longer applies (then it is skipped, not sent)."""
    return (await prepare_many(ctx, [row]))[row.id]


async def record_sent(ctx: Ctx, row_ids: Sequence[int], prompt_ids: Sequence[int], claimer: str) -> int:
    """Mark rows sent and their check-in prompts as sent now (reminders count from then)."""
    now = ctx.clock.now()
    done = await outbox.mark_sent_many(ctx.session, list(row_ids), claimer, now)
    await checkins.mark_prompts_sent(ctx.session, list(prompt_ids), now)
    return done
