"""Each vendor's webhook signature, checked exactly as the vendor signs (see ../shared/specs/cx/).

Why constant-time comparisons everywhere: a signature compared byte by byte leaks, through timing, how
much of a forged one was right.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

ZENDESK_WINDOW = timedelta(minutes=5)  # a signed Zendesk request older (or newer) than this is a replay


class Refused(Exception):
    """A delivery that is not the vendor's: wrong or missing signature, stale timestamp."""

    def __init__(self, reason: str, status: int = 401) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii"))


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret as ASCII, timestamp + body)), Zendesk's current documented order."""
    return base64.b64encode(hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()).decode()


def verify_zendesk(secret: str, signature: str | None, timestamp: str | None, body: bytes, now: datetime) -> None:
    if not signature or not timestamp:
        raise Refused("missing X-Zendesk-Webhook-Signature or -Timestamp")
    try:
        sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        raise Refused("X-Zendesk-Webhook-Signature-Timestamp is not an ISO 8601 time") from None
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    if abs(now - sent) > ZENDESK_WINDOW:
        raise Refused("stale timestamp: the request was signed more than 5 minutes away from now")
    if not _same(signature, zendesk_signature(secret, timestamp, body)):
        raise Refused("bad signature")


def intercom_signature(secret: str, body: bytes) -> str:
    return "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def verify_intercom(secret: str, signature: str | None, body: bytes) -> None:
    if not signature:
        raise Refused("missing X-Hub-Signature")
    if not _same(signature.strip(), intercom_signature(secret, body)):
        raise Refused("bad signature")


def helpscout_signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha1).digest()).decode()


def verify_helpscout(secret: str, signature: str | None, body: bytes) -> None:
    if not signature:
        raise Refused("missing X-HelpScout-Signature")
    if not _same(signature.strip(), helpscout_signature(secret, body)):
        raise Refused("bad signature")


def verify_token(token: str, given: str | None) -> None:
    """Freshdesk signs nothing: its automation rule sends a shared token in a header Tandem names."""
    if not given:
        raise Refused("missing X-Tandem-Token")
    if not _same(given.strip(), token):
        raise Refused("bad token")
