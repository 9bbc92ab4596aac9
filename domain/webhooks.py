"""Webhook subscriptions and deliveries: their states (the rules of retrying, signing and disabling follow)."""

from __future__ import annotations

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
