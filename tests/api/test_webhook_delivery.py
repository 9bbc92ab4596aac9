"""Delivering webhooks: every event arrives, in order per aggregate, signed, retried, and a dead endpoint disabled.

A real receiver on 127.0.0.1 and the worker in this process, on the test's database (SQLite and PostgreSQL);
the worker's clock is moved by the test, so an hour of outage or a day of retries takes no time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

import api.db
from api.clock import now as real_now
from api.config import Settings
from api.services.webhooks import delete_subscription
from api.tables import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookSubscription
from api.webhooks import queue
from api.webhooks.delivery import AttemptResult
from api.webhooks.signing import new_secret
from api.webhooks.worker import Worker
from domain.events import EventType
from domain.webhooks import DISABLE_AFTER, MAX_ATTEMPTS, DeliveryStatus, DisabledReason, SubscriptionStatus
from tests.api.conftest import World
from tests.support.webhooks import Clock, Receiver, deliver_until, event, publish, subscribe


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().up()
    yield receiver
    receiver.down()


@pytest.fixture
def worker_for(world: World) -> Iterator[Callable[..., Worker]]:
    """Workers on the test's database with a given clock; one request at a time (the database is one connection,
    and the order of requests is then exact). Closed after the test."""
    made: list[Worker] = []

    def make(clock: Callable[[], datetime], settings: Settings | None = None, **options: Any) -> Worker:
        sessions = lambda: api.db.session_factory()  # noqa: E731 - looked up per call: the test replaced it
        # The receivers listen on loopback, which only an operator's TILSYN_WEBHOOK_ALLOWED_HOSTS lets through.
        settings = settings or world.settings.model_copy(update={"webhook_allowed_hosts": ["127.0.0.1"]})
        made.append(Worker(sessions, settings, clock=clock, concurrency=1, jitter=lambda: 0.5, **options))
        return made[-1]

    yield make
    for worker in made:
        worker.close()


def deliveries(db: Session, subscription: WebhookSubscription) -> list[WebhookDelivery]:
    db.expire_all()
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
    return list(db.exec(query.order_by(WebhookDelivery.event_position)))


def test_a_receiver_down_for_an_hour_gets_every_event_once_by_id_in_order_per_aggregate(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    start = clock.now
    subscription = subscribe(db, world.municipality.id, receiver.url)
    worker = worker_for(clock)
    m = world.municipality.id
    receiver.down()  # refusing connections
    published = publish(db.connection(), subscription.id, [event(m, "a", clock.now), event(m, "b", clock.now)])
    db.commit()
    deliver_until(worker, clock, db, until=start + timedelta(minutes=20))

    receiver.answer = lambda _request: 503  # listening again, but failing
    receiver.up()
    published += publish(db.connection(), subscription.id, [event(m, "a", clock.now), event(m, "c", clock.now)])
    db.commit()
    deliver_until(worker, clock, db, until=start + timedelta(minutes=59))
    published += publish(db.connection(), subscription.id, [event(m, "b", clock.now), event(m, "a", clock.now)])
    db.commit()
    deliver_until(worker, clock, db, until=start + timedelta(hours=1))
    assert not receiver.accepted()

    receiver.answer = lambda _request: 200  # recovered
    deliver_until(worker, clock, db)

    accepted = receiver.accepted()
    assert {r.webhook_id for r in accepted} == {str(row["id"]) for row in published}
    assert min(r.timestamp for r in accepted) >= start + timedelta(hours=1) - timedelta(seconds=1)
    assert all(d.status == DeliveryStatus.DELIVERED for d in deliveries(db, subscription))
    attempts = db.exec(select(WebhookAttempt).where(WebhookAttempt.subscription_id == subscription.id)).all()
    assert {a.status_code for a in attempts} >= {None, 503, 200}  # refused, failing, then delivered
    # In order per aggregate: once an event of an aggregate is sent, no earlier one of it is ever sent again.
    position = {str(row["id"]): row["position"] for row in published}
    sent: dict[str, list[int]] = defaultdict(list)
    for request in receiver.requests:
        sent[request.envelope["data"]["id"]].append(position[request.webhook_id])
    assert set(sent) == {"a", "b", "c"}
    assert all(positions == sorted(positions) for positions in sent.values()), sent


def test_a_later_event_of_an_aggregate_waits_for_the_earlier_one(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    m = world.municipality.id
    first, second, other = publish(
        db.connection(), subscription.id, [event(m, "a", clock.now), event(m, "a", clock.now), event(m, "b", clock.now)]
    )
    db.commit()
    receiver.answer = lambda request: 503 if request.webhook_id == str(first["id"]) else 200
    worker = worker_for(clock)

    worker.run_pass()

    sent = [r.webhook_id for r in receiver.requests]
    assert sent == [str(first["id"]), str(other["id"])]  # the second event of "a" is held back
    receiver.answer = lambda _request: 200
    deliver_until(worker, clock, db)
    assert [r.webhook_id for r in receiver.accepted()] == [str(other["id"]), str(first["id"]), str(second["id"])]


def test_every_delivery_verifies_with_the_standard_webhooks_reference_implementation(
    db: Session, world: World, receiver: Receiver, worker_for
):
    subscription = subscribe(db, world.municipality.id, receiver.url)
    m = world.municipality.id
    publish(db.connection(), subscription.id, [event(m, f"v{n}", real_now()) for n in range(3)])
    db.commit()

    worker_for(real_now).run_pass()

    assert len(receiver.requests) == 3
    for request in receiver.requests:
        assert request.headers["content-type"] == "application/json"
        payload = Webhook(subscription.secret).verify(request.body, request.headers)
        assert payload["type"] == "visit.changed" and payload["data"]["id"].startswith("v")
        assert set(payload) == {"type", "timestamp", "data"}


def test_during_a_rotation_both_secrets_sign_until_the_previous_one_expires(
    db: Session, world: World, receiver: Receiver, worker_for
):
    old, new = new_secret(), new_secret()
    subscription = subscribe(
        db,
        world.municipality.id,
        receiver.url,
        secret=new,
        previous_secret=old,
        previous_secret_expires_at=real_now() + timedelta(hours=1),
    )
    m = world.municipality.id
    publish(db.connection(), subscription.id, [event(m, "during", real_now())])
    db.commit()
    worker_for(real_now).run_pass()
    [during] = receiver.requests
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)

    subscription.previous_secret_expires_at = real_now() - timedelta(seconds=1)
    db.add(subscription)
    db.commit()
    publish(db.connection(), subscription.id, [event(m, "after", real_now())])
    db.commit()
    worker_for(real_now).run_pass()
    after = receiver.requests[1]
    Webhook(new).verify(after.body, after.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(after.body, after.headers)


def test_the_webhook_id_is_the_same_on_every_retry(db: Session, world: World, receiver: Receiver, worker_for):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    [row] = publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()
    answers = iter([500, 503, 200])
    receiver.answer = lambda _request: next(answers)

    deliver_until(worker_for(clock), clock, db)

    assert [r.webhook_id for r in receiver.requests] == [str(row["id"])] * 3
    assert len({r.headers["webhook-timestamp"] for r in receiver.requests}) == 3  # the time of each attempt


def test_the_worker_checks_the_address_again_before_each_attempt_and_never_calls_loopback_unless_allowed(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)  # as if the name resolved elsewhere before
    publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()

    worker_for(clock, settings=world.settings).run_pass()  # the default settings allow no host

    assert receiver.requests == []
    [attempt] = db.exec(select(WebhookAttempt).where(WebhookAttempt.subscription_id == subscription.id)).all()
    assert attempt.status_code is None and "loopback" in (attempt.error or "")


def _disabled_events(db: Session, subscription: WebhookSubscription) -> list[OutboxEvent]:
    query = select(OutboxEvent).where(
        OutboxEvent.type == EventType.WEBHOOK_SUBSCRIPTION_DISABLED, OutboxEvent.aggregate_id == str(subscription.id)
    )
    return list(db.exec(query))


def test_a_subscription_failing_for_the_whole_schedule_is_disabled_with_an_event(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    start = clock.now
    subscription = subscribe(db, world.municipality.id, receiver.url)
    publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()
    receiver.answer = lambda _request: 500

    deliver_until(worker_for(clock), clock, db)

    [delivery] = deliveries(db, subscription)
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempt_count == MAX_ATTEMPTS
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert clock.now - start >= DISABLE_AFTER > timedelta(hours=24)
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.DISABLED
    assert subscription.disabled_reason == DisabledReason.PERSISTENT_FAILURE
    [disabled] = _disabled_events(db, subscription)
    assert disabled.payload["reason"] == DisabledReason.PERSISTENT_FAILURE
    assert disabled.municipality_id == world.municipality.id


def test_a_failed_event_is_not_enough_to_disable_while_others_succeed(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    m = world.municipality.id
    broken, _after_it = publish(db.connection(), subscription.id, [event(m, "a", clock.now), event(m, "a", clock.now)])
    db.commit()
    receiver.answer = lambda request: 500 if request.webhook_id == str(broken["id"]) else 200
    worker = worker_for(clock)
    deliver_until(worker, clock, db, until=clock.now + timedelta(hours=12))
    publish(db.connection(), subscription.id, [event(m, "b", clock.now)])  # succeeds half-way through
    db.commit()

    deliver_until(worker, clock, db)

    first, second, third = deliveries(db, subscription)
    assert first.status == DeliveryStatus.FAILED
    assert second.status == third.status == DeliveryStatus.DELIVERED  # a failed event no longer holds up its aggregate
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.ACTIVE and not _disabled_events(db, subscription)


def test_410_gone_disables_the_subscription_at_once_and_nothing_more_is_sent(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    m = world.municipality.id
    publish(db.connection(), subscription.id, [event(m, "a", clock.now), event(m, "b", clock.now)])
    db.commit()
    receiver.answer = lambda _request: 410
    worker = worker_for(clock, batch_size=1)

    deliver_until(worker, clock, db)
    publish(db.connection(), subscription.id, [event(m, "c", clock.now)])
    db.commit()
    clock.advance(timedelta(days=3))
    worker.run_pass()

    assert len(receiver.requests) == 1
    gone, waiting, later = deliveries(db, subscription)
    assert gone.status == DeliveryStatus.FAILED and gone.attempt_count == 1
    assert waiting.status == later.status == DeliveryStatus.PENDING  # kept, not sent while disabled
    db.refresh(subscription)
    assert subscription.status == SubscriptionStatus.DISABLED
    assert subscription.disabled_reason == DisabledReason.ENDPOINT_GONE
    assert subscription.disabled_at is not None and len(_disabled_events(db, subscription)) == 1


def test_a_redirect_is_not_followed_and_counts_as_a_failure(db: Session, world: World, receiver: Receiver, worker_for):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()
    receiver.answer = lambda _request: 307

    worker_for(clock).run_pass()

    [delivery] = deliveries(db, subscription)
    assert len(receiver.requests) == 1
    assert delivery.status == DeliveryStatus.PENDING and delivery.last_status_code == 307
    assert delivery.next_attempt_at > clock.now


def test_a_started_delivery_whose_lease_ran_out_is_sent_again_and_the_first_answer_is_not_counted(
    db: Session, world: World, receiver: Receiver, worker_for
):
    clock = Clock(datetime.now(UTC))
    subscription = subscribe(db, world.municipality.id, receiver.url)
    publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()
    first, second = worker_for(clock), worker_for(clock)

    def slow(_request):  # type: ignore[no-untyped-def]
        # While the first worker's request is in flight its lease runs out and the second takes the delivery.
        if len(receiver.requests) == 1:
            clock.advance(first.lease + timedelta(seconds=1))
            assert second.run_pass() == 1
        return 200

    receiver.answer = slow
    first.run_pass()

    [delivery] = deliveries(db, subscription)
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempt_count == 1
    attempts = db.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)).all()
    assert sorted(a.worker for a in attempts) == sorted([first.name, second.name])  # both are in the log


def test_a_subscription_deleted_while_its_delivery_is_in_flight_is_neither_an_error_nor_logged(
    db: Session, world: World, receiver: Receiver
):
    clock = Clock()
    subscription = subscribe(db, world.municipality.id, receiver.url)
    publish(db.connection(), subscription.id, [event(world.municipality.id, "a", clock.now)])
    db.commit()
    [claimed] = queue.claim(db, clock.now, 10, "w1", clock.now + timedelta(minutes=1))
    db.commit()

    delete_subscription(db, db.get(WebhookSubscription, subscription.id))  # the admin deletes it meanwhile
    db.commit()
    statuses = queue.record(db, [AttemptResult(claimed, clock.now, 200, 5)], "w1", clock.now, 0.5)
    db.commit()

    assert statuses == [None]
    assert db.exec(select(WebhookAttempt).where(WebhookAttempt.subscription_id == subscription.id)).all() == []
