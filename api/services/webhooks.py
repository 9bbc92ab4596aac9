"""Webhook subscriptions: create, read, change, delete, rotate the secret; the delivery log and redelivery.

An integration client manages its own subscriptions only (another client's is a 404, as another municipality's
is); an admin manages every subscription of the municipality and names the client when creating one. The rules
(which events a client may have, the secret, status changes, redelivery) are in domain/webhook_subscriptions.py;
where a URL may lead is in domain/webhook_addresses.py, checked with DNS by api/webhooks/addresses.py.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.config import Settings
from api.pagination import Page, SortKey, paginate
from api.principal import Principal, PrincipalKind
from api.schemas.webhook import (
    WebhookAttemptRead,
    WebhookDeliveryRead,
    WebhookSubscriptionCreate,
    WebhookSubscriptionUpdate,
)
from api.services.common import refuse_nulls
from api.tables import IntegrationClient, OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from api.webhooks.addresses import check_destination
from domain.errors import invalid, not_found
from domain.webhook_subscriptions import (
    checked_event_types,
    client_permissions,
    new_signing_secret,
    redelivery,
    rotation,
    status_change,
)
from domain.webhooks import DeliveryStatus, SubscriptionStatus

SUBSCRIPTION_ORDER = (SortKey(WebhookSubscription.created_at), SortKey(WebhookSubscription.id))
DELIVERY_ORDER = (SortKey(WebhookDelivery.created_at, descending=True), SortKey(WebhookDelivery.id, descending=True))
SUBSCRIPTION = "webhook subscription"


def _own_client(principal: Principal) -> uuid.UUID | None:
    """The calling integration client's id; None for a person (an admin), who manages every client's."""
    return uuid.UUID(principal.subject) if principal.kind is PrincipalKind.CLIENT else None


def get_subscription(session: Session, principal: Principal, subscription_id: uuid.UUID) -> WebhookSubscription:
    """The subscription, if the caller may see it: its municipality's, and for a client its own; else a 404."""
    row = session.get(WebhookSubscription, subscription_id)
    own = _own_client(principal)
    if row is None or row.municipality_id != principal.municipality_id or own not in (None, row.client_id):
        raise not_found(SUBSCRIPTION)
    return row


def list_subscriptions(
    session: Session, principal: Principal, *, client_id: uuid.UUID | None, cursor: str | None, limit: int
) -> Page[WebhookSubscription]:
    statement = select(WebhookSubscription).where(WebhookSubscription.municipality_id == principal.municipality_id)
    own = _own_client(principal)
    if own is not None:
        statement = statement.where(WebhookSubscription.client_id == own)
    if client_id is not None:
        statement = statement.where(WebhookSubscription.client_id == client_id)
    return paginate(session, statement, SUBSCRIPTION_ORDER, cursor, limit)


def _subscribing_client(session: Session, principal: Principal, client_id: uuid.UUID | None) -> IntegrationClient:
    own = _own_client(principal)
    if own is not None and client_id not in (None, own):
        raise invalid("body.client_id", "An integration client subscribes for itself: leave client_id out.")
    if own is None and client_id is None:
        raise invalid("body.client_id", "Name the integration client that is to receive the events.")
    client = session.get(IntegrationClient, own or client_id)
    if client is None or client.municipality_id != principal.municipality_id:
        raise invalid("body.client_id", "No integration client with that id in your municipality.")
    if client.revoked_at is not None:
        raise invalid("body.client_id", "The integration client is revoked: it can receive no events.")
    return client


def create_subscription(
    session: Session, principal: Principal, data: WebhookSubscriptionCreate, settings: Settings
) -> tuple[WebhookSubscription, str]:
    """A new active subscription and its signing secret (the only time the secret is shown)."""
    client = _subscribing_client(session, principal, data.client_id)
    event_types = checked_event_types(data.event_types, client_permissions(client.scopes))
    check_destination(data.url, settings)
    secret = new_signing_secret()
    row = WebhookSubscription(
        municipality_id=principal.municipality_id,
        client_id=client.id,
        url=data.url,
        event_types=event_types,
        description=data.description,
        status=SubscriptionStatus.ACTIVE.value,
        secret=secret,
    )
    session.add(row)
    session.flush()
    return row, secret


def update_subscription(
    session: Session, row: WebhookSubscription, data: WebhookSubscriptionUpdate, settings: Settings, now: datetime
) -> WebhookSubscription:
    values = data.model_dump(exclude_unset=True)
    refuse_nulls(values, ("url", "event_types", "status"))
    if "url" in values:
        check_destination(values["url"], settings)
        row.url = values["url"]
    if "event_types" in values:
        client = session.get(IntegrationClient, row.client_id)
        permissions = client_permissions(client.scopes if client else [])
        row.event_types = checked_event_types(data.event_types or [], permissions)
    if "description" in values:
        row.description = values["description"]
    if "status" in values:
        for key, value in status_change(SubscriptionStatus(row.status), values["status"], now).items():
            setattr(row, key, value)
    session.add(row)
    session.flush()
    return row


