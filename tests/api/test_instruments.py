"""Observation instruments over HTTP: a municipality imports its licensed definition as a new version."""

from __future__ import annotations

from api.services.instruments import ensure_demo_instrument
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM

INSTRUMENTS = "/api/v1/instruments"


def local_instrument(**overrides):
    """A small valid definition: two areas, three themes, five items."""

    def scale():
        return {"min": 1, "max": 7, "allows_not_observed": True}

    return {
        "key": "fjordby-lokal",
        "version": "2026",
        "name": "Fjordbys lokale observationsredskab",
        "areas": [
            {
                "key": "rum",
                "name": "Rum og materialer",
                "themes": [
                    {
                        "key": "inde",
                        "name": "Indendørs",
                        "items": [{"key": "inde_1", "text": "Zoner", "scale": scale()}],
                    },
                    {
                        "key": "ude",
                        "name": "Udendørs",
                        "items": [
                            {"key": "ude_1", "text": "Legeplads", "scale": scale()},
                            {"key": "ude_2", "scale": {"min": 0, "max": 3}},
                        ],
                    },
                ],
            },
            {
                "key": "samspil",
                "name": "Samspil",
                "themes": [
                    {
                        "key": "voksen_barn",
                        "name": "Voksen-barn",
                        "items": [
                            {"key": "vb_1", "text": "Nærvær", "scale": scale()},
                            {"key": "vb_2", "text": "Sprog", "scale": scale()},
                        ],
                    }
                ],
            },
        ],
        **overrides,
    }


def test_an_admin_imports_an_instrument_and_everyone_in_the_municipality_reads_it(client, world: World):
    created = client.post(INSTRUMENTS, json=local_instrument(), headers=world.headers(Role.ADMIN))
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"].endswith(f"/api/v1/instruments/{body['id']}")
    assert body["item_count"] == 5
    assert body["created_by"] == world.users[Role.ADMIN].full_name
    assert body["areas"][0]["themes"][1]["items"][1]["scale"] == {"min": 0, "max": 3, "allows_not_observed": True}

    for role in (Role.SUPERVISOR, Role.LEADER, Role.PARENT_BOARD, Role.COMMITTEE):
        read = client.get(created.headers["location"], headers=world.headers(role))
        assert read.status_code == 200, role
        assert read.json()["areas"] == body["areas"]
    listed = client.get(INSTRUMENTS, headers=world.headers(Role.SUPERVISOR)).json()
    assert [(i["key"], i["version"], i["item_count"]) for i in listed["items"]] == [("fjordby-lokal", "2026", 5)]
    assert "areas" not in listed["items"][0]


def test_a_broken_definition_is_refused_with_every_problem_located(client, world: World):
    broken = local_instrument()
    themes = broken["areas"][0]["themes"]
    themes[0]["items"][0]["scale"] = {"min": 5, "max": 5}  # min must be below max
    themes[1]["items"][0]["key"] = "inde_1"  # the same item key twice
    broken["areas"][1]["themes"] = []  # an area without themes
    broken["name"] = "   "  # blank after trimming
    response = client.post(INSTRUMENTS, json=broken, headers=world.headers(Role.ADMIN))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    errors = {e["location"]: e for e in response.json()["errors"]}
    assert set(errors) == {
        "body.name",
        "body.areas.0.themes.0.items.0.scale",
        "body.areas.0.themes.1.items.0.key",
        "body.areas.1.themes",
    }
    assert errors["body.areas.0.themes.1.items.0.key"]["pointer"] == "/areas/0/themes/1/items/0/key"
    assert "inde_1" in errors["body.areas.0.themes.1.items.0.key"]["detail"]
    assert client.get(INSTRUMENTS, headers=world.headers(Role.ADMIN)).json()["items"] == []


def test_a_score_that_is_not_a_whole_number_is_refused_where_it_is(client, world: World):
    broken = local_instrument()
    broken["areas"][1]["themes"][0]["items"][1]["scale"]["max"] = "syv"
    response = client.post(INSTRUMENTS, json=broken, headers=world.headers(Role.ADMIN))
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.areas.1.themes.0.items.1.scale.max"]


def test_the_same_version_again_is_a_duplicate_but_a_new_version_is_kept_beside_it(client, world: World):
    admin = world.headers(Role.ADMIN)
    assert client.post(INSTRUMENTS, json=local_instrument(), headers=admin).status_code == 201
    again = client.post(INSTRUMENTS, json=local_instrument(name="Andet navn"), headers=admin)
    assert again.status_code == 409
    assert again.json()["type"] == "urn:tilsyn:problem:duplicate"
    assert client.post(INSTRUMENTS, json=local_instrument(version="2027"), headers=admin).status_code == 201
    assert client.post(INSTRUMENTS, json=local_instrument(key="andet"), headers=admin).status_code == 201

    versions = client.get(INSTRUMENTS, params={"key": "fjordby-lokal"}, headers=admin).json()["items"]
    assert [v["version"] for v in versions] == ["2026", "2027"]


def test_only_the_administration_imports(client, world: World):
    for role in (Role.SUPERVISOR, Role.LEADER, Role.COMMITTEE):
        response = client.post(INSTRUMENTS, json=local_instrument(), headers=world.headers(role))
        assert response.status_code == 403, role


def test_another_municipalitys_instrument_does_not_exist_for_you(client, world: World):
    theirs = client.post(
        INSTRUMENTS, json=local_instrument(), headers=factories.headers_for(world.settings, world.neighbour_admin)
    )
    assert theirs.status_code == 201
    assert client.get(theirs.headers["location"], headers=world.headers(Role.ADMIN)).status_code == 404
    assert client.get(INSTRUMENTS, headers=world.headers(Role.ADMIN)).json()["items"] == []
    # The neighbour's key and version are free here: instruments belong to one municipality.
    assert client.post(INSTRUMENTS, json=local_instrument(), headers=world.headers(Role.ADMIN)).status_code == 201


def test_the_demo_instrument_is_stored_once_and_listed_with_the_others(client, db, world: World):
    first = ensure_demo_instrument(db, world.municipality.id)
    again = ensure_demo_instrument(db, world.municipality.id)
    db.commit()
    assert first.id == again.id
    admin = world.headers(Role.ADMIN)
    client.post(INSTRUMENTS, json=local_instrument(), headers=admin)

    page = client.get(INSTRUMENTS, params={"limit": 1}, headers=admin)
    assert [i["key"] for i in page.json()["items"]] == ["demo"]
    assert page.json()["items"][0]["item_count"] == len(list(DEMO_INSTRUMENT.items()))
    rest = client.get(INSTRUMENTS, params={"limit": 1, "cursor": page.json()["next_cursor"]}, headers=admin).json()
    assert [i["key"] for i in rest["items"]] == ["fjordby-lokal"]
    assert rest["next_cursor"] is None
    demo = client.get(f"{INSTRUMENTS}/{first.id}", headers=admin).json()
    assert [a["name"] for a in demo["areas"]] == ["Fysiske omgivelser", "Relationer", "Leg og aktivitet"]
