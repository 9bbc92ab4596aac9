"""Webhook subscriptions of integration clients, one delivery per (subscription, event), and each attempt."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field


class WebhookSubscription(Versioned, SQLModel, table=True):
    """An integration client's HTTPS endpoint and the event types it wants (none listed: every type).

    The signing secret must be readable to sign with, so it is stored as issued (never in the audit trail, shown
    to the client once). During a rotation the previous secret also signs until `previous_secret_expires_at`.
    """

    __tablename__ = "webhook_subscription"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="integration_client.id", index=True)
    url: str = Field(max_length=2000)
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    description: str | None = Field(default=None, max_length=500)
    status: str = Field(default="active", max_length=20)  # domain.webhooks.SubscriptionStatus
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    failing_since: datetime | None = Field(default=None, sa_type=UTCDateTime)  # first failure since the last success
    disabled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class WebhookDelivery(SQLModel, table=True):
    """One event to one subscription: pending until a 2xx answer, retried with backoff, leased while in flight."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        # The worker's queue: what is due now.
        Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
        # Order per aggregate: nothing of an aggregate goes out while an earlier delivery of it is unfinished.
        Index("ix_webhook_delivery_aggregate", "subscription_id", "aggregate_key", "event_position"),
        # The delivery log of a subscription, newest first.
        Index("ix_webhook_delivery_subscription_created", "subscription_id", "created_at"),
    )

    id: uuid.UUID = id_field()
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id")
    event_position: int = Field(
        sa_column=Column(
            BigInteger,
            ForeignKey("outbox_event.position", name="fk_webhook_delivery_event_position_outbox_event"),
            nullable=False,
        )
    )
    event_id: uuid.UUID  # the outbox event's id: the webhook-id on the wire
    aggregate_key: str = Field(max_length=110)  # "<aggregate_type>:<aggregate_id>"
    status: str = Field(default="pending", max_length=20)  # domain.webhooks.DeliveryStatus
    attempt_count: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    leased_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    leased_by: str | None = Field(default=None, max_length=100)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created_at_field()


class WebhookAttempt(SQLModel, table=True):
    """One HTTP attempt of a delivery: the delivery log a subscriber and the administration read."""

    __tablename__ = "webhook_attempt"
    __table_args__ = (Index("ix_webhook_attempt_subscription_at", "subscription_id", "attempted_at"),)

    id: uuid.UUID = id_field()
    delivery_id: uuid.UUID = Field(foreign_key="webhook_delivery.id", index=True)
    subscription_id: uuid.UUID = Field(foreign_key="webhook_subscription.id")
    attempted_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    status_code: int | None = None  # None: no answer (refused, timed out, blocked by the address guard)
    duration_ms: int = Field(default=0)
    error: str | None = Field(default=None, max_length=500)
    worker: str | None = Field(default=None, max_length=100)
