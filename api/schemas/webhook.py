"""Webhook subscriptions, their signing secret (shown once) and their delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from api.schemas.common import InputModel, ReadModel
from domain.events import EventType
from domain.webhooks import DeliveryStatus, SubscriptionStatus

WebhookUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Description = Annotated[str, StringConstraints(max_length=500)]

_URL = (
    "Where events are POSTed: https, to a host whose every address is public (no loopback, private, link-local or "
    "metadata address), unless the operator allows the host (TILSYN_WEBHOOK_ALLOWED_HOSTS)."
)
_EVENT_TYPES = (
    "The event types to receive (see the OpenAPI document's `webhooks`); empty: every type the client may read. "
    "A type about something the client may not read (its scopes) is refused."
)
_STATUS = (
    "`active`: receives events; `disabled`: receives none (after persistent failure, or by hand). Set `active` to "
    "re-enable: new events are delivered from then on."
)


class WebhookSubscriptionCreate(InputModel):
    """A new subscription. An integration client subscribes for itself; an admin names the client."""

    url: WebhookUrl = Field(description=_URL)
    event_types: list[EventType] = Field(default_factory=list, max_length=100, description=_EVENT_TYPES)
    description: Description | None = Field(None, description="What the subscription is for, for people.")
    client_id: uuid.UUID | None = Field(
        None, description="The integration client's id (not its client_id): required from an admin, else left out."
    )


class WebhookSubscriptionUpdate(InputModel):
    """Fields to change; omitted fields keep their value."""

    url: WebhookUrl | None = Field(None, description=_URL)
    event_types: list[EventType] | None = Field(None, max_length=100, description=_EVENT_TYPES)
    description: Description | None = Field(None, description="What the subscription is for; null removes it.")
    status: SubscriptionStatus | None = Field(None, description=_STATUS)


class WebhookSubscriptionRead(ReadModel):
    """A webhook subscription. Its signing secret is shown only when issued (created or rotated)."""

    id: uuid.UUID = Field(description="The subscription's id.")
    client_id: uuid.UUID = Field(description="The integration client that receives the events.")
    url: str = Field(description="Where events are POSTed.")
    event_types: list[str] = Field(description="The event types it receives; empty: every type the client may read.")
    description: str | None = Field(description="What the subscription is for.")
    status: SubscriptionStatus = Field(description=_STATUS)
    previous_secret_expires_at: datetime | None = Field(
        description="After a rotation: until when the previous secret still signs beside the new one."
    )
    failing_since: datetime | None = Field(description="Since when deliveries fail without a success; null if not.")
    disabled_at: datetime | None = Field(description="When it was disabled; null while active.")
    disabled_reason: str | None = Field(description="Why it was disabled.")
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class WebhookSubscriptionWithSecret(WebhookSubscriptionRead):
    """A subscription with its new signing secret: store it now, it is never shown again."""

    secret: str = Field(
        description="The signing secret (Standard Webhooks): `whsec_` + base64 of the key for HMAC-SHA256."
    )


class WebhookSubscriptionPage(ReadModel):
    """One page of webhook subscriptions."""

    items: list[WebhookSubscriptionRead] = Field(description="The subscriptions on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class WebhookAttemptRead(ReadModel):
    """One HTTP attempt of a delivery."""

    attempted_at: datetime = Field(description="When the attempt was made.")
    status_code: int | None = Field(description="The endpoint's HTTP status; null when there was no answer.")
    duration_ms: int = Field(description="How long the attempt took, in milliseconds.")
    error: str | None = Field(description="What went wrong, when the attempt failed.")


class WebhookDeliveryRead(ReadModel):
    """One event to the subscription: its state and every attempt so far."""

    id: uuid.UUID = Field(description="The delivery's id.")
    event_id: uuid.UUID = Field(description="The event's id: the `webhook-id` header, the same on every attempt.")
    event_type: str = Field(description="The event's type, e.g. `visit.planned`.")
    event_position: int = Field(description="The event's position in the municipality's stream (GET /changes).")
    occurred_at: datetime = Field(description="When the event happened.")
    status: DeliveryStatus = Field(
        description="`pending`, `delivering` (in flight), `delivered` (a 2xx answer) or `failed` (retries ran out)."
    )
    attempt_count: int = Field(description="Attempts since it was created or last redelivered.")
    next_attempt_at: datetime | None = Field(description="When the next attempt is due, while pending.")
    last_status_code: int | None = Field(description="The HTTP status of the last attempt; null if none answered.")
    last_error: str | None = Field(description="What went wrong in the last attempt.")
    delivered_at: datetime | None = Field(description="When the endpoint last accepted it.")
    created_at: datetime = Field(description="When the delivery was created.")
    attempts: list[WebhookAttemptRead] = Field(description="Every attempt, oldest first.")


class WebhookDeliveryPage(ReadModel):
    """One page of the delivery log, newest first."""

    items: list[WebhookDeliveryRead] = Field(description="The deliveries on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
