"""The audit trail: every write shows who did what to which record, and only the administration reads it."""

from __future__ import annotations

from sqlmodel import Session, func, select

from api.tables import AuditEvent, Provider
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM, new_provider

EVENTS = "/api/v1/audit-events"


def event_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(AuditEvent)).one()


def create_patch_close(client, world: World) -> tuple[str, list[str]]:
    """Create, rename and close a provider; return its id and the request ids of the three writes."""
    admin = world.headers(Role.ADMIN)
    created = client.post("/api/v1/providers", json=new_provider(), headers=admin)
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    renamed = client.patch(
        url, json={"name": "Børnehuset Pæregården"}, headers={**admin, "If-Match": created.headers["etag"]}
    )
    assert renamed.status_code == 200, renamed.text
    closed = client.post(
        f"{url}/close",
        json={"closed_on": "2026-12-31", "reason": "Lagt sammen med Solsikken"},
        headers={**admin, "If-Match": renamed.headers["etag"]},
    )
    assert closed.status_code == 200, closed.text
    return created.json()["id"], [r.headers["x-request-id"] for r in (created, renamed, closed)]


def test_each_write_is_recorded_with_action_actor_and_changes_newest_first(client, world: World):
    provider_id, request_ids = create_patch_close(client, world)
    admin_user = world.users[Role.ADMIN]

    response = client.get(EVENTS, params={"entity_id": provider_id}, headers=world.headers(Role.ADMIN))
    assert response.status_code == 200
    events = response.json()["items"]
    assert [e["action"] for e in events] == ["providers-close", "providers-update", "providers-create"]
    assert [e["request_id"] for e in events] == list(reversed(request_ids))
    assert [e["at"] for e in events] == sorted((e["at"] for e in events), reverse=True)
    for event in events:
        assert event["actor_type"] == "user"
        assert event["actor_id"] == str(admin_user.id)
        assert event["actor_name"] == admin_user.full_name
        assert event["entity_type"] == "provider"
        assert event["entity_id"] == provider_id

    close, update, create = events
    assert create["changes"]["_verb"] == "created"
    assert create["changes"]["name"] == [None, "Børnehuset Æblegården"]
    assert create["changes"]["dagtilbudsnummer"] == [None, "654321"]
    assert update["changes"] == {"_verb": "updated", "name": ["Børnehuset Æblegården", "Børnehuset Pæregården"]}
    assert close["changes"]["_verb"] == "updated"
    assert close["changes"]["status"] == ["active", "closed"]
    assert close["changes"]["closed_on"] == [None, "2026-12-31"]
    assert close["changes"]["closing_reason"] == [None, "Lagt sammen med Solsikken"]
    assert "name" not in close["changes"]


def test_the_trail_is_filtered_by_entity_and_action(client, world: World):
    provider_id, _ = create_patch_close(client, world)
    admin = world.headers(Role.ADMIN)
    client.patch(f"/api/v1/providers/{world.provider.id}", json={"city": "Fjordby"}, headers={**admin, "If-Match": "*"})

    updates = client.get(EVENTS, params={"action": "providers-update"}, headers=admin).json()["items"]
    assert {e["entity_id"] for e in updates} == {provider_id, str(world.provider.id)}
    assert {e["action"] for e in updates} == {"providers-update"}

    one = client.get(EVENTS, params={"action": "providers-update", "entity_id": provider_id}, headers=admin).json()
    assert [e["entity_id"] for e in one["items"]] == [provider_id]

    by_type = client.get(EVENTS, params={"entity_type": "provider", "action": "providers-close"}, headers=admin)
    assert [e["entity_id"] for e in by_type.json()["items"]] == [provider_id]
    assert client.get(EVENTS, params={"action": "providers-delete"}, headers=admin).json()["items"] == []


def test_the_trail_is_paginated_newest_first(client, world: World):
    provider_id, _ = create_patch_close(client, world)
    admin = world.headers(Role.ADMIN)
    whole = client.get(EVENTS, params={"entity_id": provider_id}, headers=admin).json()["items"]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"entity_id": provider_id, "limit": 1, **({"cursor": cursor} if cursor else {})}
        page = client.get(EVENTS, params=params, headers=admin)
        assert page.status_code == 200, page.text
        seen += [e["id"] for e in page.json()["items"]]
        pages += 1
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [e["id"] for e in whole]


def test_another_municipalitys_admin_sees_none_of_it(client, world: World):
    provider_id, _ = create_patch_close(client, world)
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)

    filtered = client.get(EVENTS, params={"entity_id": provider_id}, headers=neighbour)
    assert filtered.status_code == 200
    assert filtered.json()["items"] == []
    everything = client.get(EVENTS, params={"limit": 200}, headers=neighbour).json()["items"]
    assert provider_id not in {e["entity_id"] for e in everything}
    assert str(world.users[Role.ADMIN].id) not in {e["actor_id"] for e in everything}


def test_a_supervisor_may_not_read_the_trail(client, world: World):
    response = client.get(EVENTS, headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert "audit:read" in response.json()["detail"]


def test_failed_writes_leave_no_event_and_no_change(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/providers/{world.provider.id}"
    name = world.provider.name
    before = event_count(db)

    invalid = client.patch(url, json={"name": "Nyt navn", "postal_code": "12"}, headers={**admin, "If-Match": "*"})
    assert invalid.status_code == 422
    stale = client.patch(url, json={"name": "Nyt navn"}, headers={**admin, "If-Match": '"99"'})
    assert stale.status_code == 412
    nulled = client.patch(url, json={"name": None}, headers={**admin, "If-Match": "*"})
    assert nulled.status_code == 422
    refused = client.post("/api/v1/providers", json=new_provider(postal_code="0001"), headers=admin)
    assert refused.status_code == 422

    assert event_count(db) == before
    db.expire_all()
    provider = db.get(Provider, world.provider.id)
    assert provider.name == name
    assert provider.version == 1
    assert db.exec(select(Provider).where(Provider.dagtilbudsnummer == "654321")).first() is None
    trail = client.get(EVENTS, params={"entity_id": str(world.provider.id)}, headers=admin).json()["items"]
    assert not [e for e in trail if e["action"] == "providers-update"]


def test_the_trail_is_filtered_by_time(client, world: World):
    provider_id, _ = create_patch_close(client, world)
    admin = world.headers(Role.ADMIN)
    close, update, create = client.get(EVENTS, params={"entity_id": provider_id}, headers=admin).json()["items"]

    since = client.get(EVENTS, params={"entity_id": provider_id, "since": update["at"]}, headers=admin)
    assert since.status_code == 200, since.text
    assert [e["id"] for e in since.json()["items"]] == [close["id"], update["id"]]
    until = client.get(EVENTS, params={"entity_id": provider_id, "until": update["at"]}, headers=admin)
    assert [e["id"] for e in until.json()["items"]] == [create["id"]]


def test_a_time_filter_without_a_zone_is_not_a_server_error(client, world: World):
    admin = world.headers(Role.ADMIN)
    for name, value in (("since", "2024-01-01T00:00:00"), ("until", "2024-01-01")):
        response = client.get(EVENTS, params={name: value}, headers=admin)
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            assert [e["location"] for e in response.json()["errors"]] == [f"query.{name}"]
