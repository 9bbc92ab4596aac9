"""The change feed (GET /changes): every create, change, close and delete the caller may see, resumable by cursor.

Events are written with api.outbox.append_events, as the flush listener does for real changes.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlmodel import Session

from api.deps import current_settings
from api.main import create_app
from api.outbox import NewEvent, append_events
from api.tables import OutboxEvent
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories, visit_data

CHANGES = "/api/v1/changes"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def only_the_events_a_test_records(db: Session, world: World) -> None:
    """Making the world's rows wrote their events (the flush listener); these tests read the events they record."""
    db.execute(delete(OutboxEvent))


def record(db: Session, world: World, type_: str, operation: str, **fields: Any) -> dict[str, Any]:
    """Append one event of the home municipality (at its own provider unless told) and return its row."""
    aggregate = type_.split(".", 1)[0]
    values: dict[str, Any] = {"aggregate_id": str(uuid.uuid4()), "provider_id": world.provider.id, **fields}
    (row,) = append_events(
        db.connection(),
        [NewEvent(values.pop("municipality_id", world.municipality.id), type_, operation, aggregate, **values)],
    )
    return row


def feed(client: TestClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = client.get(CHANGES, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def ids(page: dict[str, Any]) -> list[str]:
    return [item["aggregate_id"] for item in page["items"]]


def test_the_feed_returns_a_closure_and_a_deletion_in_order_and_resumes_after_a_restart(
    client, db: Session, world: World, settings
):
    admin = world.headers(Role.ADMIN)
    provider = str(world.provider.id)
    record(db, world, "provider.changed", "changed", aggregate_id=provider, payload={"id": provider})
    record(db, world, "provider.closed", "closed", aggregate_id=provider, payload={"id": provider})
    first = feed(client, admin, limit=2)
    assert [(i["type"], i["operation"]) for i in first["items"]] == [
        ("provider.changed", "changed"),
        ("provider.closed", "closed"),
    ]
    closed = first["items"][1]
    assert closed["href"] == f"/api/v1/providers/{provider}" and closed["provider_id"] == provider
    assert closed["payload"] == {"id": provider} and closed["position"] > first["items"][0]["position"]

    conversation = record(db, world, "conversation.deleted", "deleted")
    # A restart: a fresh application, nothing kept in memory; the cursor alone says where the poller was.
    restarted = create_app(settings)
    restarted.dependency_overrides[current_settings] = lambda: settings
    with TestClient(restarted, raise_server_exceptions=False) as fresh:
        resumed = feed(fresh, admin, cursor=first["next_cursor"])
    (deleted,) = resumed["items"]
    assert (deleted["aggregate_id"], deleted["operation"], deleted["href"]) == (
        conversation["aggregate_id"],
        "deleted",
        None,
    )
    assert deleted["id"] == str(conversation["id"])


def test_an_empty_page_still_gives_a_cursor_to_store_and_says_there_is_no_more(client, db: Session, world: World):
    page = feed(client, world.headers(Role.SUPERVISOR))
    assert page["items"] == [] and page["has_more"] is False and page["next_cursor"]
    visit = record(db, world, "visit.planned", "created")
    again = feed(client, world.headers(Role.SUPERVISOR), cursor=page["next_cursor"])
    assert ids(again) == [visit["aggregate_id"]]
    assert feed(client, world.headers(Role.SUPERVISOR), cursor=again["next_cursor"])["items"] == []


def test_a_full_page_says_there_is_more_and_links_the_next(client, db: Session, world: World):
    made = [record(db, world, "visit.planned", "created")["aggregate_id"] for _ in range(3)]
    response = client.get(CHANGES, params={"limit": 2}, headers=world.headers(Role.ADMIN))
    page = response.json()
    assert ids(page) == made[:2] and page["has_more"] is True
    assert 'rel="next"' in response.headers["link"]
    rest = feed(client, world.headers(Role.ADMIN), cursor=page["next_cursor"], limit=2)
    assert ids(rest) == made[2:] and rest["has_more"] is False


def test_another_municipalitys_events_are_never_in_the_feed(client, db: Session, world: World):
    theirs = record(db, world, "visit.planned", "created", municipality_id=world.neighbour.id)
    ours = record(db, world, "visit.planned", "created")
    assert ids(feed(client, world.headers(Role.ADMIN))) == [ours["aggregate_id"]]
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert ids(feed(client, neighbour)) == [theirs["aggregate_id"]]


def test_a_cursor_of_another_municipality_is_refused(client, db: Session, world: World):
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    cursor = feed(client, neighbour)["next_cursor"]
    response = client.get(CHANGES, params={"cursor": cursor}, headers=world.headers(Role.ADMIN))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert [e["location"] for e in response.json()["errors"]] == ["query.cursor"]


def test_a_leader_never_sees_a_hidden_event_nor_another_providers_but_sees_the_policy(
    client, db: Session, world: World
):
    unannounced = record(db, world, "visit.planned", "created", hidden_from_provider=True)
    record(db, world, "visit.planned", "created", provider_id=world.other_provider.id)
    policy = record(db, world, "policy.published", "created", provider_id=None, payload={"number": 2})
    record(db, world, "webhook_subscription.disabled", "changed", provider_id=None)
    completed = record(
        db, world, "visit.completed", "changed", aggregate_id=unannounced["aggregate_id"], hidden_from_provider=False
    )

    page = feed(client, world.headers(Role.LEADER))

    assert [(i["type"], i["aggregate_id"]) for i in page["items"]] == [
        ("policy.published", policy["aggregate_id"]),
        ("visit.completed", completed["aggregate_id"]),  # the visit appears once it is no longer a surprise
    ]
    assert page["items"][0]["href"] == "/api/v1/policy/versions/2"
    supervisor = feed(client, world.headers(Role.SUPERVISOR))
    assert len(supervisor["items"]) == 4  # every visit event and the policy; the subscription is the admin's


def test_an_integration_client_granted_visits_later_gets_the_earlier_visit_events_back_filled(
    client, db: Session, world: World
):
    case_system = visit_data.integration_client(db, world.municipality.id, ["changes:read", "providers:read"])
    provider = str(world.provider.id)
    planned = record(db, world, "visit.planned", "created", hidden_from_provider=True)
    changed = record(db, world, "provider.changed", "changed", aggregate_id=provider)
    completed = record(db, world, "visit.completed", "changed", aggregate_id=planned["aggregate_id"])
    first = feed(client, factories.client_headers(world.settings, case_system))
    assert ids(first) == [provider]  # no visit events without `visits:read`

    case_system.scopes = [*case_system.scopes, "visits:read"]  # the administration grants it
    db.add(case_system)
    db.commit()
    later = record(db, world, "visit.cancelled", "closed")
    headers = factories.client_headers(world.settings, case_system)
    backfill = feed(client, headers, cursor=first["next_cursor"], limit=1)
    rest = feed(client, headers, cursor=backfill["next_cursor"], limit=10)

    assert (ids(backfill), backfill["has_more"]) == ([planned["aggregate_id"]], True)
    assert ids(rest) == [completed["aggregate_id"], later["aggregate_id"]]  # then on from where it was
    assert changed["aggregate_id"] not in ids(rest)  # what it had is not sent again
    assert feed(client, headers, cursor=rest["next_cursor"])["items"] == []


def test_a_leader_moved_to_another_provider_gets_that_providers_earlier_events(client, db: Session, world: World):
    leader = world.users[Role.LEADER]
    theirs = record(db, world, "visit.planned", "created", provider_id=world.other_provider.id)
    before = feed(client, world.headers(Role.LEADER))
    assert theirs["aggregate_id"] not in ids(before)
    leader.provider_id = world.other_provider.id
    db.add(leader)
    db.commit()
    own_before = record(db, world, "visit.planned", "created")  # the provider the leader left
    after = feed(client, world.headers(Role.LEADER), cursor=before["next_cursor"])
    assert ids(after) == [theirs["aggregate_id"]]
    assert own_before["aggregate_id"] not in ids(after)


def test_a_wider_types_filter_back_fills_the_earlier_events_of_the_new_types(client, db: Session, world: World):
    planned = record(db, world, "visit.planned", "created")
    completed = record(db, world, "visit.completed", "changed", aggregate_id=planned["aggregate_id"])
    admin = world.headers(Role.ADMIN)
    only_completed = feed(client, admin, types="visit.completed")
    assert [i["type"] for i in only_completed["items"]] == ["visit.completed"]
    both = feed(client, admin, cursor=only_completed["next_cursor"], types=["visit.completed", "visit.planned"])
    assert [(i["type"], i["id"]) for i in both["items"]] == [("visit.planned", str(planned["id"]))]
    assert str(completed["id"]) not in [i["id"] for i in both["items"]]


def test_a_bad_cursor_or_limit_is_a_clear_problem_naming_the_parameter(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    good = feed(client, admin)["next_cursor"]
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for params, location in (
        ({"cursor": "not-a-cursor"}, "query.cursor"),
        ({"cursor": tampered}, "query.cursor"),
        ({"cursor": "x" * 5000}, "query.cursor"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 1001}, "query.limit"),
        ({"types": "visit.exploded"}, "query.types.0"),
    ):
        response = client.get(CHANGES, params=params, headers=admin)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert [e["location"] for e in response.json()["errors"]] == [location], params


def test_the_committee_reads_aggregates_and_has_no_change_feed(client, world: World):
    response = client.get(CHANGES, headers=world.headers(Role.COMMITTEE))
    assert response.status_code == 403 and "changes:read" in response.json()["detail"]
