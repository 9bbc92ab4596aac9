"""The change feed end to end: real requests make the events (no event is written by hand here).

Done when 4 of issue 15: a closure (a visit cancelled) and a deletion (a webhook subscription deleted) come out of
the feed in order, and a poller resumes from its cursor after a restart; a planned unannounced visit stays out of a
leader's feed.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.deps import current_settings
from api.main import create_app
from domain.access import Role
from tests.api.conftest import World
from tests.support.visit_data import integration_client
from tests.support.webhook_subscriptions import PUBLIC_URL, SUBSCRIPTIONS, fake_dns
from tests.support.workflow import complete, hold_dialogue, observe, plan_world_visit

CHANGES = "/api/v1/changes"


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch)


def _caught_up(client: TestClient, headers: dict[str, str]) -> str:
    cursor = None
    while True:
        page = client.get(CHANGES, params={"cursor": cursor} if cursor else {}, headers=headers).json()
        cursor = page["next_cursor"]
        if not page["has_more"]:
            return cursor


def _since(client: TestClient, headers: dict[str, str], cursor: str) -> list[dict]:
    response = client.get(CHANGES, params={"cursor": cursor, "limit": 1000}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_a_cancelled_visit_and_a_deleted_subscription_come_out_of_the_feed_and_it_resumes_after_a_restart(
    client: TestClient, db: Session, world: World, settings
):
    admin = world.headers(Role.ADMIN)
    cursor = _caught_up(client, admin)
    supervisor = world.headers(Role.SUPERVISOR)
    visit = plan_world_visit(client, db, world)
    cancelled = client.post(
        f"/api/v1/visits/{visit['id']}/cancel", json={"reason": "Vandskade"}, headers={**supervisor, "If-Match": "*"}
    )
    assert cancelled.status_code == 200, cancelled.text
    case_system = integration_client(db, world.municipality.id, ["visits:read", "webhooks:manage"])
    created = client.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL, "client_id": str(case_system.id)}, headers=admin)
    assert created.status_code == 201, created.text
    deleted = client.delete(f"{SUBSCRIPTIONS}/{created.json()['id']}", headers={**admin, "If-Match": "*"})
    assert deleted.status_code == 204, deleted.text

    # A restart: a fresh application with nothing in memory; the cursor alone says where the poller was.
    restarted = create_app(settings)
    restarted.dependency_overrides[current_settings] = lambda: settings
    with TestClient(restarted, raise_server_exceptions=False) as fresh:
        items = _since(fresh, admin, cursor)

    seen = [(i["type"], i["operation"]) for i in items]
    assert seen == [
        ("visit.planned", "created"),
        ("visit.cancelled", "closed"),
        ("webhook_subscription.created", "created"),
        ("webhook_subscription.deleted", "deleted"),
    ]
    assert items[1]["aggregate_id"] == visit["id"] and items[1]["href"] == f"/api/v1/visits/{visit['id']}"
    assert items[3]["aggregate_id"] == created.json()["id"] and items[3]["href"] is None
    assert [i["position"] for i in items] == sorted(i["position"] for i in items)
    assert "secret" not in str(items) and PUBLIC_URL not in str(items)


def test_a_leader_never_learns_of_a_planned_unannounced_visit_from_the_feed_while_the_admin_does(
    client: TestClient, db: Session, world: World
):
    leader = world.headers(Role.LEADER)
    cursor = _caught_up(client, leader)
    visit = plan_world_visit(client, db, world, kind="unannounced")

    assert [i for i in _since(client, leader, cursor) if i["aggregate_id"] == visit["id"]] == []
    assert visit["id"] in {i["aggregate_id"] for i in _since(client, world.headers(Role.ADMIN), cursor)}


def test_a_concern_notice_kept_from_the_provider_while_its_visit_is_planned_is_told_to_them_when_the_visit_is_held(
    client: TestClient, db: Session, world: World
):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    notice = {
        "provider_id": str(world.provider.id),
        "received_on": "2026-11-16",
        "source": "parent",
        "summary": "Børnene er ofte alene på legepladsen om eftermiddagen.",
    }
    created = client.post("/api/v1/concern-notices", json=notice, headers=supervisor)
    assert created.status_code == 201, created.text
    notice_id = created.json()["id"]
    visit = plan_world_visit(client, db, world, kind="unannounced")
    cursor = _caught_up(client, leader)
    linked = client.post(
        f"/api/v1/concern-notices/{notice_id}/link-visit",
        json={"visit_id": visit["id"]},
        headers={**supervisor, "If-Match": '"1"'},
    )
    assert linked.status_code == 200, linked.text
    observe(client, supervisor, visit["id"], notes="Frokosten forløb roligt.")
    hold_dialogue(client, supervisor, visit["id"])
    assert _since(client, leader, cursor) == []  # neither the visit nor the notice's link to it: it is unannounced

    assert complete(client, supervisor, visit["id"]).status_code == 200
    told = [(i["type"], i["aggregate_id"]) for i in _since(client, leader, cursor)]
    assert ("concern_notice.changed", notice_id) in told and ("visit.completed", visit["id"]) in told
    (item,) = [i for i in _since(client, leader, cursor) if i["aggregate_id"] == notice_id]
    assert item["payload"]["visit_id"] == visit["id"] and item["payload"]["status"] == "visit_planned"
    assert item["href"] == f"/api/v1/concern-notices/{notice_id}"
    read = client.get(item["href"], headers=leader).json()  # what the API shows the leader now, the feed said
    assert (read["visit_id"], read["status"]) == (visit["id"], "visit_planned")
