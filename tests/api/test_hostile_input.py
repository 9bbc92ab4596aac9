"""Hostile input over HTTP: text a database cannot store, bodies that are not JSON, and lengths without end.

A NUL byte was a 500 on PostgreSQL and silently stored on SQLite; here it is a 422 naming where it is, on both
databases, wherever it comes in (body, query, header, form, cursor), and nothing is written.
"""

from __future__ import annotations

import base64
import json

import pytest
from sqlmodel import Session, func, select

from api.tables import PolicyVersion, Provider, UserAccount
from domain.access import Role
from domain.policy import BAND_LABEL_MAX_LENGTH, KOLDING_DEFAULT
from tests.api.conftest import World
from tests.support.payloads import PROBLEM, new_provider

INVALID = "urn:tilsyn:problem:invalid-input"


def refused(response, *expected_locations: str) -> list[str]:
    """The response is a 422 problem naming (at least) each expected location; returns every location."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == INVALID
    found = [e["location"] for e in body["errors"]]
    for location in expected_locations:
        assert location in found, (location, found)
    return found


def count(db: Session, table) -> int:
    return db.exec(select(func.count()).select_from(table)).one()


# --- bodies ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("control", ["\u0000", "\u0001", "\u001b", "\u000b"])
def test_a_control_character_in_a_json_body_is_422_naming_the_field_and_nothing_is_written(
    client, db: Session, world: World, control: str
):
    before = count(db, Provider)
    response = client.post(
        "/api/v1/providers", json=new_provider(name=f"Børne{control}huset"), headers=world.headers(Role.ADMIN)
    )
    assert refused(response, "body.name") == ["body.name"]
    assert response.json()["errors"][0]["pointer"] == "/name"
    assert "U+00" in response.json()["errors"][0]["detail"]
    assert count(db, Provider) == before


def test_a_nul_in_a_change_leaves_the_object_as_it_was(client, db: Session, world: World):
    url = f"/api/v1/providers/{world.provider.id}"
    admin = world.headers(Role.ADMIN)
    etag = client.get(url, headers=admin).headers["ETag"]
    response = client.patch(url, json={"street": "Vej\u00001"}, headers={**admin, "If-Match": etag})
    refused(response, "body.street")
    assert client.get(url, headers=admin).json()["street"] == world.provider.street


def test_a_nul_deep_in_a_nested_body_names_its_place(client, db: Session, world: World):
    bands = KOLDING_DEFAULT.to_dict()["bands"]
    bands[2]["label_da"] = "tilstræk\u0000kelig"
    body = {"effective_from": "2099-01-01", "policy": {**KOLDING_DEFAULT.to_dict(), "bands": bands}}
    response = client.post("/api/v1/policy/versions", json=body, headers=world.headers(Role.ADMIN))
    refused(response, "body.policy.bands.2.label_da")
    assert count(db, PolicyVersion) == 0


def test_tab_line_feed_and_carriage_return_are_ordinary_text(client, world: World):
    note = "Udvalgets beslutning:\r\n\t- ny tabel"
    body = {"effective_from": "2099-01-01", "note": note, "policy": KOLDING_DEFAULT.to_dict()}
    response = client.post("/api/v1/policy/versions", json=body, headers=world.headers(Role.ADMIN))
    assert response.status_code == 201, response.text
    assert response.json()["note"] == note


def test_a_nul_in_a_form_field_of_the_token_endpoint_is_422_naming_it(client, world: World):
    form = {"grant_type": "password", "username": f"{world.users[Role.ADMIN].email}\u0000", "password": "x" * 12}
    refused(client.post("/api/v1/auth/token", data=form), "body.username")


def test_a_nul_in_http_basic_client_credentials_is_422_naming_the_header(client):
    basic = base64.b64encode(b"case-client\x00:secret").decode()
    response = client.post(
        "/api/v1/auth/token", data={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {basic}"}
    )
    assert refused(response, "header.Authorization") == ["header.Authorization"]


# --- queries, headers, cursors ---------------------------------------------------------------------------------


def test_a_nul_in_a_search_query_is_422_naming_query_q(client, world: World):
    admin = world.headers(Role.ADMIN)
    assert refused(client.get("/api/v1/providers?q=a%00b", headers=admin), "query.q") == ["query.q"]
    assert refused(client.get("/api/v1/users?q=a%00b", headers=admin), "query.q") == ["query.q"]
    assert client.get("/api/v1/providers?q=a%09b", headers=admin).status_code == 200  # a tab is harmless


def test_a_nul_in_any_query_parameter_is_422_even_one_the_route_does_not_know(client, world: World):
    admin = world.headers(Role.ADMIN)
    refused(client.get("/api/v1/providers?whatever=a%00b", headers=admin), "query.whatever")
    refused(client.get("/api/v1/providers?instrument%00key=1", headers=admin), "query.instrument\\u0000key")
    refused(client.get(f"/api/v1/providers/{world.provider.id}?status=%01", headers=admin), "query.status")


def test_the_door_refuses_before_anything_is_written(client, db: Session, world: World):
    before = count(db, Provider)
    response = client.post("/api/v1/providers?note=%00", json=new_provider(), headers=world.headers(Role.ADMIN))
    refused(response, "query.note")
    assert count(db, Provider) == before


def test_a_control_character_in_a_header_is_422_naming_the_header(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    response = client.get("/api/v1/providers", headers=[*admin.items(), ("X-Request-ID", "abc\x00def")])
    assert refused(response, "header.X-Request-ID") == ["header.X-Request-ID"]
    before = count(db, UserAccount)
    response = client.post(
        "/api/v1/users",
        json={"email": "ny@fjordby.example", "full_name": "Ny", "role": "committee", "password": "x" * 12},
        headers=[*admin.items(), ("Idempotency-Key", "key\x01")],
    )
    refused(response, "header.Idempotency-Key")
    assert count(db, UserAccount) == before


def test_a_forged_cursor_carrying_a_nul_is_422_naming_query_cursor(client, world: World):
    forged = base64.urlsafe_b64encode(json.dumps(["a\u0000", str(world.provider.id)]).encode()).decode().rstrip("=")
    response = client.get("/api/v1/providers", params={"cursor": forged}, headers=world.headers(Role.ADMIN))
    assert refused(response, "query.cursor") == ["query.cursor"]


# --- bodies that are not JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/providers"),
        ("patch", "/api/v1/municipality"),
        ("post", "/api/v1/users"),
        ("post", "/api/v1/policy/versions"),
    ],
)
def test_a_body_that_is_not_json_text_is_a_400_problem_as_documented(client, world: World, method: str, path: str):
    operation = client.get("/openapi.json").json()["paths"][path][method]
    assert "not valid JSON" in operation["responses"]["400"]["description"]
    assert PROBLEM in operation["responses"]["400"]["content"]
    headers = {**world.headers(Role.ADMIN), "Content-Type": "application/json", "If-Match": '"1"'}
    response = client.request(method.upper(), path, content='{"name": "æ"}'.encode("latin-1"), headers=headers)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:tilsyn:problem:bad-request"
    assert "not valid JSON" in response.json()["detail"]


def test_malformed_json_text_is_a_422_naming_the_body(client, world: World):
    response = client.post(
        "/api/v1/providers",
        content=b'{"name": "Halv',
        headers={**world.headers(Role.ADMIN), "Content-Type": "application/json"},
    )
    assert refused(response, "body") == ["body"]
    assert "not valid JSON" in response.json()["errors"][0]["detail"]


# --- lengths ---------------------------------------------------------------------------------------------------


def test_a_band_label_of_two_megabytes_is_refused_and_never_served_on_the_public_page(
    client, db: Session, world: World
):
    bands = KOLDING_DEFAULT.to_dict()["bands"]
    bands[1]["label_da"] = "g" * 2_000_000
    bands[3]["key"] = "k" * 2_000
    body = {"effective_from": "2099-01-01", "policy": {**KOLDING_DEFAULT.to_dict(), "bands": bands}}
    response = client.post("/api/v1/policy/versions", json=body, headers=world.headers(Role.ADMIN))
    refused(response, "body.policy.bands.1.label_da", "body.policy.bands.3.key")
    assert count(db, PolicyVersion) == 0
    public = client.get(f"/api/v1/public/municipalities/{world.municipality.kommunekode}/policy")
    assert max(len(b["label_da"]) for b in public.json()["version"]["policy"]["bands"]) <= BAND_LABEL_MAX_LENGTH
