"""Multi-workspace install: /slack/install → Slack → /slack/oauth_redirect → oauth.v2.access on the fake,
stored in Tandem's own database by slack_sdk's SQLAlchemy stores, then used for requests and sending."""
from __future__ import annotations

import re

import pytest

from storage.models import Workspace
from tests.e2e.slack_support import eventually, slack_rig
from tests.fakes.slack_signing import slash_command_form


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def test_install_via_oauth_then_commands_use_the_stored_token(database, clock) -> None:
    async with slack_rig(database, clock, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="111.222",
                         SLACK_CLIENT_SECRET="shh") as rig:
        start = await rig.client.get("/slack/install", allow_redirects=False)
        assert start.status in (200, 302)
        page = await start.text()
        assert "https://slack.com/oauth/v2/authorize?state=" in page and "client_id=111.222" in page
        found = re.search(r"state=([0-9a-f-]{36})", page)
        assert found is not None, page
        state = found.group(1)
        # Secure: sent by hand
        cookie = {"Cookie": f"slack-app-oauth-state={start.cookies['slack-app-oauth-state'].value}"}
        done = await rig.client.get(f"/slack/oauth_redirect?code=abc&state={state}", headers=cookie)
        assert done.status == 200
        [_access] = rig.fake.delivered("oauth.v2.access")
        [workspace] = await rig.rows(Workspace)
        assert (workspace.external_id, workspace.active) == ("T111", True)

        replay = await rig.client.get(f"/slack/oauth_redirect?code=abc&state={state}", headers=cookie)
        assert replay.status >= 400  # a state is good once

        await rig.post(slash_command_form("/tandem", "help", response_url=rig.sink.url("h")))
        await eventually(lambda: rig.sink.to("h"))
        info = rig.fake.calls_to("users.info")[0]
        assert info.token and info.token.startswith("xoxb-fake-T111")
        assert rig.fake.violations == []
