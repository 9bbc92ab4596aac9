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

from sqlalchemy import and_, case, exists, insert, literal, select, update
from sqlmodel import Session

from api.outbox import NewEvent, append_events
from api.tables import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from api.tables.base import UTCDateTime
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


def _claimable(condition, order, limit: int):  # type: ignore[no-untyped-def]
    """Deliveries meeting `condition` that no earlier unfinished delivery of their aggregate holds up, to an active
    subscription. Walked in `order` along the due index, each checked against the aggregate index: cheap however
    long the queue (an OR of both due conditions would make PostgreSQL check every pending row on each claim)."""
    earlier = DELIVERY.alias("earlier")
    waits_for_earlier = exists().where(
        earlier.c.subscription_id == DELIVERY.c.subscription_id,
        earlier.c.aggregate_key == DELIVERY.c.aggregate_key,
        earlier.c.event_position < DELIVERY.c.event_position,
        earlier.c.status.in_(list(UNFINISHED)),
    )
    active = exists().where(
        SUBSCRIPTION.c.id == DELIVERY.c.subscription_id, SUBSCRIPTION.c.status == SubscriptionStatus.ACTIVE
    )
    return select(DELIVERY.c.id).where(condition, ~waits_for_earlier, active).order_by(order).limit(limit)


def _due_queries(now: datetime, limit: int) -> list:  # type: ignore[type-arg]
    """What is due now: first deliveries whose worker died (lease run out), then pending ones whose time has come."""
    return [
        _claimable(
            and_(DELIVERY.c.status == DeliveryStatus.DELIVERING, DELIVERY.c.leased_until < now),
            DELIVERY.c.leased_until,
            limit,
        ),
        _claimable(
            and_(DELIVERY.c.status == DeliveryStatus.PENDING, DELIVERY.c.next_attempt_at <= now),
            DELIVERY.c.next_attempt_at,
            limit,
        ),
    ]


def anything_due(session: Session, now: datetime) -> bool:
    """Whether a claim would find something: a plain read, so an idle SQLite worker never takes the write lock."""
    return any(session.execute(query).first() is not None for query in _due_queries(now, 1))


def claim(session: Session, now: datetime, batch_size: int, worker: str, lease_until: datetime) -> list[Claimed]:
    """Lease up to `batch_size` due deliveries to `worker` and return what sending them needs. The caller commits."""
    postgres = session.get_bind().dialect.name == "postgresql"
    ids: list[uuid.UUID] = []
    for query in _due_queries(now, batch_size):
        if len(ids) == batch_size:
            break
        query = query.limit(batch_size - len(ids))
        if postgres:
            query = query.with_for_update(skip_locked=True, of=DELIVERY)
        ids += session.execute(query).scalars()
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


def record(
    session: Session, results: list[AttemptResult], worker: str, now: datetime, jitter: float
) -> list[DeliveryStatus | None]:
    """Log the attempts and move their deliveries on; None for one whose lease was lost meanwhile. The caller commits.

    Successes are recorded together (a handful of statements for the lot) and first, so a success clears the
    subscription's `failing_since` before a failure in the same group could count towards disabling it.

    A subscription deleted while its delivery was in flight takes the delivery with it: the deliveries still there
    are locked first (the API's delete locks them the same way), and an attempt is logged only for those.
    """
    ids = [r.claimed.delivery_id for r in results]
    still_there = set(session.execute(select(DELIVERY.c.id).where(DELIVERY.c.id.in_(ids)).with_for_update()).scalars())
    gone = [r for r in results if r.claimed.delivery_id not in still_there]
    results = [r for r in results if r.claimed.delivery_id in still_there]
    if not results:
        return [None] * len(gone)
    session.execute(
        insert(ATTEMPT),
        [
            {
                "id": uuid.uuid4(),
                "delivery_id": r.claimed.delivery_id,
                "subscription_id": r.claimed.subscription_id,
                "attempted_at": r.attempted_at,
                "status_code": r.status_code,
                "duration_ms": r.duration_ms,
                "error": r.error,
                "worker": worker[:100],
            }
            for r in results
        ],
    )
    delivered = [r for r in results if outcome_of(r.status_code) is AttemptOutcome.DELIVERED]
    statuses = _record_delivered(session, delivered, worker) if delivered else {}
    for result in results:
        if result not in delivered:
            statuses[result.claimed.delivery_id] = _record_failed(session, result, worker, now, jitter)
    return [statuses.get(delivery_id) for delivery_id in ids]


