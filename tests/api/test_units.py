"""Units (afdelinger, dagplejere) over HTTP: what an administrator or a provider's leader meets."""

from __future__ import annotations

from sqlmodel import Session, func, select

from api.tables import Unit
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM


def units_url(provider_id) -> str:
    return f"/api/v1/providers/{provider_id}/units"


def unit_count(db: Session, provider_id) -> int:
    return db.exec(select(func.count()).select_from(Unit).where(Unit.provider_id == provider_id)).one()


def test_admin_creates_a_unit_with_location_and_etag(client, world: World):
    admin = world.headers(Role.ADMIN)
    response = client.post(
        units_url(world.provider.id),
        json={"name": "Vuggestuen", "kind": "department", "street": "Bakkevej 4", "postal_code": "7120"},
        headers=admin,
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["provider_id"] == str(world.provider.id)
    assert body["status"] == "active"
    assert body["postal_code"] == "7120"
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(f"/api/v1/units/{body['id']}")
    again = client.get(response.headers["location"], headers=admin)
    assert again.status_code == 200
    assert again.json()["name"] == "Vuggestuen"
    assert again.headers["etag"] == '"1"'


def test_units_are_listed_by_name_a_page_at_a_time(client, world: World, db: Session):
    names = ["Cirklen", "Ankeret", "Bølgen"]
    for name in names:
        factories.unit(db, world.provider, name=name)
    factories.unit(db, world.other_provider, name="Anden udbyders afdeling")
    admin = world.headers(Role.ADMIN)

    first = client.get(units_url(world.provider.id), params={"limit": 2}, headers=admin)
    assert first.status_code == 200
    assert [u["name"] for u in first.json()["items"]] == ["Ankeret", "Bølgen"]
    cursor = first.json()["next_cursor"]
    assert cursor
    assert 'rel="next"' in first.headers["link"]

    second = client.get(units_url(world.provider.id), params={"limit": 2, "cursor": cursor}, headers=admin)
    assert [u["name"] for u in second.json()["items"]] == ["Cirklen"]
    assert second.json()["next_cursor"] is None
    assert "link" not in second.headers


def test_a_unit_is_updated_with_if_match(client, world: World):
    admin = world.headers(Role.ADMIN)
    unit = client.post(units_url(world.provider.id), json={"name": "Gammelt navn", "kind": "department"}, headers=admin)
    url = unit.headers["location"]
    etag = unit.headers["etag"]

    without = client.patch(url, json={"name": "Nyt navn"}, headers=admin)
    assert without.status_code == 428

    updated = client.patch(url, json={"name": "Nyt navn", "city": "Fjordby"}, headers={**admin, "If-Match": etag})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Nyt navn"
    assert updated.json()["city"] == "Fjordby"
    assert updated.json()["kind"] == "department"  # omitted fields are kept
    assert updated.headers["etag"] != etag

    stale = client.patch(url, json={"name": "Forældet"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url, headers=admin).json()["name"] == "Nyt navn"


def test_a_unit_is_closed_with_date_and_reason_and_only_once(client, world: World):
    admin = world.headers(Role.ADMIN)
    unit = client.post(units_url(world.provider.id), json={"name": "Naturbasen", "kind": "department"}, headers=admin)
    url = unit.headers["location"]
    closing = {"closed_on": "2026-07-31", "reason": "Flyttet til hovedhuset"}

    closed = client.post(f"{url}/close", json=closing, headers={**admin, "If-Match": unit.headers["etag"]})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed"
    assert closed.json()["closed_on"] == "2026-07-31"
    assert closed.json()["closing_reason"] == "Flyttet til hovedhuset"

    again = client.post(f"{url}/close", json=closing, headers={**admin, "If-Match": "*"})
    assert again.status_code == 409
    assert again.json()["type"] == "urn:tilsyn:problem:conflict"

    active = client.get(units_url(world.provider.id), params={"status": "active"}, headers=admin).json()["items"]
    assert unit.json()["id"] not in {u["id"] for u in active}


def test_another_municipalitys_unit_is_invisible(client, world: World, db: Session):
    foreign = factories.unit(db, world.neighbour_provider)
    admin = world.headers(Role.ADMIN)

    read = client.get(f"/api/v1/units/{foreign.id}", headers=admin)
    assert read.status_code == 404
    assert read.headers["content-type"] == PROBLEM
    assert read.json()["type"] == "urn:tilsyn:problem:not-found"
    assert client.get(units_url(world.neighbour_provider.id), headers=admin).status_code == 404
    patched = client.patch(f"/api/v1/units/{foreign.id}", json={"name": "Kapret"}, headers={**admin, "If-Match": "*"})
    assert patched.status_code == 404
    created = client.post(
        units_url(world.neighbour_provider.id), json={"name": "X", "kind": "department"}, headers=admin
    )
    assert created.status_code == 404
    assert unit_count(db, world.neighbour_provider.id) == 1


def test_a_leader_reads_their_own_providers_units_only(client, world: World, db: Session):
    own = factories.unit(db, world.provider)
    other = factories.unit(db, world.other_provider)
    leader = world.headers(Role.LEADER)

    listed = client.get(units_url(world.provider.id), headers=leader)
    assert listed.status_code == 200
    assert [u["id"] for u in listed.json()["items"]] == [str(own.id)]
    assert client.get(f"/api/v1/units/{own.id}", headers=leader).status_code == 200

    assert client.get(f"/api/v1/units/{other.id}", headers=leader).status_code == 404
    assert client.get(units_url(world.other_provider.id), headers=leader).status_code == 404


def test_staff_may_not_create_a_unit(client, world: World, db: Session):
    response = client.post(
        units_url(world.provider.id), json={"name": "Skjult", "kind": "department"}, headers=world.headers(Role.STAFF)
    )
    assert response.status_code == 403
    assert response.json()["type"] == "urn:tilsyn:problem:forbidden"
    assert "units:write" in response.json()["detail"]
    assert unit_count(db, world.provider.id) == 0


def test_a_closed_provider_gets_no_new_units(client, world: World, db: Session):
    closed = factories.provider(db, world.municipality, status="closed")
    response = client.post(
        units_url(closed.id), json={"name": "For sent", "kind": "department"}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:tilsyn:problem:conflict"
    assert unit_count(db, closed.id) == 0


def test_an_invalid_postal_code_is_422_naming_the_field(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    for bad in ("123", "0100", "71OO"):
        response = client.post(
            units_url(world.provider.id), json={"name": "Afd", "kind": "department", "postal_code": bad}, headers=admin
        )
        assert response.status_code == 422, bad
        assert response.headers["content-type"] == PROBLEM
        errors = {e["location"]: e for e in response.json()["errors"]}
        assert set(errors) == {"body.postal_code"}, bad
        assert "postal code" in errors["body.postal_code"]["detail"]
        assert errors["body.postal_code"]["pointer"] == "/postal_code"
    assert unit_count(db, world.provider.id) == 0


def test_a_postal_code_in_full_width_digits_is_refused(client, world: World, db: Session):
    response = client.post(
        units_url(world.provider.id),
        json={"name": "Afd", "kind": "department", "postal_code": "７１００"},
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422, response.text
    assert [e["location"] for e in response.json()["errors"]] == ["body.postal_code"]
    assert unit_count(db, world.provider.id) == 0
