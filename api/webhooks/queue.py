"""The delivery queue in the database: claiming what is due under a lease, and recording what an attempt got.

Claim: in one short transaction, the due deliveries (pending and due, or delivering with a lease that ran out
because its worker died), only the earliest unfinished delivery of each (subscription, aggregate) so an
aggregate's events go out in position order, only to active subscriptions; marked delivering with a lease. On
PostgreSQL the claim is `SELECT ... FOR UPDATE SKIP LOCKED`, so several workers never claim the same row; SQLite
has one writer at a time. The caller commits before any HTTP (api/webhooks/worker.py).

Record, in its own transaction per attempt: a WebhookAttempt, then delivered, pending with its next attempt, or
failed; on persistent failure (or 410) the subscription is disabled and a `webhook_subscription.disabled` event is
written through the outbox in the same transaction. Recording is fenced by the lease: a worker whose lease ran
out (another has taken the delivery) logs its attempt and changes nothing else. The rules are domain/webhooks.py's.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlmodel import Session

from api.outbox import NewEvent, append_events
from api.tables import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from api.webhooks.delivery import AttemptResult, Claimed, body_for
from domain.events import AggregateType, ChangeOperation, EventType
from domain.webhooks import (
    UNFINISHED,
    AttemptOutcome,
    DeliveryStatus,
    DisabledReason,
    SubscriptionStatus,
    outcome_of,
    retry_delay,
    should_disable,
)

log = logging.getLogger("tilsyn.webhooks")

DELIVERY = WebhookDelivery.__table__
SUBSCRIPTION = WebhookSubscription.__table__
EVENT = OutboxEvent.__table__
ATTEMPT = WebhookAttempt.__table__


def _due_query(now: datetime, limit: int):  # type: ignore[no-untyped-def]
    earlier = DELIVERY.alias("earlier")
    due = or_(
        and_(DELIVERY.c.status == DeliveryStatus.PENDING, DELIVERY.c.next_attempt_at <= now),
        and_(DELIVERY.c.status == DeliveryStatus.DELIVERING, DELIVERY.c.leased_until < now),
    )
    waits_for_earlier = exists().where(
        earlier.c.subscription_id == DELIVERY.c.subscription_id,
        earlier.c.aggregate_key == DELIVERY.c.aggregate_key,
        earlier.c.event_position < DELIVERY.c.event_position,
        earlier.c.status.in_(list(UNFINISHED)),
    )
    active = exists().where(
        SUBSCRIPTION.c.id == DELIVERY.c.subscription_id, SUBSCRIPTION.c.status == SubscriptionStatus.ACTIVE
    )
    return (
        select(DELIVERY.c.id)
        .where(due, ~waits_for_earlier, active)
        .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.event_position)
        .limit(limit)
    )


def anything_due(session: Session, now: datetime) -> bool:
    """Whether a claim would find something: a plain read, so an idle SQLite worker never takes the write lock."""
    return session.execute(_due_query(now, 1)).first() is not None


def claim(session: Session, now: datetime, batch_size: int, worker: str, lease_until: datetime) -> list[Claimed]:
    """Lease up to `batch_size` due deliveries to `worker` and return what sending them needs. The caller commits."""
    query = _due_query(now, batch_size)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=DELIVERY)
    ids = list(session.execute(query).scalars())
    if not ids:
        return []
    session.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(ids))
        .values(status=DeliveryStatus.DELIVERING, leased_until=lease_until, leased_by=worker)
    )
    rows = session.execute(
        select(
            DELIVERY.c.id,
            DELIVERY.c.subscription_id,
            DELIVERY.c.aggregate_key,
            DELIVERY.c.event_position,
            DELIVERY.c.attempt_count,
            EVENT.c.id.label("event_id"),
            EVENT.c.type,
            EVENT.c.occurred_at,
            EVENT.c.payload,
            SUBSCRIPTION.c.municipality_id,
            SUBSCRIPTION.c.url,
            SUBSCRIPTION.c.secret,
            SUBSCRIPTION.c.previous_secret,
            SUBSCRIPTION.c.previous_secret_expires_at,
        )
        .join(EVENT, EVENT.c.position == DELIVERY.c.event_position)
        .join(SUBSCRIPTION, SUBSCRIPTION.c.id == DELIVERY.c.subscription_id)
        .where(DELIVERY.c.id.in_(ids))
        .order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.event_position)
    ).all()
    return [
        Claimed(
            delivery_id=row.id,
            subscription_id=row.subscription_id,
            municipality_id=row.municipality_id,
            event_id=row.event_id,
            event_type=row.type,
            aggregate_key=row.aggregate_key,
            event_position=row.event_position,
            attempt_count=row.attempt_count,
            leased_until=lease_until,
            url=row.url,
            body=body_for(row),
            secret=row.secret,
            previous_secret=row.previous_secret,
            previous_secret_expires_at=row.previous_secret_expires_at,
        )
        for row in rows
    ]


def record(session: Session, result: AttemptResult, worker: str, now: datetime, jitter: float) -> DeliveryStatus | None:
    """Log the attempt and move its delivery on; None when the lease was lost meanwhile. The caller commits."""
    claimed = result.claimed
    session.execute(
        insert(ATTEMPT).values(
            id=uuid.uuid4(),
            delivery_id=claimed.delivery_id,
            subscription_id=claimed.subscription_id,
            attempted_at=result.attempted_at,
            status_code=result.status_code,
            duration_ms=result.duration_ms,
            error=result.error,
            worker=worker[:100],
        )
    )
    outcome = outcome_of(result.status_code)
    attempts = claimed.attempt_count + 1
    values: dict = {
        "attempt_count": attempts,
        "last_status_code": result.status_code,
        "last_error": result.error,
        "leased_until": None,
        "leased_by": None,
    }
    if outcome is AttemptOutcome.DELIVERED:
        values.update(status=DeliveryStatus.DELIVERED, delivered_at=result.attempted_at)
    else:
        delay = None if outcome is AttemptOutcome.GONE else retry_delay(attempts, jitter)
        if delay is None:
            values["status"] = DeliveryStatus.FAILED
        else:
            values.update(status=DeliveryStatus.PENDING, next_attempt_at=now + delay)
    ours = and_(
        DELIVERY.c.id == claimed.delivery_id,
        DELIVERY.c.status == DeliveryStatus.DELIVERING,
        DELIVERY.c.leased_by == worker,
        DELIVERY.c.leased_until == claimed.leased_until,
    )
    if session.execute(update(DELIVERY).where(ours).values(**values)).rowcount == 0:
        return None  # the lease ran out and another worker took the delivery: its answer will count
    subscription = SUBSCRIPTION.c.id == claimed.subscription_id
    if outcome is AttemptOutcome.DELIVERED:
        session.execute(
            update(SUBSCRIPTION)
            .where(subscription, SUBSCRIPTION.c.failing_since.is_not(None))
            .values(failing_since=None)
        )
        return DeliveryStatus.DELIVERED
    session.execute(
        update(SUBSCRIPTION)
        .where(subscription, SUBSCRIPTION.c.failing_since.is_(None))
        .values(failing_since=result.attempted_at)
    )
    if outcome is AttemptOutcome.GONE:
        disable(session, claimed, DisabledReason.ENDPOINT_GONE, now)
    elif values["status"] is DeliveryStatus.FAILED:
        failing_since = session.execute(select(SUBSCRIPTION.c.failing_since).where(subscription)).scalar_one()
        if should_disable(failing_since, now):
            disable(session, claimed, DisabledReason.PERSISTENT_FAILURE, now)
    return values["status"]


def disable(session: Session, claimed: Claimed, reason: DisabledReason, now: datetime) -> bool:
    """Disable the subscription (once: False if it already was) and say so with an event, in this transaction.

    Its other pending deliveries stay pending and are not sent while it is disabled.
    """
    changed = session.execute(
        update(SUBSCRIPTION)
        .where(SUBSCRIPTION.c.id == claimed.subscription_id, SUBSCRIPTION.c.status == SubscriptionStatus.ACTIVE)
        .values(
            status=SubscriptionStatus.DISABLED,
            disabled_at=now,
            disabled_reason=reason.value,
            updated_at=now,
            version=SUBSCRIPTION.c.version + 1,  # a client's ETag of it is stale now
        )
    ).rowcount
    if not changed:
        return False
    event = NewEvent(
        municipality_id=claimed.municipality_id,
        type=EventType.WEBHOOK_SUBSCRIPTION_DISABLED.value,
        operation=ChangeOperation.CHANGED.value,
        aggregate_type=AggregateType.WEBHOOK_SUBSCRIPTION.value,
        aggregate_id=str(claimed.subscription_id),
        payload={
            "id": str(claimed.subscription_id),
            "status": SubscriptionStatus.DISABLED.value,
            "reason": reason.value,
            "disabled_at": now.isoformat(),
        },
        occurred_at=now,
    )
    append_events(session.connection(), [event])
    log.warning("subscription %s disabled: %s", claimed.subscription_id, reason.value)
    return True
