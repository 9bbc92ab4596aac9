"""Users over HTTP: an administrator creating, changing and deactivating the people who sign in."""

from __future__ import annotations

import json

from sqlmodel import Session, func, select

from api.tables import AuditEvent, UserAccount
from domain.access import Role
from tests.api.conftest import World

PROBLEM = "application/problem+json"
PASSWORD = "korrekt-hest-batteri"


def new_user(**overrides):
    return {
        "email": "ny.leder@fjordby.example",
        "full_name": "Ny Leder",
        "role": "leader",
        "password": PASSWORD,
        **overrides,
    }


def user_count(db: Session) -> int:
    return db.exec(select(func.count()).select_from(UserAccount)).one()


def sign_in(client, email: str, password: str):
    return client.post("/api/v1/auth/token", data={"grant_type": "password", "username": email, "password": password})


def assert_no_secrets(user_json: dict) -> None:
    assert "password" not in user_json
    assert "password_hash" not in user_json


def test_admin_creates_a_leader_of_a_provider(client, world: World):
    response = client.post(
        "/api/v1/users", json=new_user(provider_id=str(world.provider.id)), headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["role"] == "leader"
    assert body["provider_id"] == str(world.provider.id)
    assert body["municipality_id"] == str(world.municipality.id)
    assert body["is_active"] is True
    assert_no_secrets(body)
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(f"/api/v1/users/{body['id']}")
    again = client.get(response.headers["location"], headers=world.headers(Role.ADMIN))
    assert again.status_code == 200
    assert again.json()["email"] == "ny.leder@fjordby.example"
    assert_no_secrets(again.json())


def test_a_leader_without_a_provider_is_422_naming_provider_id(client, world: World, db: Session):
    before = user_count(db)
    response = client.post("/api/v1/users", json=new_user(), headers=world.headers(Role.ADMIN))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [e["location"] for e in response.json()["errors"]] == ["body.provider_id"]
    assert user_count(db) == before


def test_a_supervisor_with_a_provider_is_422_naming_provider_id(client, world: World, db: Session):
    before = user_count(db)
    response = client.post(
        "/api/v1/users",
        json=new_user(role="supervisor", provider_id=str(world.provider.id)),
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.provider_id"]
    assert user_count(db) == before


def test_a_leader_of_the_neighbours_provider_is_422(client, world: World, db: Session):
    before = user_count(db)
    response = client.post(
        "/api/v1/users",
        json=new_user(provider_id=str(world.neighbour_provider.id)),
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.provider_id"]
    assert user_count(db) == before


def test_a_duplicate_email_is_409_whatever_its_case(client, world: World, db: Session):
    existing = world.users[Role.SUPERVISOR].email
    before = user_count(db)
    response = client.post(
        "/api/v1/users",
        json=new_user(email=existing.upper(), role="supervisor"),
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 409
    assert response.json()["type"] == "urn:tilsyn:problem:duplicate"
    assert [e["location"] for e in response.json()["errors"]] == ["body.email"]
    assert user_count(db) == before


def test_a_password_shorter_than_12_characters_is_422(client, world: World, db: Session):
    before = user_count(db)
    response = client.post(
        "/api/v1/users", json=new_user(role="supervisor", password="kort-kode"), headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.password"]
    assert "kort-kode" not in response.text  # the refused password is not echoed back
    assert user_count(db) == before


def test_a_person_cannot_be_created_with_the_integration_role(client, world: World, db: Session):
    before = user_count(db)
    response = client.post("/api/v1/users", json=new_user(role="integration"), headers=world.headers(Role.ADMIN))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert [e["location"] for e in response.json()["errors"]] == ["body.role"]
    assert "integration" in response.json()["errors"][0]["detail"]
    assert user_count(db) == before


def test_a_person_cannot_be_given_the_integration_role(client, world: World):
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/users/{world.users[Role.SUPERVISOR].id}"
    response = client.patch(url, json={"role": "integration"}, headers={**admin, "If-Match": "*"})
    assert response.status_code == 422, response.text
    assert [e["location"] for e in response.json()["errors"]] == ["body.role"]
    assert client.get(url, headers=admin).json()["role"] == "supervisor"


def test_the_contract_offers_a_person_only_persons_roles(client):
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for name in ("UserCreate", "UserUpdate-Input" if "UserUpdate-Input" in schemas else "UserUpdate"):
        role = schemas[name]["properties"]["role"]
        offered = next(s for s in role.get("anyOf", [role]) if "enum" in s)["enum"]
        assert "integration" not in offered and "supervisor" in offered, name


def test_a_created_user_signs_in_and_nothing_shows_the_password(client, world: World):
    created = client.post(
        "/api/v1/users",
        json=new_user(email="Tilsyn.Ny@Fjordby.example", role="supervisor"),
        headers=world.headers(Role.ADMIN),
    )
    assert created.status_code == 201, created.text
    assert created.json()["email"] == "tilsyn.ny@fjordby.example"

    wrong = sign_in(client, "tilsyn.ny@fjordby.example", PASSWORD + "x")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"

    token = sign_in(client, "tilsyn.ny@fjordby.example", PASSWORD)
    assert token.status_code == 200, token.text
    assert token.json()["token_type"] == "bearer"
    assert "providers:read" in token.json()["scope"].split()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert me.status_code == 200
    assert me.json()["subject"] == created.json()["id"]
    assert me.json()["role"] == "supervisor"

    listed = client.get("/api/v1/users", headers=world.headers(Role.ADMIN)).json()["items"]
    for user_json in [created.json(), *listed]:
        assert_no_secrets(user_json)
    assert PASSWORD not in created.text
    assert "scrypt" not in created.text


def test_the_audit_trail_redacts_the_password_hash(client, world: World, db: Session):
    response = client.post("/api/v1/users", json=new_user(role="supervisor"), headers=world.headers(Role.ADMIN))
    assert response.status_code == 201, response.text
    created = response.json()
    stored_hash = db.exec(select(UserAccount.password_hash).where(UserAccount.email == created["email"])).one()
    assert stored_hash

    trail = client.get(
        "/api/v1/audit-events", params={"entity_id": created["id"]}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    event = next(e for e in trail if e["action"] == "users-create")
    assert event["changes"]["password_hash"] == [None, "<redacted>"]
    assert event["changes"]["email"] == [None, created["email"]]
    assert stored_hash not in json.dumps(trail)
    stored = db.exec(select(AuditEvent).where(AuditEvent.entity_id == created["id"])).all()
    assert all(stored_hash not in json.dumps(e.changes) for e in stored)


def test_an_admin_sets_a_password_the_user_signs_in_with_and_the_trail_redacts_it(client, world: World, db: Session):
    admin = world.headers(Role.ADMIN)
    supervisor = world.users[Role.SUPERVISOR]
    assert sign_in(client, supervisor.email, PASSWORD).status_code == 400  # no password yet
    changed = client.patch(
        f"/api/v1/users/{supervisor.id}", json={"password": PASSWORD}, headers={**admin, "If-Match": "*"}
    )
    assert changed.status_code == 200, changed.text
    assert_no_secrets(changed.json())
    assert PASSWORD not in changed.text

    token = sign_in(client, supervisor.email, PASSWORD)
    assert token.status_code == 200, token.text
    assert set(token.json()) == {"access_token", "token_type", "expires_in", "scope"}
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"})
    assert me.json()["subject"] == str(supervisor.id)

    stored_hash = db.exec(select(UserAccount.password_hash).where(UserAccount.id == supervisor.id)).one()
    trail = client.get("/api/v1/audit-events", params={"entity_id": str(supervisor.id)}, headers=admin).json()
    event = next(e for e in trail["items"] if e["action"] == "users-update")
    assert event["changes"]["password_hash"] == [None, "<redacted>"]
    assert stored_hash not in json.dumps(trail)


def test_changing_a_users_role_needs_if_match_and_takes_effect_at_once(client, world: World):
    admin = world.headers(Role.ADMIN)
    supervisor = world.users[Role.SUPERVISOR]
    url = f"/api/v1/users/{supervisor.id}"
    etag = client.get(url, headers=admin).headers["etag"]

    assert client.patch(url, json={"role": "committee"}, headers=admin).status_code == 428
    changed = client.patch(url, json={"role": "committee"}, headers={**admin, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "committee"
    assert changed.headers["etag"] != etag
    assert_no_secrets(changed.json())

    stale = client.patch(url, json={"role": "admin"}, headers={**admin, "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(url, headers=admin).json()["role"] == "committee"
    # The same (old) token now carries the new role, because the database decides, not the token.
    me = client.get("/api/v1/me", headers=world.headers(Role.SUPERVISOR)).json()
    assert me["role"] == "committee"
    assert "audit:read" not in me["permissions"]


def test_moving_a_leader_to_a_municipality_wide_role_drops_the_provider(client, world: World):
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/users/{world.users[Role.LEADER].id}"
    changed = client.patch(url, json={"role": "supervisor"}, headers={**admin, "If-Match": "*"})
    assert changed.status_code == 200, changed.text
    assert changed.json()["provider_id"] is None


def test_an_admin_cannot_deactivate_themself(client, world: World, db: Session):
    admin_user = world.users[Role.ADMIN]
    admin = world.headers(Role.ADMIN)
    response = client.post(f"/api/v1/users/{admin_user.id}/deactivate", headers={**admin, "If-Match": "*"})
    assert response.status_code == 409
    assert response.json()["type"] == "urn:tilsyn:problem:conflict"
    assert client.get("/api/v1/me", headers=admin).status_code == 200
    db.expire_all()
    assert db.get(UserAccount, admin_user.id).is_active is True


def test_deactivating_a_user_makes_their_token_401(client, world: World):
    staff_headers = world.headers(Role.STAFF)
    assert client.get("/api/v1/me", headers=staff_headers).status_code == 200
    admin = world.headers(Role.ADMIN)
    url = f"/api/v1/users/{world.users[Role.STAFF].id}"
    etag = client.get(url, headers=admin).headers["etag"]

    response = client.post(f"{url}/deactivate", headers={**admin, "If-Match": etag})
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False

    refused = client.get("/api/v1/me", headers=staff_headers)
    assert refused.status_code == 401
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["type"] == "urn:tilsyn:problem:unauthenticated"
    inactive = client.get("/api/v1/users", params={"active": "false"}, headers=admin).json()["items"]
    assert [u["id"] for u in inactive] == [str(world.users[Role.STAFF].id)]


def test_a_supervisor_may_not_list_users(client, world: World):
    response = client.get("/api/v1/users", headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert "users:read" in response.json()["detail"]


def test_users_are_filtered_by_role(client, world: World):
    admin = world.headers(Role.ADMIN)
    leaders = client.get("/api/v1/users", params={"role": "leader"}, headers=admin)
    assert leaders.status_code == 200
    assert [u["id"] for u in leaders.json()["items"]] == [str(world.users[Role.LEADER].id)]
    everyone = client.get("/api/v1/users", headers=admin).json()["items"]
    assert {u["id"] for u in everyone} == {str(u.id) for u in world.users.values()}
    assert client.get("/api/v1/users", params={"role": "king"}, headers=admin).status_code == 422


def test_the_neighbours_users_are_invisible(client, world: World):
    admin = world.headers(Role.ADMIN)
    read = client.get(f"/api/v1/users/{world.neighbour_admin.id}", headers=admin)
    assert read.status_code == 404
    assert read.json()["type"] == "urn:tilsyn:problem:not-found"
    patched = client.patch(
        f"/api/v1/users/{world.neighbour_admin.id}", json={"full_name": "Kapret"}, headers={**admin, "If-Match": "*"}
    )
    assert patched.status_code == 404
    deactivated = client.post(
        f"/api/v1/users/{world.neighbour_admin.id}/deactivate", headers={**admin, "If-Match": "*"}
    )
    assert deactivated.status_code == 404
    listed = client.get("/api/v1/users", params={"role": "admin"}, headers=admin).json()["items"]
    assert str(world.neighbour_admin.id) not in {u["id"] for u in listed}
