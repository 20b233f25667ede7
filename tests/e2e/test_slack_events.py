"""Events API over real signed HTTP: url_verification, App Home, DMs, retries, profile changes, uninstall."""
from __future__ import annotations

from sqlalchemy import select

from bot.slack import ids
from storage.models import ConversationRef, CustomerMoment, Person, SeenEvent, Workspace
from tests.e2e.slack_support import SlackRig, all_text, backend, eventually, eventually_async, rig  # noqa: F401
from tests.fakes.slack_signing import (
    app_home_opened_event,
    block_actions_payload,
    event_body,
    im_message_event,
    slash_command_form,
    url_verification_body,
)


async def test_url_verification_echoes_the_challenge(rig: SlackRig) -> None:
    response = await rig.event(url_verification_body("abc123"))
    assert response.status == 200
    assert (await response.json())["challenge"] == "abc123" if response.content_type == "application/json" \
        else await response.text() == "abc123"


async def test_app_home_shows_own_moments_escaped_and_buttons(rig: SlackRig) -> None:
    await rig.post(slash_command_form("/moment", "Angry &lt;!here&gt; call", response_url=rig.sink.url("m")))
    await eventually(lambda: rig.sink.to("m"))
    response = await rig.event(event_body(app_home_opened_event("U111", tab="home", channel_id="DHOME"),
                                          event_id="EvHome1"))
    assert response.status == 200
    published = (await eventually(lambda: rig.fake.delivered("views.publish")))[0]
    view = published.json_arg("view")
    assert published.args["user_id"] == "U111" and view["type"] == "home"
    text = all_text(view["blocks"])
    assert "Angry &lt;!here&gt; call" in text and "<!here>" not in text
    buttons = [e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [ids.CHECKIN_HOME_ACTION, ids.MOMENT_HOME_ACTION]
    [ref] = await rig.rows(ConversationRef)
    assert (ref.platform, ref.channel_id) == ("slack", "DHOME")  # the app's DM, for proactive check-ins
    assert rig.fake.violations == []


async def test_admin_home_shows_the_schedule(rig: SlackRig) -> None:
    await rig.event(event_body(app_home_opened_event("U111", tab="home"), event_id="EvHome2"))
    view = (await eventually(lambda: rig.fake.delivered("views.publish")))[0].json_arg("view")
    assert "Schedule" in all_text(view["blocks"])  # the first person of a workspace is its admin


async def test_home_checkin_button_sends_the_prompt_to_the_dm(rig: SlackRig) -> None:
    payload = block_actions_payload(ids.CHECKIN_HOME_ACTION, "checkin", view={"id": "VHOME", "type": "home"})
    payload.pop("response_url", None)
    response = await rig.interact(payload)
    assert response.status == 200
    posted = (await eventually(lambda: rig.fake.delivered("chat.postMessage")))[0]
    assert posted.args["channel"] == "DU111"
    assert [e["action_id"] for e in posted.json_arg("blocks")[1]["elements"]][:5] == [
        "mood_1", "mood_2", "mood_3", "mood_4", "mood_5"]
    assert rig.fake.violations == []


async def test_retried_event_has_effect_once(rig: SlackRig) -> None:
    body = event_body(im_message_event("/moment Lovely chat with a customer today"), event_id="EvDup1")
    first = await rig.event(body)
    assert first.status == 200
    await eventually(lambda: rig.fake.delivered("chat.postMessage"))
    retry = await rig.event(body, headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status == 200
    duplicate = await rig.event(body)
    assert duplicate.status == 200
    assert await rig.count(CustomerMoment) == 1
    assert await rig.count(SeenEvent) == 1
    assert len(rig.fake.delivered("chat.postMessage")) == 1
    assert rig.fake.violations == []


async def test_dm_message_is_answered_in_the_dm(rig: SlackRig) -> None:
    await rig.event(event_body(im_message_event("help", channel_id="DTALK"), event_id="EvHelp"))
    posted = (await eventually(lambda: rig.fake.delivered("chat.postMessage")))[0]
    assert posted.args["channel"] == "DTALK" and "Tandem" in posted.args["text"]


async def test_user_change_refreshes_time_zone_locale_and_email(rig: SlackRig) -> None:
    rig.fake.set_user("U111", name="ana", tz="Europe/Berlin", locale="de-DE", email="Ana@Example.com")
    await rig.post(slash_command_form("/tandem", "help", response_url=rig.sink.url("h")))
    await eventually(lambda: rig.sink.to("h"))
    [person] = await rig.rows(Person)
    assert (person.timezone, person.locale, person.display_name) == ("Europe/Berlin", "de-DE", "ana")
    assert person.email == "ana@example.com"  # users:read.email: matches her helpdesk ratings to her team
    user = {"id": "U111", "name": "ana", "tz": "Asia/Tokyo", "locale": "ja-JP",
            "profile": {"display_name": "Ana", "email": "ana@support.example.com"}}
    await rig.event(event_body({"type": "user_change", "user": user, "event_ts": "1.2"}, event_id="EvUser"))
    await eventually_async(lambda: _is(rig, ("Asia/Tokyo", "ja-JP", "Ana")))
    assert (await rig.rows(Person))[0].email == "ana@support.example.com"
    await rig.post(slash_command_form("/tandem", "help", response_url=rig.sink.url("h")))
    await eventually(lambda: len(rig.sink.to("h")) == 2)
    assert len(rig.fake.calls_to("users.info")) == 1  # the event refreshed the cache; no new lookup


async def _is(rig: SlackRig, expected: tuple) -> bool:
    return await _tz(rig) == expected


async def _tz(rig: SlackRig) -> tuple:
    async with rig.deps.context() as ctx:
        person = await ctx.session.scalar(select(Person))
        assert person is not None
        return person.timezone, person.locale, person.display_name


async def test_app_uninstalled_and_tokens_revoked_stop_sending(rig: SlackRig) -> None:
    await rig.post(slash_command_form("/tandem", "help", response_url=rig.sink.url("h")))
    await eventually(lambda: rig.sink.to("h"))
    await rig.event(event_body({"type": "app_uninstalled", "event_ts": "1.1"}, event_id="EvGone"))

    async def active() -> bool:
        async with rig.deps.context() as ctx:
            workspace = await ctx.session.scalar(select(Workspace))
            assert workspace is not None
            return bool(workspace.active)

    async def inactive() -> bool:
        return not await active()

    await eventually_async(inactive)
    revoked = {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT"]}, "event_ts": "1.3"}
    response = await rig.event(event_body(revoked, event_id="EvRevoked"))
    assert response.status == 200
