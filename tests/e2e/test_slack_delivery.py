"""Proactive delivery through the outbox and SlackMessenger: check-in DMs, clicks on them, errors mapped
for the outbox (429 Retry-After, permanent refusals), uninstall, and the digest with its chart upload."""
from __future__ import annotations

from datetime import date, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery.dispatcher import Dispatcher
from bot.slack.replies import Surface, deliver
from handlers.insights.figures import figures_from
from handlers.messages import DigestMessage, Reply
from handlers.ports import Recipient
from storage.digests import WeekAggregate
from storage.models import ConversationRef, MoodEntry, Outbox, Workspace
from tests.e2e.slack_support import TOKEN, SlackRig, all_text, backend, eventually, eventually_async, mrkdwn_text, rig  # noqa: F401
from tests.fakes.slack_signing import block_actions_payload, event_body, slash_command_form

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
                    "9c6360000002000154a24f5d0000000049454e44ae426082")


async def meet(rig: SlackRig, user: str = "U111") -> None:
    await rig.post(slash_command_form("/tandem", "help", user_id=user, response_url=rig.sink.url(f"meet{user}")))
    await eventually(lambda: rig.sink.to(f"meet{user}"))


async def test_scheduled_checkin_is_a_dm_and_a_click_on_it_updates_it(rig: SlackRig) -> None:
    await meet(rig)
    rig.clock.advance(timedelta(minutes=31))  # 09:31 UTC: the 09:30 check-in is due
    _, drained = await Dispatcher(rig.deps).tick()
    assert drained.sent == 1
    [opened] = rig.fake.delivered("conversations.open")
    assert opened.args["users"] == "U111"
    [posted] = rig.fake.delivered("chat.postMessage")
    assert posted.args["channel"] == "DU111"
    blocks = posted.json_arg("blocks")
    prompt_id = int(blocks[1]["elements"][0]["value"])
    [ref] = await rig.rows(ConversationRef)
    assert ref.channel_id == "DU111"

    payload = block_actions_payload("mood_5", str(prompt_id), channel_id="DU111", message_ts="1.000001")
    payload["response_url"] = rig.sink.url("dm")
    await rig.interact(payload)
    updated = (await eventually(lambda: rig.sink.to("dm")))[0]
    assert updated["replace_original"] is True and "😄 *Great*" in all_text(updated["blocks"])
    assert [e.score for e in await rig.rows(MoodEntry)] == [5]
    assert rig.fake.violations == []


async def test_rate_limit_goes_back_to_the_outbox_with_retry_after(rig: SlackRig) -> None:
    await meet(rig)
    rig.clock.advance(timedelta(minutes=31))
    rig.fake.fail_next("chat.postMessage", status=429, retry_after=120)
    await Dispatcher(rig.deps).tick()
    [row] = await rig.rows(Outbox)
    assert row.status == "pending" and "rate limited" in row.last_error
    assert row.next_attempt_at >= rig.clock.now() + timedelta(seconds=119)
    assert rig.fake.delivered("chat.postMessage") == []
    rig.clock.advance(timedelta(seconds=121))
    await Dispatcher(rig.deps).drain()
    assert len(rig.fake.delivered("chat.postMessage")) == 1
    assert rig.fake.violations == []


async def test_inactive_account_fails_for_good_without_leaking_the_token(rig: SlackRig) -> None:
    await meet(rig)
    rig.clock.advance(timedelta(minutes=31))
    rig.fake.fail_next("conversations.open", status=200, error="account_inactive")
    _, drained = await Dispatcher(rig.deps).tick()
    assert drained.failed == 1
    [row] = await rig.rows(Outbox)
    assert row.status == "failed" and "account_inactive" in row.last_error and "xoxb" not in row.last_error


async def test_uninstalled_workspace_gets_nothing(rig: SlackRig) -> None:
    await meet(rig)
    await rig.event(event_body({"type": "app_uninstalled", "event_ts": "1.1"}, event_id="EvBye"))

    async def inactive() -> bool:
        return not (await rig.rows(Workspace))[0].active

    await eventually_async(inactive)
    rig.clock.advance(timedelta(minutes=31))
    planned, drained = await Dispatcher(rig.deps).tick()
    assert planned.checkins == 0 and drained.sent == 0
    assert rig.fake.delivered("chat.postMessage") == []


async def test_digest_dm_has_sections_and_the_chart_uploaded_with_alt_text(rig: SlackRig) -> None:
    aggregate = WeekAggregate(members=6, respondents=5, entries=9, mood_sum=33, distribution={3: 3, 4: 4, 5: 2},
                              moments=4, moment_authors=2)
    report = figures_from("Sales <!channel> & Co", "2026-W46", aggregate, 5)
    recipient = Recipient(person_id=0, platform="slack", workspace_external_id="T111", platform_user_id="U111",
                          display_name="Mia", channel_id="DU111")
    message = DigestMessage(report=report, chart_png=PNG, chart_alt="Mood and customer quality, 8 weeks")
    await rig.deps.messengers["slack"].send(recipient, message)
    [posted] = rig.fake.delivered("chat.postMessage")
    text = mrkdwn_text(posted.json_arg("blocks"))
    assert "<!channel>" not in text and "<!channel>" not in posted.args["text"]
    assert "Sales &lt;!channel&gt; &amp; Co" in posted.args["text"]
    assert posted.json_arg("blocks")[0]["text"] == {"type": "plain_text", "text": "📊 Sales <!channel> "
                                                    "& Co · 2026-W46", "emoji": True}  # plain_text never pings
    assert "3.67 / 5" in text and "5 of 6" in text
    upload = rig.fake.last_upload
    assert upload is not None and upload.completed and upload.data == PNG
    assert upload.alt_txt == "Mood and customer quality, 8 weeks" and upload.channel_id == "DU111"
    assert [c.method for c in rig.fake.calls][-2:] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    assert rig.fake.violations == []
    assert report.week_start == date(2026, 11, 9)


async def test_a_digest_asked_for_by_command_gets_its_chart_in_the_dm_never_the_channel(rig: SlackRig) -> None:
    report = figures_from("Sales", "2026-W46", WeekAggregate(members=6, respondents=5, entries=9, mood_sum=33,
                                                             distribution={3: 3, 4: 4, 5: 2}), 5)
    client = AsyncWebClient(token=TOKEN, base_url=rig.fake.base_url, retry_handlers=[])
    message = DigestMessage(report=report, chart_png=PNG, chart_alt="Mood over 12 weeks")
    await deliver(Reply.of(message), Surface(client=client, user_id="U111"))
    [posted] = rig.fake.delivered("chat.postMessage")
    assert posted.args["text"].startswith("Weekly digest — Sales, 2026-W46: Mood 3.67 / 5")
    [opened, *_] = rig.fake.delivered("conversations.open")
    upload = rig.fake.last_upload
    assert upload is not None and upload.completed and upload.data == PNG and upload.alt_txt == "Mood over 12 weeks"
    assert upload.channel_id == posted.args["channel"] and str(upload.channel_id).startswith("D")
    assert opened.args["users"] == "U111" and rig.fake.violations == []
