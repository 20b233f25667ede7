"""Socket Mode end to end: Tandem opens the websocket the fake Slack hands out (apps.connections.open with
the app-level token), takes a slash command and a mood click as envelopes, acknowledges each, and
answers through the response_url; an envelope of the wrong shape is acknowledged and changes nothing."""
from __future__ import annotations

from urllib.parse import parse_qsl

from bot.slack import ids
from bot.slack.socket_mode import start_socket_mode, stop_socket_mode
from storage.models import MoodEntry, Person
from tests.e2e.slack_support import all_text, eventually, slack_rig
from tests.fakes.slack_signing import block_actions_payload, slash_command_form

APP_TOKEN = "xapp-1-A111-test"


async def test_a_command_and_a_click_over_socket_mode(database, clock) -> None:
    async with slack_rig(database, clock, SLACK_APP_TOKEN=APP_TOKEN) as rig:
        handler = await start_socket_mode(rig.app, rig.deps.settings)
        try:
            [opened] = rig.fake.calls_to("apps.connections.open")
            assert opened.token == APP_TOKEN

            fields = dict(parse_qsl(slash_command_form("/checkin", response_url=rig.sink.url("cmd")),
                                    keep_blank_values=True))
            envelope = await rig.fake.send_envelope("slash_commands", fields)
            assert await rig.fake.envelope_ack(envelope) == {}
            [prompt] = await eventually(lambda: rig.sink.to("cmd"))
            buttons = [e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]]
            prompt_id = int(buttons[0]["value"])

            click = block_actions_payload(ids.mood_action_id(4), str(prompt_id))
            click["response_url"] = rig.sink.url("click")
            envelope = await rig.fake.send_envelope("interactive", click)
            assert await rig.fake.envelope_ack(envelope) == {}
            [updated] = await eventually(lambda: rig.sink.to("click"))
            assert updated["replace_original"] is True and "Good" in all_text(updated["blocks"])
            assert [(e.prompt_id, e.score) for e in await rig.rows(MoodEntry)] == [(prompt_id, 4)]
            assert rig.fake.violations == []
        finally:
            await stop_socket_mode(handler)


async def test_an_envelope_of_the_wrong_shape_is_acknowledged_and_changes_nothing(database, clock) -> None:
    async with slack_rig(database, clock, SLACK_APP_TOKEN=APP_TOKEN) as rig:
        handler = await start_socket_mode(rig.app, rig.deps.settings)
        try:
            bad = block_actions_payload(ids.mood_action_id(4), "1")
            bad["user"] = "U111"  # a string where Slack sends an object
            envelope = await rig.fake.send_envelope("interactive", bad)
            assert await rig.fake.envelope_ack(envelope) == {}
            fields = dict(parse_qsl(slash_command_form("/checkin", response_url=rig.sink.url("cmd")),
                                    keep_blank_values=True))
            await rig.fake.envelope_ack(await rig.fake.send_envelope("slash_commands", fields))
            await eventually(lambda: rig.sink.to("cmd"))  # the connection still works
            assert await rig.count(MoodEntry) == 0
            assert await rig.count(Person) == 1  # only the /checkin caller
        finally:
            await stop_socket_mode(handler)
