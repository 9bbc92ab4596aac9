"""The caller's own municipality: read by everyone in it, changed only by the administration."""

from __future__ import annotations

from sqlmodel import Session

from api.tables import Municipality
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM

URL = "/api/v1/municipality"


def stored(db: Session, world: World) -> Municipality:
    db.expire_all()
    return db.get(Municipality, world.municipality.id)


def test_everyone_reads_their_own_municipality(client, world: World):
    for role in (Role.ADMIN, Role.SUPERVISOR, Role.PARENT_BOARD):
        response = client.get(URL, headers=world.headers(role))
        assert response.status_code == 200, role
        body = response.json()
        assert body["id"] == str(world.municipality.id)
        assert body["name"] == world.municipality.name
        assert body["kommunekode"] == world.municipality.kommunekode
        assert response.headers["etag"] == f'"{body["version"]}"'
    neighbour = client.get(URL, headers=factories.headers_for(world.settings, world.neighbour_admin)).json()
    assert neighbour["id"] == str(world.neighbour.id)


def test_admin_renames_the_municipality_with_if_match(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    etag = client.get(URL, headers=admin).headers["etag"]

    assert client.patch(URL, json={"name": "Fjordby Kommune"}, headers=admin).status_code == 428
    changed = client.patch(URL, json={"name": "Fjordby Kommune"}, headers={**admin, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["name"] == "Fjordby Kommune"
    assert changed.json()["kommunekode"] == world.municipality.kommunekode
    assert changed.headers["etag"] != etag
    assert client.get(URL, headers=world.headers(Role.SUPERVISOR)).json()["name"] == "Fjordby Kommune"

    stale = client.patch(URL, json={"name": "Forældet Kommune"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert stored(db, world).name == "Fjordby Kommune"


def test_a_supervisor_may_not_change_the_municipality(client, world: World, db: Session):
    name = world.municipality.name
    response = client.patch(
        URL, json={"name": "Kapret Kommune"}, headers={**world.headers(Role.SUPERVISOR), "If-Match": "*"}
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert "municipality:write" in response.json()["detail"]
    assert stored(db, world).name == name


def test_a_cvr_with_a_wrong_check_digit_is_422_naming_the_field(client, world: World, db: Session):
    before = stored(db, world).cvr
    response = client.patch(URL, json={"cvr": "12345678"}, headers={**world.headers(Role.ADMIN), "If-Match": "*"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    errors = {e["location"]: e for e in response.json()["errors"]}
    assert set(errors) == {"body.cvr"}
    assert "modulus-11" in errors["body.cvr"]["detail"]
    assert stored(db, world).cvr == before


def test_the_kommunekode_cannot_be_changed_over_the_api(client, world: World, db: Session):
    kommunekode = world.municipality.kommunekode
    other = "101" if kommunekode != "101" else "102"
    response = client.patch(URL, json={"kommunekode": other}, headers={**world.headers(Role.ADMIN), "If-Match": "*"})
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.kommunekode"]
    assert stored(db, world).kommunekode == kommunekode
