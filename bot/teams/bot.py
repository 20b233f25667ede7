"""Tandem's Teams bot: thin handlers that translate activities, call one handler, and render the answer.

Each turn is one unit of work: identify the sender, remember how to reach them, run the handler, commit;
only then are the replies sent, so no database transaction waits on the Connector.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from http import HTTPStatus

from botbuilder.core import BotAdapter, InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import Activity, ActivityTypes
from msrest.exceptions import DeserializationError

from bot import units
from bot.teams import references
from bot.teams.identity import TEAMS_PLATFORM, caller_from
from bot.teams.members import MemberEmails
from bot.teams.render import render, text_activity
from bot.teams.submits import UNKNOWN_CARD, submitted
from bot.teams.text import command_text, qualify_this_team
from bot.wiring import Deps
from handlers.context import Ctx
from handlers.delivery import reachability
from handlers.dispatch import run_input
from handlers.errors import DATABASE_UNAVAILABLE, BadArguments
from handlers.identity import Caller
from handlers.messages import Message, Reply, Text, replaces_clicked
from handlers.ports import DeliveryFailed, Messenger
from handlers.teamsync.events import source_changed
from handlers.teamsync.sources import TEAMS_TEAM
from storage.models import Person

log = logging.getLogger("tandem.teams")

TURN_KEY = "tandem.turn"
WELCOME = ("Hi, I'm Tandem. A few times a week I'll ask how work feels — one click, an optional note. "
           "Managers only ever see team-wide figures, never your answers. Log a notable customer moment any time "
           "with `moment <what happened>`. Type `checkin` to start now, or `tandem help` for everything.")
NO_TENANT = ("I can't tell which organisation this message comes from, so I can't answer it. "
             "Please message me from Teams.")
OTHER_TENANT = ("Sorry — this Tandem is set up for one organisation only, and your Microsoft 365 tenant isn't it. "
                "Ask your Teams admin about installing Tandem for your organisation.")
EMPTY = "I didn't catch a command there. Type `checkin`, `moment <what happened>` or `tandem help`."
TEAM_WELCOME = ("Hi everyone, I'm Tandem: short wellbeing check-ins and customer moments, answered privately. "
                "To join, open a chat with me (or @mention me here with `checkin`); I'll always answer in that "
                "private chat, and managers only ever see team-wide figures.")
PRIVATE_SENT = "I've answered you in our private chat."
PRIVATE_FAILED = ("I couldn't reach you in a private chat, so I haven't posted the answer here. Open a chat with "
                  "Tandem (Apps → Tandem) and send the command there.")
FAILED = "Sorry — something went wrong on my side and nothing was changed. Please try again in a minute."
#: conversationUpdate events after which a synced Teams team is read again (members, name, or whether it exists)
TEAM_CHANGES = {"teamMemberAdded", "teamMemberRemoved", "teamRenamed", "teamDeleted", "teamHardDeleted",
                "teamArchived", "teamUnarchived", "teamRestored"}


@dataclass
class Turn:
    """What one activity produced: the replies to send and, optionally, the card to replace in place."""

    ctx: Ctx
    caller: Caller
    person: Person
    new_chat: bool = False
    in_channel: bool = False
    replies: list[Activity] = field(default_factory=list)
    replace: Activity | None = None
    private: list[Message] = field(default_factory=list)


class TandemTeamsBot(TeamsActivityHandler):
    def __init__(self, deps: Deps, messenger: Messenger, *, allowed_tenant: str | None = None) -> None:
        self.deps = deps
        self.messenger = messenger
        self.allowed_tenant = allowed_tenant or None
        self.emails = MemberEmails()

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Identify, remember the conversation, dispatch — then send what the handlers produced."""
        activity = turn_context.activity
        if not references.can_answer(activity):
            log.info("Teams %s activity without a conversation id ignored", activity.type)
            await _answer_invoke_quietly(turn_context)
            return
        caller = caller_from(activity)
        if caller is None or (self.allowed_tenant and caller.workspace_id != self.allowed_tenant):
            log.info("Teams %s from %s tenant ignored", activity.type, "no" if caller is None else "another")
            if activity.type == "message":
                await turn_context.send_activity(text_activity(NO_TENANT if caller is None else OTHER_TENANT))
            await _answer_invoke_quietly(turn_context)
            return
        if activity.type in {ActivityTypes.message, ActivityTypes.invoke} and activity.from_property is not None:
            email = await self.emails.email_of(turn_context, caller.workspace_id, str(activity.from_property.id))
            caller = replace(caller, email=email) if email else caller
        try:
            turn = await self._handle_turn(turn_context, caller)
        except DeserializationError as error:  # the SDK could not read channelData: not an activity Teams sends
            log.warning("Teams %s activity with unreadable channelData ignored (nothing stored): %s",
                        activity.type, str(error)[:200])
            await _answer_invoke_quietly(turn_context)
            return
        except Exception:  # Teams must get a reply, never a 500
            log.exception("Teams %s activity failed", activity.type)
            if activity.type == "message":
                await turn_context.send_activity(text_activity(FAILED))
            await _answer_invoke_quietly(turn_context)
            return
        if turn is None:
            await _answer_invoke_quietly(turn_context)
            return
        await self._deliver(turn_context, turn)

    async def _handle_turn(self, turn_context: TurnContext, caller: Caller) -> Turn | None:
        """The activity in the one unit-of-work runner (nothing is sent before it commits, so its race retry
        is safe). None: a repeat of an activity already handled, ignored."""
        activity = turn_context.activity
        replay = units.Replay(TEAMS_PLATFORM, caller.workspace_id, activity.id) if activity.id else None

        async def turn_of(ctx: Ctx, person: Person) -> Turn:
            turn = Turn(ctx, caller, person, new_chat=await references.remember(ctx, person, activity),
                        in_channel=not references.is_personal(references.reference_of(activity)))
            turn_context.turn_state[TURN_KEY] = turn
            await super(TandemTeamsBot, self).on_turn(turn_context)
            return turn

        try:
            outcome = await units.run_job(self.deps, caller, turn_of, replay=replay)
        except units.Replayed:
            return None
        if isinstance(outcome, Turn):
            return outcome
        if activity.type == "message":
            await turn_context.send_activity(text_activity(DATABASE_UNAVAILABLE))
        return None

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        turn: Turn = turn_context.turn_state[TURN_KEY]
        activity = turn_context.activity
        if activity.value is not None:
            try:
                found = submitted(activity.value)
            except BadArguments as error:
                return self._answer(turn, Reply.of(Text(error.text())))
            if found is None:
                return self._answer(turn, Reply.of(Text(UNKNOWN_CARD)))
            reply = await run_input(turn.ctx, turn.person, found.command)  # the runner identified them once
            replace = found.replace_card and replaces_clicked(reply)
            return self._answer(turn, reply, replace_id=activity.reply_to_id if replace else None)
        text = qualify_this_team(command_text(activity), references.team_of(activity))
        self._answer(turn, await run_input(turn.ctx, turn.person, text) if text else Reply.of(Text(EMPTY)))

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Tandem's cards use Action.Submit (plain messages), so no invoke is expected: answer unknown ones
        with a quiet 200 instead of the SDK's 501."""
        response = await super().on_invoke_activity(turn_context)
        if response is None or response.status == HTTPStatus.NOT_IMPLEMENTED:
            return InvokeResponse(status=HTTPStatus.OK, body={})
        return response

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        """Installed (personal or team scope): on_turn stored the reference; greet a new 1:1 chat once."""
        self._welcome(turn_context.turn_state[TURN_KEY])

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        """Uninstalled from the personal scope: stop scheduling check-ins to this person."""
        turn: Turn = turn_context.turn_state[TURN_KEY]
        if references.is_personal(references.reference_of(turn_context.activity)):
            await reachability.unreachable(turn.ctx, turn.person.id)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Bot added to a 1:1 chat or a team: on_turn stored the reference. Someone joining or leaving a team
        (or the team renamed, deleted) makes the teams that follow it sync soon; the roster is read then."""
        activity, turn = turn_context.activity, turn_context.turn_state[TURN_KEY]
        channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
        team_id = references.team_of(activity)
        if team_id and channel_data.get("eventType") in TEAM_CHANGES:
            await source_changed(turn.ctx, platform=TEAMS_PLATFORM, workspace=turn.caller.workspace_id,
                                 kind=TEAMS_TEAM, reference=team_id)
        bot_id = activity.recipient.id if activity.recipient else None
        if bot_id and any(getattr(member, "id", None) == bot_id for member in activity.members_added or []):
            if turn.in_channel:
                turn.replies.append(text_activity(TEAM_WELCOME))
            self._welcome(turn)

    def _welcome(self, turn: Turn) -> None:
        """Install sends both installationUpdate and conversationUpdate: only the first new 1:1 chat is greeted."""
        if turn.new_chat:
            turn.replies.append(text_activity(WELCOME))

    def _answer(self, turn: Turn, reply: Reply, replace_id: str | None = None) -> None:
        messages = list(reply.messages)
        if turn.in_channel and not replace_id:
            turn.private.extend(messages)  # answers can hold personal data: never post them in a channel
            return
        if replace_id and messages:
            first = render(messages.pop(0))
            turn.replace = first[0]
            turn.replace.id = replace_id
            turn.replies.extend(first[1:])
        for message in messages:
            turn.replies.extend(render(message))

    async def _deliver(self, turn_context: TurnContext, turn: Turn) -> None:
        if turn.replace is not None:
            try:
                await turn_context.update_activity(turn.replace)
            except Exception:  # noqa: BLE001 - the card may be gone; the answer still reaches the person
                log.warning("updating Teams card %s failed; sending the answer as a new message", turn.replace.id)
                turn.replace.id = None
                turn.replies.insert(0, turn.replace)
        if turn.private:
            turn.replies.append(text_activity(await self._send_privately(turn.person.id, turn.private)))
        for activity in turn.replies:
            await turn_context.send_activity(activity)

    async def _send_privately(self, person_id: int, messages: list[Message]) -> str:
        """Answer a channel command in the person's 1:1 chat (opened if needed); say in the channel what happened."""
        try:
            for message in messages:
                async with self.deps.context() as ctx:
                    recipient = await reachability.recipient(ctx, person_id)
                if recipient is None:
                    return PRIVATE_FAILED
                await self.messenger.send(recipient, message)
        except DeliveryFailed as failure:
            log.warning("private Teams answer to person %s failed: %s", person_id, failure.reason)
            return PRIVATE_FAILED
        return PRIVATE_SENT


INVOKE_RESPONSE_KEY = BotAdapter._INVOKE_RESPONSE_KEY  # where the adapter looks for it


async def _answer_invoke_quietly(turn_context: TurnContext) -> None:
    """An invoke that Tandem ignores still gets its 200 (the SDK would answer 501 otherwise)."""
    if turn_context.activity.type == ActivityTypes.invoke and not turn_context.turn_state.get(INVOKE_RESPONSE_KEY):
        await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                                  value=InvokeResponse(status=HTTPStatus.OK, body={})))
