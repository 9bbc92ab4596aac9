"""The conventions every endpoint keeps: problem+json errors, request ids, CORS, ETags and stable pagination."""

from __future__ import annotations

import base64
import json
import re
import uuid

from domain.access import Role
from tests.api.conftest import World
from tests.support import factories

PROBLEM = "application/problem+json"
ORIGIN = "http://localhost:5173"


def forge(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def assert_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:tilsyn:problem:{slug}"
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    return body


def locations(response) -> list[str]:
    return [e["location"] for e in response.json()["errors"]]


def test_an_unknown_path_is_404_problem_json(client, world: World):
    assert_problem(client.get("/api/v1/nope"), 404, "not-found")
    assert_problem(client.get("/api/v1/nope", headers=world.headers(Role.ADMIN)), 404, "not-found")


def test_an_unsupported_method_is_405_problem_json(client, world: World):
    response = client.delete("/api/v1/providers", headers=world.headers(Role.ADMIN))
    assert_problem(response, 405, "method-not-allowed")
    assert "DELETE" not in response.headers["allow"]
    assert client.delete("/api/v1/providers").status_code == 405  # the method is wrong whoever asks


def test_a_405_lists_every_method_the_path_supports(client, world: World):
    response = client.delete("/api/v1/providers", headers=world.headers(Role.ADMIN))
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["allow"].split(",")} == {"GET", "POST"}


def test_a_malformed_json_body_is_422_problem_json(client, world: World):
    response = client.post(
        "/api/v1/providers",
        content='{"name": "Halvfærdig",'.encode(),
        headers={**world.headers(Role.ADMIN), "Content-Type": "application/json"},
    )
    body = assert_problem(response, 422, "invalid-input")
    assert body["errors"]
    assert all(location.startswith("body") for location in locations(response))


def test_a_limit_out_of_range_is_422_naming_query_limit(client, world: World):
    admin = world.headers(Role.ADMIN)
    for limit in ("0", "1000", "-1", "many"):
        response = client.get("/api/v1/providers", params={"limit": limit}, headers=admin)
        assert_problem(response, 422, "invalid-input")
        assert locations(response) == ["query.limit"], limit
        assert response.json()["errors"][0]["pointer"] is None
    assert client.get("/api/v1/providers", params={"limit": 200}, headers=admin).status_code == 200


def test_a_forged_cursor_is_422_naming_query_cursor(client, world: World):
    admin = world.headers(Role.ADMIN)
    forged = [
        "not-a-cursor",
        "%%%",
        forge(["only one value"]),
        forge(["Børnehuset", "not-a-uuid"]),
        forge({"name": "Børnehuset"}),
        forge(["Børnehuset", None]),
    ]
    for cursor in forged:
        response = client.get("/api/v1/providers", params={"cursor": cursor}, headers=admin)
        assert_problem(response, 422, "invalid-input")
        assert locations(response) == ["query.cursor"], cursor
    audit = client.get("/api/v1/audit-events", params={"cursor": "not-a-cursor"}, headers=admin)
    assert_problem(audit, 422, "invalid-input")
    assert locations(audit) == ["query.cursor"]


def test_a_forged_cursor_with_values_of_the_wrong_shape_is_422_not_500(client, world: World):
    admin = world.headers(Role.ADMIN)
    for value in ({"a": 1}, [1, 2]):
        response = client.get("/api/v1/providers", params={"cursor": forge([value, str(uuid.uuid4())])}, headers=admin)
        assert_problem(response, 422, "invalid-input")
        assert locations(response) == ["query.cursor"]


def test_the_request_id_is_echoed_or_generated_and_problems_carry_it(client, world: World):
    sent = client.get("/healthz", headers={"X-Request-ID": "sag-2026.04_17"})
    assert sent.headers["x-request-id"] == "sag-2026.04_17"

    generated = client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", generated.headers["x-request-id"])
    assert client.get("/healthz").headers["x-request-id"] != generated.headers["x-request-id"]

    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces" + "x" * 80})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])

    problem = client.get("/api/v1/providers", headers={"X-Request-ID": "trace-42"})
    assert_problem(problem, 401, "unauthenticated")
    assert problem.json()["request_id"] == "trace-42"
    assert problem.headers["x-request-id"] == "trace-42"
    anonymous = client.get("/api/v1/nope")
    assert anonymous.json()["request_id"] == anonymous.headers["x-request-id"]


