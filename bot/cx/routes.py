"""`POST /cx/zendesk`, `/cx/intercom`, `/cx/freshdesk`, `/cx/helpscout`: each mounted only when its secret
is set, each verified as its vendor signs, each delivery stored once through the one unit-of-work runner.

Answers: 200 stored (or already stored: a vendor's retry of the same rating), 401 not signed by the
vendor or stale, 409 this exact signed request was already received (a replay), 400 not a rating body,
413 too large, 422 a rating Tandem cannot read (a value off its scale), 503 the database is out of reach
(the vendor retries). Nothing is stored on any answer but 200. Deliveries that arrive together share
one commit (bot/cx/batching.py), each in its own savepoint.
"""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web

from bot import units
from bot.cx import payloads, signatures
from bot.cx.batching import Batcher
from bot.cx.payloads import MAX_BODY, BadPayload
from bot.cx.signatures import Refused
from bot.wiring import Deps
from handlers.cx.ingest import IncomingRating, row_for
from handlers.cx.scales import BadRating
from handlers.errors import TemporarilyUnavailable

log = logging.getLogger("tandem.cx")
PLATFORM = "cx"


@dataclass(frozen=True)
class Read:
    """A verified delivery: its ratings and the key that recognises this exact delivery again."""

    ratings: list[IncomingRating]
    key: str


Reader = Callable[[web.Request, bytes, datetime], Read]


def _digest(*parts: str | bytes) -> str:
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode() if isinstance(part, str) else part)
        hashed.update(b"\x1f")
    return hashed.hexdigest()


def zendesk_reader(secret: str) -> Reader:
    def read(request: web.Request, body: bytes, now: datetime) -> Read:
        signature = request.headers.get("X-Zendesk-Webhook-Signature")
        timestamp = request.headers.get("X-Zendesk-Webhook-Signature-Timestamp")
        signatures.verify_zendesk(secret, signature, timestamp, body, now)
        return Read(payloads.zendesk(body, now), _digest("zendesk", signature or ""))
    return read


def intercom_reader(secret: str) -> Reader:
    def read(request: web.Request, body: bytes, now: datetime) -> Read:
        signature = request.headers.get("X-Hub-Signature")
        signatures.verify_intercom(secret, signature, body)
        notification, ratings = payloads.intercom(body, now)
        return Read(ratings, _digest("intercom", notification or signature or ""))  # Intercom: no timestamp
    return read


def freshdesk_reader(token: str) -> Reader:
    def read(request: web.Request, body: bytes, now: datetime) -> Read:
        signatures.verify_token(token, request.headers.get("X-Tandem-Token"))
        return Read(payloads.freshdesk(body, now), _digest("freshdesk", body))
    return read


def helpscout_reader(secret: str) -> Reader:
    def read(request: web.Request, body: bytes, now: datetime) -> Read:
        signature = request.headers.get("X-HelpScout-Signature")
        signatures.verify_helpscout(secret, signature, body)
        return Read(payloads.helpscout(body, request.headers.get("X-HelpScout-Event"), now),
                    _digest("helpscout", signature or ""))
    return read


async def _body(request: web.Request) -> bytes | None:
    """The whole body however it arrives (in chunks, without a length), or None past MAX_BODY."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    chunks, size = [], 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _answer(status: int, **fields: object) -> web.Response:
    return web.json_response({"ok": status == 200, **fields}, status=status)


def endpoint(deps: Deps, vendor: str, reader: Reader, batcher: Batcher) -> Callable[[web.Request],
                                                                                   Awaitable[web.Response]]:
    async def receive(request: web.Request) -> web.Response:
        body = await _body(request)
        if body is None:
            return _answer(413, error=f"the body is larger than {MAX_BODY // 1024} KB")
        now = deps.clock.now()
        try:
            read = reader(request, body, now)
        except Refused as refused:
            log.info("%s webhook refused: %s", vendor, refused.reason)
            return _answer(refused.status, error=refused.reason)
        except BadPayload as error:
            return _answer(400, error=str(error))
        try:
            rows = [row_for(rating, "webhook", deps.scorer, now) for rating in read.ratings]
        except BadRating as error:
            return _answer(422, error=str(error))
        try:
            result = await batcher.submit(units.Replay(PLATFORM, vendor, read.key), rows)
        except TemporarilyUnavailable:
            return _answer(503, error="the database is out of reach; retry later")
        if result is None:
            return _answer(409, error="this delivery was already received")
        return _answer(200, added=result.added, duplicates=result.duplicates)
    return receive


def install_cx(app: web.Application, deps: Deps) -> list[str]:
    """Mount the route of every helpdesk whose secret is set; the paths mounted."""
    env = deps.settings.env
    readers: dict[str, Reader] = {}
    if env.zendesk_webhook_secret:
        readers["zendesk"] = zendesk_reader(env.zendesk_webhook_secret)
    if env.intercom_client_secret:
        readers["intercom"] = intercom_reader(env.intercom_client_secret)
    if env.freshdesk_webhook_token:
        readers["freshdesk"] = freshdesk_reader(env.freshdesk_webhook_token)
    if env.helpscout_webhook_secret:
        readers["helpscout"] = helpscout_reader(env.helpscout_webhook_secret)
    batcher = Batcher(deps)  # one per server: its deliveries share commits
    for vendor, reader in readers.items():
        app.router.add_post(f"/cx/{vendor}", endpoint(deps, vendor, reader, batcher))
    return [f"/cx/{vendor}" for vendor in readers]