def delete_subscription(session: Session, row: WebhookSubscription) -> None:
    """Delete the subscription with its delivery log: nothing more is sent to it.

    Its deliveries are locked first, as the worker locks them before logging an attempt: a delivery in flight is
    then either logged before the delete (and deleted with it) or found gone by the worker; never a broken link.
    """
    session.exec(select(WebhookDelivery.id).where(col(WebhookDelivery.subscription_id) == row.id).with_for_update())
    session.exec(delete(WebhookAttempt).where(col(WebhookAttempt.subscription_id) == row.id))  # type: ignore[call-overload]
    session.exec(delete(WebhookDelivery).where(col(WebhookDelivery.subscription_id) == row.id))  # type: ignore[call-overload]
    session.delete(row)
    session.flush()


def rotate_secret(session: Session, row: WebhookSubscription, settings: Settings, now: datetime) -> str:
    """A new secret; the previous one keeps signing for TILSYN_WEBHOOK_SECRET_OVERLAP_HOURS."""
    values = rotation(row.secret, now, timedelta(hours=settings.webhook_secret_overlap_hours))
    for key, value in values.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    return values["secret"]


_DELIVERY_COLUMNS = (
    WebhookDelivery.id,
    WebhookDelivery.event_id,
    OutboxEvent.type.label("event_type"),  # type: ignore[attr-defined]
    WebhookDelivery.event_position,
    OutboxEvent.occurred_at,
    WebhookDelivery.status,
    WebhookDelivery.attempt_count,
    WebhookDelivery.next_attempt_at,
    WebhookDelivery.last_status_code,
    WebhookDelivery.last_error,
    WebhookDelivery.delivered_at,
    WebhookDelivery.created_at,
)


def list_deliveries(
    session: Session, row: WebhookSubscription, *, status: DeliveryStatus | None, cursor: str | None, limit: int
) -> tuple[list[WebhookDeliveryRead], str | None]:
    """The delivery log, newest first, each delivery with its attempts: two queries per page, columns only."""
    statement = (
        select(*_DELIVERY_COLUMNS)
        .join(OutboxEvent, OutboxEvent.position == WebhookDelivery.event_position)  # type: ignore[arg-type]
        .where(WebhookDelivery.subscription_id == row.id)
    )
    if status is not None:
        statement = statement.where(WebhookDelivery.status == status.value)
    page = paginate(session, statement, DELIVERY_ORDER, cursor, limit)  # type: ignore[arg-type]
    attempts: dict[uuid.UUID, list[WebhookAttemptRead]] = defaultdict(list)
    if page.items:
        found = session.exec(
            select(
                WebhookAttempt.delivery_id,
                WebhookAttempt.attempted_at,
                WebhookAttempt.status_code,
                WebhookAttempt.duration_ms,
                WebhookAttempt.error,
            )
            .where(col(WebhookAttempt.delivery_id).in_([d.id for d in page.items]))
            .order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
        ).all()
        for attempt in found:
            attempts[attempt.delivery_id].append(WebhookAttemptRead.model_validate(attempt))
    items = [
        WebhookDeliveryRead.model_validate(
            {
                **d._mapping,
                "next_attempt_at": d.next_attempt_at if d.status == DeliveryStatus.PENDING else None,
                "attempts": attempts[d.id],
            }
        )
        for d in page.items
    ]
    return items, page.next_cursor


def read_delivery(session: Session, row: WebhookSubscription, delivery_id: uuid.UUID) -> WebhookDeliveryRead:
    statement = (
        select(*_DELIVERY_COLUMNS)
        .join(OutboxEvent, OutboxEvent.position == WebhookDelivery.event_position)  # type: ignore[arg-type]
        .where(WebhookDelivery.subscription_id == row.id, WebhookDelivery.id == delivery_id)
    )
    found = session.exec(statement).first()
    if found is None:
        raise not_found("webhook delivery")
    attempts = session.exec(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id == delivery_id)
        .order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
    ).all()
    next_attempt_at = found.next_attempt_at if found.status == DeliveryStatus.PENDING else None
    return WebhookDeliveryRead.model_validate(
        {
            **found._mapping,
            "next_attempt_at": next_attempt_at,
            "attempts": [WebhookAttemptRead.model_validate(a) for a in attempts],
        }
    )


def redeliver(session: Session, row: WebhookSubscription, delivery_id: uuid.UUID, now: datetime) -> WebhookDeliveryRead:
    """Send a delivered or failed event again soon, with the same webhook-id, so a receiver can de-duplicate."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.subscription_id != row.id:
        raise not_found("webhook delivery")
    values = redelivery(DeliveryStatus(delivery.status), SubscriptionStatus(row.status), now)
    for key, value in values.items():
        setattr(delivery, key, value)
    session.add(delivery)
    session.flush()
    return read_delivery(session, row, delivery_id)
