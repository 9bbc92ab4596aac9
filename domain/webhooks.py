"""Webhook subscriptions and deliveries by the Standard Webhooks specification: states, retries, signing, disabling.

What the worker (api/webhooks/) only applies:
- a delivery is tried on the schedule of `RETRY_SCHEDULE` (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h:
  the specification's example, over 27 hours), each wait stretched by up to `JITTER` (the caller passes a number
  in [0, 1), so the rule stays a function), and is finally failed when the last attempt fails;
- a 2xx answer is success; anything else, a redirect included, and no answer at all is a failure to retry;
  `410 Gone` says the endpoint is gone for good: the delivery fails and the subscription is disabled at once;
- a subscription is disabled after persistent failure: a delivery finally failed and not one delivery to it
  succeeded for the whole schedule (`failing_since`, the first failure since the last success, is that long ago);
- a delivery is leased while in flight, long enough for every request of its batch to time out; a lease that
  runs out (the worker died) makes the delivery due again: an event may arrive twice, never not at all;
- what is signed is `{webhook-id}.{webhook-timestamp}.{body}`, with HMAC-SHA256, sent as `v1,<base64>`, one
  signature per valid secret separated by spaces; the previous secret signs too until it expires (rotation);
  a secret is `whsec_` followed by the base64 of its key bytes.
"""

from __future__ import annotations

import base64
import binascii
import math
from datetime import datetime, timedelta
from enum import StrEnum


class SubscriptionStatus(StrEnum):
    """A subscription receives events while active; disabled after persistent failure or by hand."""

    ACTIVE = "active"
    DISABLED = "disabled"


class DeliveryStatus(StrEnum):
    """One event to one subscription."""

    PENDING = "pending"  # waiting for its next attempt (or for an earlier event of the same aggregate)
    DELIVERING = "delivering"  # leased by a worker; taken again if the lease runs out (the worker died)
    DELIVERED = "delivered"  # the endpoint answered 2xx
    FAILED = "failed"  # every retry failed; can be redelivered by hand


UNFINISHED = (DeliveryStatus.PENDING, DeliveryStatus.DELIVERING)  # a later event of the aggregate waits for these


class DisabledReason(StrEnum):
    """Why a subscription was disabled (stored on it and told in the `webhook_subscription.disabled` event)."""

    ENDPOINT_GONE = "endpoint_gone"  # the endpoint answered 410 Gone
    PERSISTENT_FAILURE = "persistent_failure"  # no delivery succeeded for the whole retry schedule


class AttemptOutcome(StrEnum):
    """What one HTTP attempt means for its delivery."""

    DELIVERED = "delivered"
    RETRY = "retry"  # failed; tried again on the schedule
    GONE = "gone"  # failed for good, and the subscription is disabled


# The wait before each attempt, after the previous one failed; the first attempt goes at once.
RETRY_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
MAX_ATTEMPTS = len(RETRY_SCHEDULE)
JITTER = 0.1  # each wait is stretched by up to a tenth, so a burst of failures does not come back all at once
# A subscription is disabled when a delivery finally fails and nothing succeeded for this long: the whole schedule.
DISABLE_AFTER = sum(RETRY_SCHEDULE, timedelta(0))
if DISABLE_AFTER.total_seconds() < 24 * 3600:  # the issue asks for retries over at least 24 hours
    raise RuntimeError("the retry schedule must span at least 24 hours")

CONNECT_TIMEOUT = timedelta(seconds=5)
REQUEST_TIMEOUT = timedelta(seconds=15)  # the whole request; an endpoint must answer within it (as Svix's 15 s)
LEASE_MARGIN = timedelta(seconds=60)  # time to record the results after the last request of a batch

SECRET_PREFIX = "whsec_"  # noqa: S105 - the prefix of every secret, not a secret
SECRET_KEY_BYTES = 32  # the specification asks for 24 to 64 random bytes
SIGNATURE_VERSION = "v1"


def is_success(status_code: int | None) -> bool:
    """A delivery succeeded when the endpoint answered 2xx; a redirect is not followed and counts as a failure."""
    return status_code is not None and 200 <= status_code < 300


def outcome_of(status_code: int | None) -> AttemptOutcome:
    """What an answer (None: no answer) means: delivered, try again, or gone for good (410)."""
    if is_success(status_code):
        return AttemptOutcome.DELIVERED
    if status_code == 410:
        return AttemptOutcome.GONE
    return AttemptOutcome.RETRY


def retry_delay(failed_attempts: int, jitter: float) -> timedelta | None:
    """After `failed_attempts` failures in a row, how long until the next attempt; None: the delivery has failed.

    `jitter` is a number in [0, 1) from the caller (random in the worker, fixed in tests).
    """
    if failed_attempts < 1:
        raise ValueError("a retry follows at least one failed attempt")
    if failed_attempts >= MAX_ATTEMPTS:
        return None
    if not 0 <= jitter < 1:
        raise ValueError("jitter is a number in [0, 1)")
    return RETRY_SCHEDULE[failed_attempts] * (1 + JITTER * jitter)


def should_disable(failing_since: datetime | None, now: datetime) -> bool:
    """Disable the subscription (when one of its deliveries has finally failed) after failing for the whole schedule.

    `failing_since` is the first failure since the subscription's last success; None: the last attempt succeeded.
    """
    return failing_since is not None and now - failing_since >= DISABLE_AFTER


def lease_length(batch_size: int, concurrency: int) -> timedelta:
    """How long a worker holds what it claimed: every request of the batch may run to its timeout, then a margin."""
    rounds = math.ceil(max(batch_size, 1) / max(concurrency, 1))
    return REQUEST_TIMEOUT * rounds + LEASE_MARGIN


def signing_secrets(
    secret: str, previous_secret: str | None, previous_expires_at: datetime | None, now: datetime
) -> list[str]:
    """The secrets that sign a message now: the current one, and during a rotation the previous one until it expires."""
    secrets = [secret]
    if previous_secret and previous_expires_at is not None and now < previous_expires_at:
        secrets.append(previous_secret)
    return secrets


def secret_from_key(key: bytes) -> str:
    """The secret as handed to the subscriber: `whsec_` and the base64 of the key bytes."""
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def key_from_secret(secret: str) -> bytes:
    """The key bytes of a `whsec_...` secret; ValueError when it is not one."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError(f"a signing secret starts with {SECRET_PREFIX}")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error as exc:
        raise ValueError("a signing secret is base64 after its prefix") from exc
    if not key:
        raise ValueError("a signing secret may not be empty")
    return key


def signed_content(message_id: str, timestamp: int, body: str) -> bytes:
    """What the signature covers: the webhook-id, the webhook-timestamp (whole seconds) and the exact body sent."""
    return f"{message_id}.{timestamp}.{body}".encode()


def signature_header(signatures: list[bytes]) -> str:
    """The `webhook-signature` value: `v1,<base64>` per signature, separated by spaces."""
    return " ".join(f"{SIGNATURE_VERSION},{base64.b64encode(s).decode('ascii')}" for s in signatures)
