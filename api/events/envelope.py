"""The body of a webhook delivery (Standard Webhooks): `{"type": ..., "timestamp": ..., "data": {...}}`.

One place builds it, so the OpenAPI catalogue (api.events.schemas.ENVELOPES) and the worker's bytes agree. The
worker signs exactly the bytes `envelope_body` returns: `webhook-signature` is `v1,<base64 HMAC-SHA256>` over
`{webhook-id}.{webhook-timestamp}.{body}`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def envelope(event_type: str, occurred_at: datetime, payload: dict[str, Any]) -> dict[str, Any]:
    """The delivered object of one outbox event: its type, when it happened (UTC, ISO 8601) and its payload."""
    return {"type": event_type, "timestamp": _timestamp(occurred_at), "data": payload}


def envelope_body(event_type: str, occurred_at: datetime, payload: dict[str, Any]) -> bytes:
    """The envelope as the bytes sent and signed: compact UTF-8 JSON, keys in a fixed order."""
    return json.dumps(envelope(event_type, occurred_at, payload), ensure_ascii=False, separators=(",", ":")).encode()