def test_liveness_and_readiness(client):
    live = client.get("/healthz")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "reachable"}


def test_cors_lets_the_configured_front_end_read_the_etag(client, world: World):
    preflight = client.options(
        "/api/v1/providers/" + str(world.provider.id),
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, if-match, content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ORIGIN
    assert "PATCH" in preflight.headers["access-control-allow-methods"]
    assert "if-match" in preflight.headers["access-control-allow-headers"].lower()

    actual = client.get(
        f"/api/v1/providers/{world.provider.id}", headers={**world.headers(Role.ADMIN), "Origin": ORIGIN}
    )
    assert actual.status_code == 200
    assert actual.headers["access-control-allow-origin"] == ORIGIN
    exposed = {h.strip().lower() for h in actual.headers["access-control-expose-headers"].split(",")}
    assert {"etag", "link", "location", "x-request-id"} <= exposed

    stranger = client.get(
        f"/api/v1/providers/{world.provider.id}",
        headers={**world.headers(Role.ADMIN), "Origin": "https://evil.example"},
    )
    assert "access-control-allow-origin" not in stranger.headers


def test_unknown_fields_in_a_body_are_refused_by_name(client, world: World):
    admin = world.headers(Role.ADMIN)
    provider = {
        "name": "Børnehuset Farven",
        "kind": "municipal_institution",
        "age_groups": ["3-5"],
        "dagtilbudsnummer": "777777",
        "street": "Farvevej 1",
        "postal_code": "7100",
        "city": "Testby",
        "colour": "grøn",
    }
    created = client.post("/api/v1/providers", json=provider, headers=admin)
    assert_problem(created, 422, "invalid-input")
    assert locations(created) == ["body.colour"]
    assert created.json()["errors"][0]["pointer"] == "/colour"

    patched = client.patch(
        f"/api/v1/providers/{world.provider.id}", json={"colour": "rød"}, headers={**admin, "If-Match": "*"}
    )
    assert locations(patched) == ["body.colour"]
    unit = client.post(
        f"/api/v1/providers/{world.provider.id}/units",
        json={"name": "Rød stue", "kind": "department", "colour": "rød"},
        headers=admin,
    )
    assert locations(unit) == ["body.colour"]


def test_if_match_star_and_lists_of_etags_are_accepted(client, world: World):
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/providers/{world.provider.id}"
    star = client.patch(url, json={"city": "Fjordby"}, headers={**admin, "If-Match": "*"})
    assert star.status_code == 200, star.text
    assert star.headers["etag"] == '"2"'
    listed = client.patch(url, json={"city": "Vejle"}, headers={**admin, "If-Match": '"7", "2"'})
    assert listed.status_code == 200, listed.text
    assert listed.json()["city"] == "Vejle"


def test_pagination_is_stable_when_a_provider_is_inserted_between_pages(client, world: World, db):
    for name in ("Alfa", "Charlie", "Echo"):
        factories.provider(db, world.municipality, name=name)
    admin = world.headers(Role.ADMIN)
    everyone = client.get("/api/v1/providers", headers=admin).json()["items"]
    before = [p["id"] for p in everyone]
    assert len(before) == 5

    first = client.get("/api/v1/providers", params={"limit": 2}, headers=admin).json()
    seen = [p["id"] for p in first["items"]]
    early = factories.provider(db, world.municipality, name="Aaa indskudt")  # sorts before the cursor
    late = factories.provider(db, world.municipality, name="Zulu indskudt")  # sorts after it
    cursor = first["next_cursor"]
    while cursor:
        page = client.get("/api/v1/providers", params={"limit": 2, "cursor": cursor}, headers=admin).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]

    assert len(seen) == len(set(seen)), "an item was listed twice"
    assert [i for i in seen if i in before] == before, "a pre-existing item was skipped or moved"
    assert str(late.id) in seen
    assert str(early.id) not in seen
