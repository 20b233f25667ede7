"""Webhook signatures against the known-answer vectors in ../shared/specs/cx/ (published and constructed)."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cx.signatures import (
    Refused,
    helpscout_signature,
    intercom_signature,
    verify_helpscout,
    verify_intercom,
    verify_token,
    verify_zendesk,
    zendesk_signature,
)

SPECS = Path(__file__).resolve().parents[2].parent / "shared" / "specs" / "cx"


def vectors(vendor: str) -> list[dict]:
    return json.loads((SPECS / vendor / "signature_test_vectors.json").read_text())["vectors"]


def test_zendesk_vectors_in_the_documented_order() -> None:
    for vector in vectors("zendesk"):
        if vector["message_order"] == "timestamp+body":
            signed = zendesk_signature(vector["secret"], vector["timestamp"], vector["body"].encode())
            assert signed == vector["signature"]
            when = datetime.fromisoformat(vector["timestamp"].replace("Z", "+00:00"))
            verify_zendesk(vector["secret"], vector["signature"], vector["timestamp"], vector["body"].encode(), when)
        else:  # the older page's published vector signs body + timestamp: Tandem's order gives its other value
            assert zendesk_signature(vector["secret"], vector["timestamp"], vector["body"].encode()) == \
                vector["signature_if_timestamp_plus_body"]


def test_zendesk_refuses_stale_forged_and_missing() -> None:
    [_, vector, _] = vectors("zendesk")
    when = datetime.fromisoformat(vector["timestamp"].replace("Z", "+00:00"))
    body, stamp, signature = vector["body"].encode(), vector["timestamp"], vector["signature"]
    for args, reason in [((signature, stamp, body, when + timedelta(minutes=6)), "stale"),
                         ((signature, stamp, body + b" ", when), "bad signature"),
                         ((None, stamp, body, when), "missing"), ((signature, "yesterday", body, when), "ISO 8601")]:
        with pytest.raises(Refused, match=reason):
            verify_zendesk(vector["secret"], *args)


def test_intercom_and_helpscout_vectors() -> None:
    for vector in vectors("intercom"):
        assert intercom_signature(vector["secret"], vector["body"].encode()) == vector["signature"]
        verify_intercom(vector["secret"], vector["signature"], vector["body"].encode())
        with pytest.raises(Refused):
            verify_intercom(vector["secret"], vector["signature"].replace("sha1=", "sha256="), vector["body"].encode())
    [vector] = vectors("helpscout")
    assert helpscout_signature(vector["secret"], vector["body"].encode()) == vector["signature"]
    verify_helpscout(vector["secret"], vector["signature"], vector["body"].encode())
    with pytest.raises(Refused):
        verify_helpscout("another-secret", vector["signature"], vector["body"].encode())


def test_freshdesk_token_is_compared_whole() -> None:
    verify_token("s3cret-token", "s3cret-token")
    for given in (None, "", "s3cret", "s3cret-token-and-more", "S3CRET-TOKEN"):
        with pytest.raises(Refused):
            verify_token("s3cret-token", given)


def test_timestamps_without_a_zone_are_read_as_utc() -> None:
    now = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    body = b"{}"
    verify_zendesk("k", zendesk_signature("k", "2026-11-30T12:01:00", body), "2026-11-30T12:01:00", body, now)
