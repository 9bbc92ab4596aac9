"""Providers over HTTP: the rules a municipal user or integrator meets first."""

from __future__ import annotations

from sqlmodel import Session, select

from api.tables import Provider
from domain.access import Role
from tests.api.conftest import World
from tests.support.payloads import PROBLEM, new_provider


def test_without_a_token_the_answer_is_401_problem_json(client, world: World):
    response = client.get("/api/v1/providers")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "urn:tilsyn:problem:unauthenticated"


def test_staff_may_not_create_a_provider(client, world: World, db: Session):
    response = client.post("/api/v1/providers", json=new_provider(), headers=world.headers(Role.STAFF))
    assert response.status_code == 403
    assert response.json()["type"] == "urn:tilsyn:problem:forbidden"
    assert "providers:write" in response.json()["detail"]
    assert db.exec(select(Provider).where(Provider.dagtilbudsnummer == "654321")).first() is None


def test_another_municipalitys_provider_is_invisible(client, world: World):
    response = client.get(f"/api/v1/providers/{world.neighbour_provider.id}", headers=world.headers(Role.ADMIN))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:tilsyn:problem:not-found"
    listed = client.get("/api/v1/providers", headers=world.headers(Role.ADMIN)).json()["items"]
    assert world.neighbour_provider.id not in {p["id"] for p in listed}


def test_a_leader_sees_only_their_own_provider(client, world: World):
    headers = world.headers(Role.LEADER)
    listed = client.get("/api/v1/providers", headers=headers).json()["items"]
    assert [p["id"] for p in listed] == [str(world.provider.id)]
    assert client.get(f"/api/v1/providers/{world.other_provider.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/providers/{world.provider.id}", headers=headers).status_code == 200


def test_admin_creates_a_provider_and_reads_it_back(client, world: World):
    response = client.post("/api/v1/providers", json=new_provider(), headers=world.headers(Role.ADMIN))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind_label"] == "kommunal daginstitution"
    assert response.headers["etag"] == '"1"'
    again = client.get(response.headers["location"], headers=world.headers(Role.SUPERVISOR))
    assert again.json()["name"] == "Børnehuset Æblegården"


def test_an_invalid_p_number_and_unknown_kind_are_422_naming_each_field(client, world: World, db: Session):
    response = client.post(
        "/api/v1/providers",
        json=new_provider(p_number="12345", kind="kindergarten"),
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    errors = {e["location"]: e for e in response.json()["errors"]}
    assert set(errors) == {"body.p_number", "body.kind"}
    assert "10 digits" in errors["body.p_number"]["detail"]
    assert errors["body.p_number"]["pointer"] == "/p_number"
    assert db.exec(select(Provider).where(Provider.dagtilbudsnummer == "654321")).first() is None


def test_a_duplicate_dagtilbudsnummer_is_409_naming_the_field(client, world: World):
    response = client.post(
        "/api/v1/providers",
        json=new_provider(dagtilbudsnummer=world.provider.dagtilbudsnummer),
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["location"] == "body.dagtilbudsnummer"


def test_a_stale_if_match_is_412_and_changes_nothing(client, world: World, db: Session):
    url = f"/api/v1/providers/{world.provider.id}"
    admin = world.headers(Role.ADMIN)
    etag = client.get(url, headers=admin).headers["etag"]
    first = client.patch(url, json={"name": "Nyt navn"}, headers={**admin, "If-Match": etag})
    assert first.status_code == 200
    assert first.headers["etag"] != etag
    stale = client.patch(url, json={"name": "Forældet navn"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:tilsyn:problem:precondition-failed"
    assert client.get(url, headers=admin).json()["name"] == "Nyt navn"


def test_an_update_without_if_match_is_428(client, world: World):
    response = client.patch(
        f"/api/v1/providers/{world.provider.id}", json={"name": "X"}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 428


def test_closing_a_provider_closes_its_units_and_is_audited(client, world: World):
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/providers/{world.provider.id}"
    unit = client.post(f"{url}/units", json={"name": "Vuggestuen", "kind": "department"}, headers=admin).json()
    etag = client.get(url, headers=admin).headers["etag"]
    closed = client.post(
        f"{url}/close",
        json={"closed_on": "2026-12-31", "reason": "Lagt sammen med Solsikken"},
        headers={**admin, "If-Match": etag},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert client.get(f"/api/v1/units/{unit['id']}", headers=admin).json()["status"] == "closed"
    trail = client.get("/api/v1/audit-events", params={"entity_id": str(world.provider.id)}, headers=admin).json()
    close_event = next(e for e in trail["items"] if e["action"] == "providers-close")
    assert close_event["actor_id"] == str(world.users[Role.ADMIN].id)
    assert close_event["changes"]["status"] == ["active", "closed"]


def test_lists_are_keyset_paginated_with_a_link_header(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    seen, url, pages = [], "/api/v1/providers?limit=1", 0
    while url:
        response = client.get(url, headers=admin)
        seen += [p["id"] for p in response.json()["items"]]
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
        pages += 1
    assert pages == 2
    assert sorted(seen) == sorted([str(world.provider.id), str(world.other_provider.id)])
