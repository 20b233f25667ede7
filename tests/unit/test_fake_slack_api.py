"""The fake Slack Web API behaves like Slack for the bot's real slack_sdk client."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qsl

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import WebClient
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack_api import FakeSlackApi, slack_specs_dir
from tests.fakes.slack_fixtures import fake_slack, fake_slack_client  # noqa: F401
from tests.fakes.slack_signing import (
    block_actions_payload,
    event_body,
    im_message_event,
    interactive_form,
    load_payload,
    load_raw_payload,
    sign_request,
    slash_command_form,
    view_submission_payload,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


async def test_valid_post_message_is_answered_and_recorded(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    response = await fake_slack_client.chat_postMessage(channel="C1", text="hi", blocks=[{"type": "divider"}])
    assert response["ok"] and response["channel"] == "C1" and response["ts"]
    assert response["message"]["blocks"] == [{"type": "divider"}]
    [call] = fake_slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "C1" and call.token == "xoxb-test"
    assert call.json_arg("blocks") == [{"type": "divider"}]
    assert fake_slack.violations == []


async def test_form_encoded_post_message_is_valid(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    blocks = [{"type": "divider"}]
    await fake_slack_client.api_call("chat.postMessage", data={"channel": "C1", "blocks": json.dumps(blocks)})
    await fake_slack_client.api_call("chat.postMessage", params={"channel": "C1", "text": "in the query string"})
    assert fake_slack.violations == []
    form_call, query_call = fake_slack.calls_to("chat.postMessage")
    assert form_call.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert form_call.json_arg("blocks") == blocks and query_call.args["text"] == "in the query string"


async def test_post_message_to_user_id_lands_in_dm(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    response = await fake_slack_client.chat_postMessage(channel="U42", text="hello")
    assert response["channel"] == fake_slack.dm_channel_for("U42")


async def test_missing_required_argument_is_a_violation(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await fake_slack_client.api_call("chat.postMessage", json={"text": "no channel"})
    assert raised.value.response["error"] == "invalid_arguments"
    [violation] = fake_slack.violations
    assert violation.method == "chat.postMessage" and "channel" in violation.reason


async def test_message_without_any_content_is_a_violation(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as raised:
        await fake_slack_client.api_call("chat.postMessage", json={"channel": "C1"})
    assert raised.value.response["error"] == "no_text"
    assert len(fake_slack.violations) == 1


async def test_unknown_method_is_a_violation(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        await fake_slack_client.api_call("chat.sendCarrierPigeon", json={"channel": "C1"})
    assert raised.value.response.status_code == 404
    assert raised.value.response["error"] == "unknown_method"
    assert [v.method for v in fake_slack.violations] == ["chat.sendCarrierPigeon"]


async def test_missing_token_is_a_violation(fake_slack: FakeSlackApi) -> None:
    client = AsyncWebClient(base_url=fake_slack.base_url)
    with pytest.raises(SlackApiError) as raised:
        await client.chat_postMessage(channel="C1", text="x")
    assert raised.value.response["error"] == "not_authed"
    assert len(fake_slack.violations) == 1


async def test_retired_files_upload_is_a_violation(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    with pytest.raises(SlackApiError):
        await fake_slack_client.api_call("files.upload", data={"channels": "C1", "content": "x"})
    assert fake_slack.violations[0].reason == "method retired by Slack"


async def test_views_open_publish_update(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    modal = {
        "type": "modal",
        "callback_id": "note_modal",
        "title": {"type": "plain_text", "text": "Note"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    opened = await fake_slack_client.views_open(trigger_id="111.222.valid", view=modal)
    assert opened["ok"] and opened["view"]["callback_id"] == "note_modal"
    assert opened["view"]["blocks"] == modal["blocks"] and "error" not in opened.data
    updated = await fake_slack_client.views_update(view_id=opened["view"]["id"], view=modal)
    assert updated["view"]["id"] == opened["view"]["id"]
    home = {"type": "home", "blocks": []}
    first = await fake_slack_client.views_publish(user_id="U1", view=home)
    again = await fake_slack_client.views_publish(user_id="U1", view=home)
    assert first["view"]["id"] == again["view"]["id"] and fake_slack.home_views["U1"]["type"] == "home"
    assert fake_slack.violations == []


async def test_views_open_without_trigger_is_a_violation(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError):
        await fake_slack_client.api_call("views.open", json={"view": {"type": "modal", "blocks": []}})
    assert "trigger_id" in fake_slack.violations[0].reason


async def test_users_info_uses_configured_person(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    fake_slack.set_user("U7", name="ana", real_name="Ana Lima", tz="America/Sao_Paulo", locale="pt-BR")
    info = await fake_slack_client.users_info(user="U7", include_locale=True)
    user = info["user"]
    assert (user["id"], user["name"], user["tz"], user["locale"]) == ("U7", "ana", "America/Sao_Paulo", "pt-BR")
    assert user["tz_offset"] == -3 * 3600 and user["profile"]["real_name"] == "Ana Lima"
    without_locale = await fake_slack_client.users_info(user="U8")
    assert without_locale["user"]["id"] == "U8" and "locale" not in without_locale["user"]
    assert without_locale["user"]["tz"] == "UTC"
    assert fake_slack.violations == []


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # inside slack_sdk's oauth call
async def test_conversations_open_auth_oauth_and_permalink(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    opened = await fake_slack_client.conversations_open(users="U9")
    assert opened["channel"]["id"] == "DU9"
    again = await fake_slack_client.conversations_open(users=["U9"])
    assert again["already_open"] is True
    auth = await fake_slack_client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T111", "U0BOT", "B111")
    token = await AsyncWebClient(base_url=fake_slack.base_url).oauth_v2_access(
        client_id="1.2", client_secret="s", code="c0de"
    )
    assert token["access_token"].startswith("xoxb-") and token["team"]["id"] == "T111"
    assert token["authed_user"]["id"] and token["bot_user_id"] == "U0BOT" and token["app_id"] == "A111"
    link = await fake_slack_client.chat_getPermalink(channel="C1", message_ts="1.000200")
    assert link["permalink"].endswith("/archives/C1/p1000200")
    updated = await fake_slack_client.chat_update(channel="C1", ts="1.000200", text="edited")
    assert updated["ts"] == "1.000200"
    ephemeral = await fake_slack_client.chat_postEphemeral(channel="C1", user="U9", text="psst")
    assert ephemeral["message_ts"]
    assert (await fake_slack_client.api_call("team.info", http_verb="GET"))["ok"]
    assert fake_slack.violations == []


async def test_files_upload_v2_delivers_bytes_and_alt_text(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    response = await fake_slack_client.files_upload_v2(
        channel="D1", content=PNG, filename="digest.png", title="Weekly digest", alt_txt="Mood trend chart"
    )
    assert response["ok"] and response["file"]["name"] == "digest.png"
    upload = fake_slack.last_upload
    assert upload is not None and upload.completed
    assert upload.data == PNG and upload.alt_txt == "Mood trend chart"
    assert (upload.channel_id, upload.title) == ("D1", "Weekly digest")
    assert response["file"]["mimetype"] == "image/png" and response["file"]["ims"] == ["D1"]
    [url_call] = fake_slack.calls_to("files.getUploadURLExternal")
    assert url_call.args["alt_txt"] == "Mood trend chart" and int(url_call.args["length"]) == len(PNG)
    assert fake_slack.violations == []


async def test_completing_a_never_uploaded_file_is_a_violation(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    issued = await fake_slack_client.files_getUploadURLExternal(filename="x.png", length=3)
    with pytest.raises(SlackApiError):
        await fake_slack_client.files_completeUploadExternal(files=[{"id": issued["file_id"]}], channel_id="D1")
    assert "never uploaded" in fake_slack.violations[0].reason


async def test_429_surfaces_status_and_retry_after(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=2)
    with pytest.raises(SlackApiError) as raised:
        await fake_slack_client.chat_postMessage(channel="C1", text="x")
    response = raised.value.response
    assert response.status_code == 429 and response.headers["Retry-After"] == "2"
    assert response["error"] == "ratelimited"
    assert (await fake_slack_client.chat_postMessage(channel="C1", text="x"))["ok"]
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]
    assert len(fake_slack.delivered("chat.postMessage")) == 1 and fake_slack.violations == []


async def test_500s_and_application_errors(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=2)
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    outcomes = []
    for _ in range(4):
        try:
            await fake_slack_client.chat_postMessage(channel="C1", text="x")
            outcomes.append("ok")
        except SlackApiError as exc:
            outcomes.append(f"{exc.response.status_code}:{exc.response['error']}")
    assert outcomes == ["500:internal_error", "500:internal_error", "200:channel_not_found", "ok"]


async def test_random_failures_are_seeded(fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient) -> None:
    async def run() -> list[int]:
        fake_slack.reset()
        fake_slack.fail_randomly("auth.test", rate=0.5, statuses=(429, 503), seed=7)
        for _ in range(20):
            try:
                await fake_slack_client.auth_test()
            except SlackApiError:
                pass
        return [c.status for c in fake_slack.calls]

    first, second = await run(), await run()
    assert first == second and {429, 503, 200} == set(first)


async def test_token_bucket_rate_limit_per_channel() -> None:
    now = [1000.0]
    async with FakeSlackApi(clock=lambda: now[0]) as fake:
        fake.rate_limit("chat.postMessage", per_second=1, per_arg="channel")
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.chat_postMessage(channel="C1", text="1")
        await client.chat_postMessage(channel="C2", text="other channel has its own bucket")
        with pytest.raises(SlackApiError) as raised:
            await client.chat_postMessage(channel="C1", text="2")
        assert raised.value.response.headers["Retry-After"] == "1"
        now[0] += 1.0
        assert (await client.chat_postMessage(channel="C1", text="2"))["ok"]
        assert fake.refused["chat.postMessage"] == 1


async def test_rate_limit_retry_after_rounds_up() -> None:
    now = [0.0]
    async with FakeSlackApi(clock=lambda: now[0]) as fake:
        fake.rate_limit("users.info", per_second=0.25, burst=1)
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.users_info(user="U1")
        now[0] += 0.5
        with pytest.raises(SlackApiError) as raised:
            await client.users_info(user="U1")
        assert raised.value.response.headers["Retry-After"] == "4"  # 3.5 s to the next token, rounded up


def test_threaded_fake_serves_sync_client() -> None:
    with FakeSlackApi() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        assert client.chat_postMessage(channel="C1", text="from a sync client")["ok"]
        assert fake.violations == []


def test_signature_matches_slack_known_answer() -> None:
    vector = json.loads((slack_specs_dir() / "signature_test_vector.json").read_text())
    headers = sign_request(vector["body"].encode(), vector["signing_secret"], int(vector["timestamp"]))
    assert headers == vector["headers"]
    tampered = sign_request(vector["body"] + "------", vector["signing_secret"], int(vector["timestamp"]))
    assert tampered["X-Slack-Signature"] != vector["expected_signature"]
    assert abs(int(sign_request(b"", "s")["X-Slack-Request-Timestamp"]) - time.time()) < 5


def test_slash_command_form_keeps_the_real_wire_format() -> None:
    raw = load_raw_payload("slash_command.form.txt").strip()
    real = load_payload("slash_command.form.txt")
    assert real == load_payload("slash_command.parsed.json")
    same = slash_command_form(
        real["command"], real["text"], user_id=real["user_id"], team_id=real["team_id"],
        channel_id=real["channel_id"], enterprise_id=real["enterprise_id"], enterprise_name=real["enterprise_name"],
        trigger_id=real["trigger_id"],
    )
    assert same == raw
    body = dict(parse_qsl(slash_command_form("/tandem", "pause until 2025-01-06", user_id="U1", team_id="T1")))
    assert set(body) == set(real) - {"enterprise_id", "enterprise_name"}
    assert (body["command"], body["text"], body["user_id"], body["team_id"]) == (
        "/tandem", "pause until 2025-01-06", "U1", "T1"
    )


def test_interactive_and_event_builders() -> None:
    click = block_actions_payload("mood_4", "4", user_id="U1", team_id="T1")
    assert click["actions"][0]["action_id"] == "mood_4" and click["user"]["id"] == "U1"
    assert "enterprise_id" not in click["team"]
    decoded = json.loads(dict(parse_qsl(interactive_form(click)))["payload"])
    assert decoded == click
    submit = view_submission_payload("note_modal", {"note": {"text": {"type": "plain_text_input", "value": "ok"}}})
    assert submit["view"]["callback_id"] == "note_modal" and submit["view"]["state"]["values"]["note"]
    body = event_body(im_message_event("swamped today", user_id="U1"), team_id="T1", event_id="Ev9")
    assert (body["type"], body["team_id"], body["event_id"]) == ("event_callback", "T1", "Ev9")
    assert body["event"]["channel_type"] == "im" and body["authorizations"][0]["team_id"] == "T1"


async def test_directory_methods_page_with_cursors_like_slack(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    for n in range(5):
        fake_slack.set_user(f"U{n}", name=f"p{n}", tz="Europe/Paris", locale="fr-FR", email=f"p{n}@x.io")
    fake_slack.set_channel("C1", "support", [f"U{n}" for n in range(5)])
    fake_slack.set_channel("G1", "secret", ["U1"], is_private=True, bot_member=False)
    fake_slack.set_channel("C2", "old", ["U2"])
    fake_slack.archive_channel("C2")
    first = await fake_slack_client.users_list(limit=2, include_locale=True)
    assert [m["id"] for m in first["members"]] == ["U0", "U1"] and first["members"][0]["locale"] == "fr-FR"
    assert first["members"][0]["profile"]["email"] == "p0@x.io"
    cursor = first["response_metadata"]["next_cursor"]
    second = await fake_slack_client.users_list(limit=2, cursor=cursor)
    last = await fake_slack_client.users_list(limit=2, cursor=second["response_metadata"]["next_cursor"])
    assert [m["id"] for m in last["members"]] == ["U4"] and last["response_metadata"]["next_cursor"] == ""
    members = await fake_slack_client.conversations_members(channel="C1", limit=3)
    assert members["members"] == ["U0", "U1", "U2"] and members["response_metadata"]["next_cursor"]
    listed = await fake_slack_client.conversations_list(exclude_archived=True, types="public_channel,private_channel")
    assert [c["id"] for c in listed["channels"]] == ["C1"]  # the private one hides, the archived one is left out
    with pytest.raises(SlackApiError) as refused:
        await fake_slack_client.conversations_members(channel="G1")
    assert refused.value.response["error"] == "channel_not_found"
    assert fake_slack.violations == []
    with pytest.raises(SlackApiError):
        await fake_slack_client.users_list(limit=5000)
    assert fake_slack.violations[-1].reason.startswith("limit must be")


async def test_usergroups_list_tells_members_creators_and_disabled_groups(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    fake_slack.set_usergroup("S1", "support-team", ["U1", "U2"], created_by="U9")
    fake_slack.set_usergroup("S2", "gone", ["U3"])
    fake_slack.disable_usergroup("S2")
    answer = await fake_slack_client.usergroups_list(include_users=True, include_disabled=True)
    by_id = {g["id"]: g for g in answer["usergroups"]}
    assert by_id["S1"]["users"] == ["U1", "U2"] and by_id["S1"]["created_by"] == "U9"
    assert by_id["S2"]["date_delete"] > 0
    assert [g["id"] for g in (await fake_slack_client.usergroups_list())["usergroups"]] == ["S1"]
    assert (await fake_slack_client.usergroups_users_list(usergroup="S1"))["users"] == ["U1", "U2"]
    fake_slack.delete_usergroup("S1")
    with pytest.raises(SlackApiError):
        await fake_slack_client.usergroups_users_list(usergroup="S1")
    assert fake_slack.violations == []


async def test_slack_tiers_answer_429_with_retry_after(
    fake_slack: FakeSlackApi, fake_slack_client: AsyncWebClient
) -> None:
    fake_slack.slack_tiers(scale=1.0, burst=1)
    await fake_slack_client.usergroups_list()
    with pytest.raises(SlackApiError) as limited:
        await fake_slack_client.usergroups_list()
    assert limited.value.response.status_code == 429 and limited.value.response.headers["Retry-After"] == "3"
    assert fake_slack.refused["usergroups.list"] == 1
