"""The fan-out: each event becomes a delivery for every active subscription that wants it and may read it;
the delivery log shows them with their attempts, and a delivered or failed one can be sent again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from api.clock import now
from api.outbox import NewEvent, append_events
from api.tables import IntegrationClient, WebhookAttempt, WebhookDelivery, WebhookSubscription
from domain.events import ChangeOperation, EventType
from tests.api.conftest import World
from tests.support import factories
from tests.support.visit_data import integration_client
from tests.support.webhook_subscriptions import PUBLIC_URL, SUBSCRIPTIONS

FULL = ["providers:read", "visits:read", "reports:read", "webhooks:manage"]
OCCURRED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def subscription(
    db: Session, client: IntegrationClient, event_types: list[str] | None = None, status: str = "active"
) -> WebhookSubscription:
    row = WebhookSubscription(
        municipality_id=client.municipality_id,
        client_id=client.id,
        url=PUBLIC_URL,
        event_types=event_types or [],
        status=status,
        secret="whsec_" + "A" * 43 + "=",
    )
    db.add(row)
    db.commit()
    return row


def event(world: World, event_type: EventType, aggregate_id: str | None = None, **overrides) -> NewEvent:
    values = {
        "municipality_id": world.municipality.id,
        "type": event_type.value,
        "operation": ChangeOperation.CREATED.value,
        "aggregate_type": event_type.aggregate_type.value,
        "aggregate_id": aggregate_id or str(uuid.uuid4()),
        "provider_id": world.provider.id,
        "occurred_at": OCCURRED,
    }
    return NewEvent(**(values | overrides))


def deliveries(db: Session, event_id: uuid.UUID) -> dict[uuid.UUID, WebhookDelivery]:
    return {d.subscription_id: d for d in db.exec(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id))}


def test_an_event_reaches_every_active_subscription_that_wants_it_and_whose_client_may_read_it(
    db: Session, world: World
) -> None:
    case_system = integration_client(db, world.municipality.id, FULL)
    everything = subscription(db, case_system)
    visits = subscription(db, case_system, ["visit.planned", "visit.completed"])
    reports_only = subscription(db, case_system, ["report.finalised"])
    disabled = subscription(db, case_system, status="disabled")
    revoked_client = integration_client(db, world.municipality.id, FULL)
    revoked_client.revoked_at = OCCURRED - timedelta(days=1)
    db.add(revoked_client)
    db.commit()
    revoked = subscription(db, revoked_client)
    providers_only = subscription(db, integration_client(db, world.municipality.id, ["providers:read"]))
    neighbour = subscription(db, integration_client(db, world.neighbour.id, FULL))
    planned = event(world, EventType.VISIT_PLANNED, "a6c0f4d2-0000-4000-8000-000000000001")

    [row] = append_events(db.connection(), [planned])

    found = deliveries(db, planned.id)
    assert set(found) == {everything.id, visits.id}
    assert not {reports_only.id, disabled.id, revoked.id, providers_only.id, neighbour.id} & set(found)
    delivery = found[everything.id]
    assert delivery.aggregate_key == "visit:a6c0f4d2-0000-4000-8000-000000000001"
    assert (delivery.event_position, delivery.status, delivery.attempt_count) == (row["position"], "pending", 0)
    assert delivery.next_attempt_at == OCCURRED and uuid.UUID(str(delivery.id)).version == 4


def test_scopes_decide_at_fan_out_time_so_a_scope_taken_away_stops_the_events(db: Session, world: World) -> None:
    case_system = integration_client(db, world.municipality.id, FULL)
    reports = subscription(db, case_system, ["report.finalised"])
    first = event(world, EventType.REPORT_FINALISED)
    append_events(db.connection(), [first])
    case_system.scopes = ["providers:read", "webhooks:manage"]
    db.add(case_system)
    db.commit()
    second = event(world, EventType.REPORT_FINALISED)

    append_events(db.connection(), [second])

    assert set(deliveries(db, first.id)) == {reports.id} and deliveries(db, second.id) == {}


def test_a_concern_notice_reaches_no_integration_client_even_one_whose_scopes_list_it(
    db: Session, world: World
) -> None:
    listed = integration_client(db, world.municipality.id, [*FULL, "concerns:read"])  # not an integration scope
    subscription(db, listed)
    notice = event(world, EventType.CONCERN_NOTICE_RECEIVED)

    append_events(db.connection(), [notice])

    assert deliveries(db, notice.id) == {}


def test_a_disabled_subscription_is_told_only_to_its_own_client_s_other_subscriptions(
    db: Session, world: World
) -> None:
    owner = integration_client(db, world.municipality.id, FULL)
    failing = subscription(db, owner, status="disabled")
    sibling = subscription(db, owner)
    stranger = subscription(db, integration_client(db, world.municipality.id, FULL))
    disabled = event(world, EventType.WEBHOOK_SUBSCRIPTION_DISABLED, str(failing.id), provider_id=None)

    append_events(db.connection(), [disabled])

    assert set(deliveries(db, disabled.id)) == {sibling.id}
    assert stranger.id not in deliveries(db, disabled.id)


def test_several_events_fan_out_together_each_to_its_subscribers(db: Session, world: World) -> None:
    case_system = integration_client(db, world.municipality.id, FULL)
    visits = subscription(db, case_system, ["visit.planned"])
    everything = subscription(db, case_system)
    planned, created = event(world, EventType.VISIT_PLANNED), event(world, EventType.PROVIDER_CREATED)

    append_events(db.connection(), [planned, created])

    assert set(deliveries(db, planned.id)) == {visits.id, everything.id}
    assert set(deliveries(db, created.id)) == {everything.id}


def test_the_delivery_log_shows_each_event_its_state_and_every_attempt(
    client: TestClient, db: Session, world: World
) -> None:
    case_system = integration_client(db, world.municipality.id, FULL)
    row = subscription(db, case_system)
    planned, completed = event(world, EventType.VISIT_PLANNED), event(world, EventType.VISIT_COMPLETED)
    append_events(db.connection(), [planned])
    append_events(db.connection(), [completed])
    failed = deliveries(db, planned.id)[row.id]
    failed.status, failed.attempt_count, failed.last_status_code = "failed", 2, 503
    db.add(failed)
    for n, code in enumerate((500, 503)):
        at = OCCURRED + timedelta(minutes=n)
        db.add(WebhookAttempt(delivery_id=failed.id, subscription_id=row.id, attempted_at=at, status_code=code))
    db.commit()
    headers = factories.client_headers(world.settings, case_system)

    everything = client.get(f"{SUBSCRIPTIONS}/{row.id}/deliveries", headers=headers)
    only_failed = client.get(f"{SUBSCRIPTIONS}/{row.id}/deliveries", params={"status": "failed"}, headers=headers)
    paged = client.get(f"{SUBSCRIPTIONS}/{row.id}/deliveries", params={"limit": 1}, headers=headers)

    assert everything.status_code == 200, everything.text
    # (A new subscription's own `webhook_subscription.created` is in its log too: the first delivery it gets.)
    items = {i["event_id"]: i for i in everything.json()["items"] if i["event_type"].startswith("visit.")}
    assert set(items) == {str(planned.id), str(completed.id)}
    assert items[str(planned.id)]["event_type"] == "visit.planned"
    assert items[str(planned.id)]["status"] == "failed" and items[str(planned.id)]["last_status_code"] == 503
    assert [a["status_code"] for a in items[str(planned.id)]["attempts"]] == [500, 503]
    assert items[str(completed.id)]["status"] == "pending" and items[str(completed.id)]["attempts"] == []
    assert items[str(completed.id)]["next_attempt_at"] is not None
    assert [i["event_id"] for i in only_failed.json()["items"]] == [str(planned.id)]
    assert {i["event_type"] for i in everything.json()["items"]} == {
        "visit.planned",
        "visit.completed",
        "webhook_subscription.created",
    }
    assert len(paged.json()["items"]) == 1 and paged.json()["next_cursor"]


def test_a_failed_delivery_is_redelivered_with_the_same_webhook_id_and_a_fresh_schedule(
    app, client: TestClient, db: Session, world: World
) -> None:
    instant = OCCURRED + timedelta(days=2)
    app.dependency_overrides[now] = lambda: instant
    case_system = integration_client(db, world.municipality.id, FULL)
    row = subscription(db, case_system)
    planned = event(world, EventType.VISIT_PLANNED)
    append_events(db.connection(), [planned])
    delivery = deliveries(db, planned.id)[row.id]
    pending_url = f"{SUBSCRIPTIONS}/{row.id}/deliveries/{delivery.id}/redeliveries"
    headers = factories.client_headers(world.settings, case_system)
    still_pending = client.post(pending_url, headers=headers)
    delivery.status, delivery.attempt_count, delivery.last_error = "failed", 12, "connection refused"
    db.add(delivery)
    db.commit()

    response = client.post(pending_url, headers=headers)

    assert still_pending.status_code == 409
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["event_id"], body["status"], body["attempt_count"]) == (str(planned.id), "pending", 0)
    assert datetime.fromisoformat(body["next_attempt_at"]) == instant
    db.refresh(delivery)
    assert delivery.status == "pending" and delivery.next_attempt_at == instant


def test_another_client_s_or_another_subscription_s_delivery_is_not_found(
    client: TestClient, db: Session, world: World
) -> None:
    owner = integration_client(db, world.municipality.id, FULL)
    row, other_row = subscription(db, owner), subscription(db, owner)
    planned = event(world, EventType.VISIT_PLANNED)
    append_events(db.connection(), [planned])
    delivery = deliveries(db, planned.id)[row.id]
    delivery.status = "delivered"
    db.add(delivery)
    db.commit()
    stranger = factories.client_headers(world.settings, integration_client(db, world.municipality.id, FULL))
    neighbour_admin = factories.headers_for(world.settings, world.neighbour_admin)

    for headers in (stranger, neighbour_admin):
        response = client.post(f"{SUBSCRIPTIONS}/{row.id}/deliveries/{delivery.id}/redeliveries", headers=headers)
        assert response.status_code == 404
    wrong_subscription = f"{SUBSCRIPTIONS}/{other_row.id}/deliveries/{delivery.id}/redeliveries"
    assert client.post(wrong_subscription, headers=factories.client_headers(world.settings, owner)).status_code == 404
