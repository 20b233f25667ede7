"""Signing webhook bodies as each helpdesk does, for tests and benchmarks (the vendors' own formulas)."""
from __future__ import annotations

from datetime import datetime

from bot.cx.signatures import helpscout_signature, intercom_signature, zendesk_signature

SECRETS = {"zendesk": "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==",  # Zendesk's published test secret
           "intercom": "tandem-test-client-secret-0123456789abcdef", "freshdesk": "freshdesk-shared-token-42",
           "helpscout": "my-secret-key"}
ENVIRONMENT = {"ZENDESK_WEBHOOK_SECRET": SECRETS["zendesk"], "INTERCOM_CLIENT_SECRET": SECRETS["intercom"],
               "FRESHDESK_WEBHOOK_TOKEN": SECRETS["freshdesk"], "HELPSCOUT_WEBHOOK_SECRET": SECRETS["helpscout"]}


def zendesk_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_headers(vendor: str, body: bytes, now: datetime, secret: str | None = None) -> dict[str, str]:
    """The headers the vendor sends with `body` at `now`."""
    key = secret if secret is not None else SECRETS[vendor]
    headers = {"Content-Type": "application/json"}
    if vendor == "zendesk":
        stamp = zendesk_time(now)
        headers |= {"X-Zendesk-Webhook-Signature": zendesk_signature(key, stamp, body),
                    "X-Zendesk-Webhook-Signature-Timestamp": stamp}
    elif vendor == "intercom":
        headers["X-Hub-Signature"] = intercom_signature(key, body)
    elif vendor == "freshdesk":
        headers["X-Tandem-Token"] = key
    else:
        headers |= {"X-HelpScout-Signature": helpscout_signature(key, body),
                    "X-HelpScout-Event": "satisfaction.ratings"}
    return headers
