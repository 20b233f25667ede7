"""The Bolt request for an HTTP body from Slack, parsed once and with form bodies read correctly.

Bolt's own parser treats any form body that contains the word "payload" anywhere as an interactivity
payload: `/moment the payload failed to deploy` would lose its command and be refused. A form body is an
interactivity payload only when it has a `payload` field; everything else is a slash command's fields.
The body is parsed here only, not by Bolt as well: URL-decoding a click's payload is most of an ack's cost.
"""
from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest


def _form_fields(raw: str) -> Any:
    """A form-encoded body: the interactivity payload object when it has one, else the fields themselves."""
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    return json.loads(fields["payload"]) if "payload" in fields else fields


def parse_body(raw: str, content_type: str | None) -> Any:
    """JSON (events) or form data (commands, interactivity), as Bolt would read it but for the bug above."""
    if not raw:
        return {}
    if content_type == "application/json" or raw.startswith("{"):
        return json.loads(raw)
    return _form_fields(raw)


def parse_request(raw: str, query: str, headers: Any) -> AsyncBoltRequest:
    """Bolt's request for `raw`; raises ValueError for a body that is neither JSON nor form data."""
    request = AsyncBoltRequest(body="", query=query, headers=headers)  # headers and query only
    request.raw_body = raw
    request.body = parse_body(raw, request.content_type)
    if isinstance(request.body, dict):
        request.context = build_async_context(AsyncBoltContext({}), request.body)
    return request