def _ours(worker: str, leased_until: datetime):  # type: ignore[no-untyped-def]
    """Still leased to this worker by this claim: the fence against a worker whose lease ran out."""
    return and_(
        DELIVERY.c.status == DeliveryStatus.DELIVERING,
        DELIVERY.c.leased_by == worker,
        DELIVERY.c.leased_until == leased_until,
    )


def _record_delivered(
    session: Session, results: list[AttemptResult], worker: str
) -> dict[uuid.UUID, DeliveryStatus | None]:
    by_lease: dict[datetime, list[AttemptResult]] = {}
    for result in results:  # one pass, one lease; grouped all the same in case a caller mixes passes
        by_lease.setdefault(result.claimed.leased_until, []).append(result)
    ours: set[uuid.UUID] = set()
    for leased_until, group in by_lease.items():
        ids = [r.claimed.delivery_id for r in group]
        at = case({r.claimed.delivery_id: literal(r.attempted_at, UTCDateTime()) for r in group}, value=DELIVERY.c.id)
        code = case({r.claimed.delivery_id: r.status_code for r in group}, value=DELIVERY.c.id)
        changed = session.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id.in_(ids), _ours(worker, leased_until))
            .values(
                status=DeliveryStatus.DELIVERED,
                delivered_at=at,
                last_status_code=code,
                last_error=None,
                attempt_count=DELIVERY.c.attempt_count + 1,
                leased_until=None,
                leased_by=None,
            )
            .returning(DELIVERY.c.id)
        )
        ours.update(changed.scalars())
    succeeded = {r.claimed.subscription_id for r in results if r.claimed.delivery_id in ours}
    if succeeded:
        session.execute(
            update(SUBSCRIPTION)
            .where(SUBSCRIPTION.c.id.in_(succeeded), SUBSCRIPTION.c.failing_since.is_not(None))
            .values(failing_since=None)
        )
    return {r.claimed.delivery_id: DeliveryStatus.DELIVERED if r.claimed.delivery_id in ours else None for r in results}


def _record_failed(
    session: Session, result: AttemptResult, worker: str, now: datetime, jitter: float
) -> DeliveryStatus | None:
    claimed = result.claimed
    attempts = claimed.attempt_count + 1
    gone = outcome_of(result.status_code) is AttemptOutcome.GONE
    delay = None if gone else retry_delay(attempts, jitter)
    status = DeliveryStatus.FAILED if delay is None else DeliveryStatus.PENDING
    values: dict = {
        "status": status,
        "attempt_count": attempts,
        "last_status_code": result.status_code,
        "last_error": result.error,
        "leased_until": None,
        "leased_by": None,
    }
    if delay is not None:
        values["next_attempt_at"] = now + delay
    mine = and_(DELIVERY.c.id == claimed.delivery_id, _ours(worker, claimed.leased_until))
    if session.execute(update(DELIVERY).where(mine).values(**values)).rowcount == 0:
        return None  # the lease ran out and another worker took the delivery: its answer will count
    subscription = SUBSCRIPTION.c.id == claimed.subscription_id
    session.execute(
        update(SUBSCRIPTION)
        .where(subscription, SUBSCRIPTION.c.failing_since.is_(None))
        .values(failing_since=result.attempted_at)
    )
    if gone:
        disable(session, claimed, DisabledReason.ENDPOINT_GONE, now)
    elif status is DeliveryStatus.FAILED:
        failing_since = session.execute(select(SUBSCRIPTION.c.failing_since).where(subscription)).scalar_one()
        if should_disable(failing_since, now):
            disable(session, claimed, DisabledReason.PERSISTENT_FAILURE, now)
    return status


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
