"""Acks first, over real signed HTTP: while another request still waits for its ack, a command's work
waits too — except work that opens a modal, whose trigger_id expires 3 seconds after the click."""
from __future__ import annotations

import asyncio

from bot.slack.routes import SLACK_KEY
from tests.e2e.slack_support import SlackRig, backend, eventually, rig  # noqa: F401
from tests.fakes.slack_signing import slash_command_form


async def test_work_waits_for_pending_acks_but_a_modal_opens_at_once(rig: SlackRig) -> None:
    pacing = rig.app[SLACK_KEY].pacing
    with pacing.request():  # a request that has not been acknowledged yet
        response = await rig.post(slash_command_form("/checkin", response_url=rig.sink.url("cmd")))
        assert response.status == 200
        await rig.post(slash_command_form("/moment", "", response_url=rig.sink.url("form")))
        opened = await eventually(lambda: rig.fake.calls_to("views.open"), timeout=2.0)
        assert len(opened) == 1
        await asyncio.sleep(0.3)
        assert rig.sink.to("cmd") == []  # the check-in's reply is held back
    [reply] = await eventually(lambda: rig.sink.to("cmd"))
    buttons = [e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [f"mood_{n}" for n in range(1, 6)] == buttons[:5]
    assert rig.fake.violations == []
