"""`install_slack(app, deps)`: Slack's HTTP endpoints on the shared aiohttp server.

POST /slack/events takes events, slash commands and interactivity (one Request URL). The signature and
its 5-minute window are checked before the body is even parsed, so a forged or stale request gets 401
and a well-signed but unreadable one 400 — neither reaches a listener or the database.
"""
from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_sdk.signature import SignatureVerifier

from bot.http.observe import tag_request
from bot.slack import shape
from bot.slack.app import SlackAdapter, build_slack_app, slack_configured
from bot.slack.body import parse_request
from bot.slack.identity import team_of
from bot.slack.listening import REPLAY_KEY, signed_replay
from bot.wiring import Deps

log = logging.getLogger("tandem.slack.routes")
SLACK_KEY: web.AppKey[SlackAdapter] = web.AppKey("slack", SlackAdapter)


def _refuse(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


class SlackEndpoint:
    def __init__(self, adapter: SlackAdapter, signing_secret: str) -> None:
        self.adapter = adapter
        self.verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def events(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if self.verifier is None:
            return _refuse(401, "this server takes Slack over Socket Mode only")
        # slack_sdk decodes the body as UTF-8 and would raise (a 500) on other bytes: those cannot verify, 401
        try:
            valid = self.verifier.is_valid_request(raw.decode("utf-8", "replace"), dict(request.headers))
        except ValueError:  # a timestamp header that is not a number
            valid = False
        if not valid:
            return _refuse(401, "invalid or stale Slack signature")
        try:  # parsed once, here: Bolt keeps the body it parsed, and the signature was checked above
            bolt_request = parse_request(raw.decode("utf-8"), request.query_string, request.headers)
        except ValueError:  # JSONDecodeError and UnicodeDecodeError included
            return _refuse(400, "the request body is not valid JSON or form data")
        except (TypeError, AttributeError, KeyError):  # Bolt reads fields of a body that is a list or a string
            return _refuse(400, "the request body must be a JSON object")
        if not isinstance(bolt_request.body, dict):
            return _refuse(400, "the request body must be a JSON object")
        wrong = shape.problem(bolt_request.body)
        if wrong is not None:
            return _refuse(400, f"not a Slack request Tandem can handle: {wrong}")
        tag_request(request, workspace=team_of(bolt_request.body), event_id=bolt_request.body.get("event_id"))
        # the signature makes this delivery unique: a replay inside Slack's 5-minute window takes no effect
        bolt_request.context[REPLAY_KEY] = signed_replay(bolt_request.body, request.headers["X-Slack-Signature"])
        try:
            with self.adapter.pacing.request():
                response = await self.adapter.bolt.async_dispatch(bolt_request)
            return await to_aiohttp_response(response)
        except Exception:  # a body Bolt could not take apart: a clear 400, never a 500
            log.exception("Slack request could not be dispatched")
            return _refuse(400, "the Slack request could not be read")

    async def install(self, request: web.Request) -> web.Response:
        flow = self.adapter.bolt.oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

    async def oauth_redirect(self, request: web.Request) -> web.Response:
        flow = self.adapter.bolt.oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))


def install_slack(app: web.Application, deps: Deps) -> None:
    """Add Slack's routes and messenger when Slack is configured; otherwise leave the server as it is."""
    if not slack_configured(deps):
        return
    adapter = build_slack_app(deps)
    app[SLACK_KEY] = adapter
    deps.messengers["slack"] = adapter.messenger
    deps.directories["slack"] = adapter.directory  # team sync reads user groups and channels through it
    endpoint = SlackEndpoint(adapter, deps.settings.env.slack_signing_secret)
    app.router.add_post("/slack/events", endpoint.events)

    async def lifecycle(_: web.Application):  # aiohttp cleanup context
        await adapter.start()
        yield
        await adapter.stop()

    app.cleanup_ctx.append(lifecycle)
    if adapter.bolt.oauth_flow is not None:
        app.router.add_get("/slack/install", endpoint.install)
        app.router.add_get("/slack/oauth_redirect", endpoint.oauth_redirect)

