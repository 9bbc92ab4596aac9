"""Signing a webhook by the Standard Webhooks specification: the three `webhook-*` headers of one attempt.

The rules (what is signed, the header's format, which secrets sign) are in domain/webhooks.py; this module only
computes the HMAC-SHA256. A receiver verifies with any Standard Webhooks library, e.g. the reference
`standardwebhooks` package: `Webhook(secret).verify(body, headers)`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets as random_bytes
from datetime import datetime

from domain.webhooks import SECRET_KEY_BYTES, key_from_secret, secret_from_key, signature_header, signed_content


def new_secret() -> str:
    """A fresh random signing secret, `whsec_...`."""
    return secret_from_key(random_bytes.token_bytes(SECRET_KEY_BYTES))


def sign(secrets: list[str], message_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` value: one `v1,<base64>` per secret."""
    content = signed_content(message_id, timestamp, body)
    return signature_header([hmac.new(key_from_secret(s), content, hashlib.sha256).digest() for s in secrets])


def webhook_headers(secrets: list[str], message_id: str, at: datetime, body: str) -> dict[str, str]:
    """The headers of one attempt at `at`: the id is the event's (the same on every retry), the time is now's."""
    timestamp = int(at.timestamp())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secrets, message_id, timestamp, body),
        "content-type": "application/json",
    }
