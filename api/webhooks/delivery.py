"""One attempt to deliver one event to one endpoint: the envelope, the address check, the signed HTTP POST.

No database here: the worker (api/webhooks/worker.py) claims what is due, hands each `Claimed` to `attempt` (in
a thread of its own, several at once) and records the `AttemptResult`. Redirects are not followed (a 3xx is a
failure, as the specification says), the request has a timeout, and the answer's body is read only up to a limit.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from api.config import Settings
from api.webhooks.addresses import check_destination
from api.webhooks.signing import webhook_headers
from domain.errors import DomainError
from domain.webhooks import CONNECT_TIMEOUT, REQUEST_TIMEOUT, is_success, signing_secrets

USER_AGENT = "tilsyn-webhooks/1"
ANSWER_LIMIT = 64 * 1024  # bytes of an answer read at most; the status is what counts


@dataclass(frozen=True)
class Claimed:
    """A delivery a worker has leased, with what sending it needs (read in the claiming transaction)."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    municipality_id: uuid.UUID
    event_id: uuid.UUID  # the webhook-id
    event_type: str
    aggregate_key: str
    event_position: int
    attempt_count: int  # attempts made before this one
    leased_until: datetime
    url: str
    body: str
    secret: str
    previous_secret: str | None
    previous_secret_expires_at: datetime | None


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt got: a status code, or none and why."""

    claimed: Claimed
    attempted_at: datetime
    status_code: int | None
    duration_ms: int
    error: str | None = None


def envelope_for(event_row: Any) -> dict[str, Any]:
    """The body of a webhook, as the specification suggests: the event's type, when it happened, and its data.

    `event_row` is an outbox row (anything with `type`, `occurred_at` and `payload`).
    """
    return {"type": event_row.type, "timestamp": _iso(event_row.occurred_at), "data": event_row.payload}


def body_for(event_row: Any) -> str:
    """The exact text that is sent and signed (compact JSON, the same on every retry)."""
    return json.dumps(envelope_for(event_row), separators=(",", ":"), ensure_ascii=False)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def ensure_deliverable(url: str, settings: Settings) -> None:
    """Refuse a destination that must not be called (loopback, private, link-local, metadata addresses).

    The same guard as at subscribing (api/webhooks/addresses.py), again before every attempt: a name can resolve
    elsewhere later. Raises DomainError; the attempt is then recorded as failed with the reason, and retried.
    """
    check_destination(url, settings)


def new_client(concurrency: int) -> httpx.Client:
    """One HTTP client per worker, shared by its threads: pooled connections, timeouts, no redirects followed."""
    timeout = httpx.Timeout(REQUEST_TIMEOUT.total_seconds(), connect=CONNECT_TIMEOUT.total_seconds())
    limits = httpx.Limits(max_connections=max(concurrency, 1) * 2, max_keepalive_connections=max(concurrency, 1))
    return httpx.Client(
        timeout=timeout, limits=limits, follow_redirects=False, trust_env=False, headers={"user-agent": USER_AGENT}
    )


def attempt(client: httpx.Client, claimed: Claimed, settings: Settings, clock: Callable[[], datetime]) -> AttemptResult:
    """POST the event once; never raises for what the endpoint or the network does."""
    at = clock()
    started = time.perf_counter()

    def result(status_code: int | None, error: str | None = None) -> AttemptResult:
        duration_ms = round((time.perf_counter() - started) * 1000)
        return AttemptResult(claimed, at, status_code, duration_ms, error[:500] if error else None)

    try:
        ensure_deliverable(claimed.url, settings)
    except (DomainError, ValueError) as exc:
        return result(None, f"destination refused: {exc}")
    secrets = signing_secrets(claimed.secret, claimed.previous_secret, claimed.previous_secret_expires_at, at)
    headers = webhook_headers(secrets, str(claimed.event_id), at, claimed.body)
    try:
        with client.stream("POST", claimed.url, content=claimed.body.encode(), headers=headers) as response:
            _read_some(response)
            status = response.status_code
    except httpx.TimeoutException as exc:
        return result(None, f"timed out: {type(exc).__name__}")
    except httpx.HTTPError as exc:
        return result(None, f"no answer: {type(exc).__name__}: {exc}")
    return result(status, None if is_success(status) else f"answered {status}")


def _read_some(response: httpx.Response) -> None:
    """Read the answer up to the limit, so a short one leaves the connection reusable and a long one costs little."""
    read = 0
    for chunk in response.iter_raw():
        read += len(chunk)
        if read > ANSWER_LIMIT:
            return
