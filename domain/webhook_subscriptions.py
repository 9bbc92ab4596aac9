"""The rules of a webhook subscription: its signing secret, which events it may have, its status, redelivery.

A subscription belongs to an integration client and gets an event only if the client could read what the event is
about (domain.events.READ_PERMISSION): the client's scopes decide, at subscription and again at every fan-out, so a
scope taken away stops the events at once. Listing no event types means every type the client may read.

The secret follows the Standard Webhooks specification: `whsec_` and the base64 of 24 to 64 random bytes. It is
shown once, when issued. A rotation issues a new one; the previous one keeps signing beside it for an overlap, so a
receiver can switch without refusing a delivery.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from domain.access import Permission, Role, integration_scopes, permissions_of
from domain.errors import DomainError, ErrorCode, Violation
from domain.events import READ_PERMISSION, AggregateType, EventType
from domain.webhooks import DeliveryStatus, SubscriptionStatus

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32  # the specification asks for 24 to 64
DISABLED_BY_HAND = "Disabled by hand."

# What an integration client must hold to be told about an aggregate; None: no client ever may (a concern notice,
# a conversation: read by people only). The fan-out applies this table in SQL.
CLIENT_READ_PERMISSION: dict[AggregateType, Permission | None] = {
    aggregate: (permission if permission in integration_scopes() else None)
    for aggregate, permission in READ_PERMISSION.items()
}


def new_signing_secret() -> str:
    """A fresh signing secret in the specification's format: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def client_permissions(scopes: Iterable[str]) -> frozenset[Permission]:
    """What an integration client with these granted scopes may do."""
    return permissions_of(Role.INTEGRATION, frozenset(scopes))


def may_receive(event_type: EventType, permissions: frozenset[Permission]) -> bool:
    """Whether a client with these permissions may be told of events of this type."""
    needed = CLIENT_READ_PERMISSION[event_type.aggregate_type]
    return needed is not None and needed in permissions


def _why_not(event_type: EventType) -> str:
    about = event_type.aggregate_type.value.replace("_", " ")
    needed = CLIENT_READ_PERMISSION[event_type.aggregate_type]
    if needed is None:
        return f"`{event_type.value}` is about {about}s, which no integration client may read."
    return f"`{event_type.value}` is about {about}s, which take the `{needed.value}` scope this client lacks."


def checked_event_types(event_types: Sequence[EventType], permissions: frozenset[Permission]) -> list[str]:
    """The event types to store (each once, in the order given), or a refusal naming each the client may not read."""
    refused = [
        Violation(f"body.event_types.{i}", _why_not(t))
        for i, t in enumerate(event_types)
        if not may_receive(t, permissions)
    ]
    if refused:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "The client may not be told of: " + " ".join(v.message for v in refused),
            refused,
        )
    return list(dict.fromkeys(t.value for t in event_types))


def rotation(current_secret: str, now: datetime, overlap: timedelta) -> dict[str, Any]:
    """A new secret; the current one becomes the previous one and keeps signing until `now + overlap`.

    A rotation during an overlap drops the secret before the current one: only two ever sign at once."""
    return {
        "secret": new_signing_secret(),
        "previous_secret": current_secret if overlap > timedelta(0) else None,
        "previous_secret_expires_at": now + overlap if overlap > timedelta(0) else None,
    }


def status_change(current: SubscriptionStatus, wanted: SubscriptionStatus, now: datetime) -> dict[str, Any]:
    """What changes when a person or the client sets the status: re-enabling forgets the failures that disabled
    it (the worker starts counting afresh); disabling by hand says so."""
    if wanted is current:
        return {}
    if wanted is SubscriptionStatus.ACTIVE:
        return {"status": wanted.value, "disabled_at": None, "disabled_reason": None, "failing_since": None}
    return {"status": wanted.value, "disabled_at": now, "disabled_reason": DISABLED_BY_HAND}


def redelivery(status: DeliveryStatus, subscription_status: SubscriptionStatus, now: datetime) -> dict[str, Any]:
    """A delivered or failed delivery goes out again at once, with the same webhook-id and a fresh retry schedule."""
    if subscription_status is not SubscriptionStatus.ACTIVE:
        raise DomainError(ErrorCode.CONFLICT, "The subscription is disabled: re-enable it, then redeliver.")
    if status not in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
        raise DomainError(
            ErrorCode.CONFLICT, f"The delivery is {status.value} and will go out anyway; redeliver it once it is done."
        )
    return {
        "status": DeliveryStatus.PENDING.value,
        "next_attempt_at": now,
        "attempt_count": 0,
        "leased_until": None,
        "leased_by": None,
    }
