"""The token endpoint (password and client credentials), integration clients, and the role table."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.passwords import hash_password
from domain.access import PERMISSIONS, Permission, Role, integration_scopes, permissions_of, render_role_table
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM, new_provider

TOKEN = "/api/v1/auth/token"
PASSWORD = "korrekt-hest-batteri-haefteklamme"
README = Path(__file__).resolve().parents[2] / "README.md"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def password_user(db: Session, world: World, role: Role = Role.LEADER, **overrides):
    provider = world.provider if role.is_provider_bound else None
    return factories.user(db, world.municipality, role, provider, password_hash=hash_password(PASSWORD), **overrides)


def sign_in(client: TestClient, username: str, password: str):
    return client.post(TOKEN, data={"grant_type": "password", "username": username, "password": password})


def create_client(client: TestClient, world: World, scopes: list[str]) -> dict:
    response = client.post(
        "/api/v1/clients", json={"name": "ESDH-journalisering", "scopes": scopes}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 201, response.text
    return response.json()


def client_token(client: TestClient, created: dict, **form: str):
    data = {
        "grant_type": "client_credentials",
        "client_id": created["client_id"],
        "client_secret": created["client_secret"],
        **form,
    }
    return client.post(TOKEN, data=data)


def assert_invalid_grant(response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["error"] == "invalid_grant"
    assert "access_token" not in response.json()


# --- the password grant ---------------------------------------------------------------------------------------


def test_the_password_grant_gives_a_token_that_works_on_me(client, world: World, db: Session):
    user = password_user(db, world, Role.LEADER)
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == world.settings.token_lifetime_minutes * 60
    leader_permissions = {p.value for p in permissions_of(Role.LEADER)}
    assert "providers:write" not in leader_permissions  # the table, not this test, decides; but it must narrow
    assert set(body["scope"].split()) == leader_permissions

    me = client.get("/api/v1/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200, me.text
    shown = me.json()
    assert shown["subject"] == str(user.id)
    assert shown["kind"] == "user"
    assert shown["role"] == "leader"
    assert shown["municipality"]["id"] == str(world.municipality.id)
    assert shown["municipality"]["kommunekode"] == world.municipality.kommunekode
    assert shown["provider_id"] == str(world.provider.id)
    assert set(shown["permissions"]) == leader_permissions


def test_the_sign_in_name_is_not_case_sensitive(client, world: World, db: Session):
    user = password_user(db, world, Role.ADMIN)
    assert sign_in(client, user.email.upper(), PASSWORD).status_code == 200


def test_a_wrong_password_is_invalid_grant(client, world: World, db: Session):
    user = password_user(db, world)
    assert_invalid_grant(sign_in(client, user.email, PASSWORD + "x"))


def test_an_unknown_user_is_invalid_grant(client, world: World):
    assert_invalid_grant(sign_in(client, "nobody@test.example", PASSWORD))


def test_a_user_without_a_password_cannot_sign_in(client, world: World):
    assert_invalid_grant(sign_in(client, world.users[Role.ADMIN].email, ""))


def test_a_deactivated_user_is_invalid_grant_even_with_the_right_password(client, world: World, db: Session):
    user = password_user(db, world, is_active=False)
    assert_invalid_grant(sign_in(client, user.email, PASSWORD))


def test_an_unsupported_grant_type_is_400_problem(client, world: World, db: Session):
    user = password_user(db, world)
    response = client.post(
        TOKEN, data={"grant_type": "authorization_code", "username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["error"] == "unsupported_grant_type"
    assert response.json()["errors"][0]["location"] == "body.grant_type"


# --- client credentials ---------------------------------------------------------------------------------------


def test_a_client_gets_a_token_with_its_secret_in_the_form(client, world: World):
    created = create_client(client, world, ["providers:read"])
    assert created["client_secret"]
    response = client_token(client, created)
    assert response.status_code == 200, response.text
    assert response.json()["scope"] == "providers:read"
    me = client.get("/api/v1/me", headers=bearer(response.json()["access_token"])).json()
    assert me["kind"] == "client"
    assert me["role"] == "integration"
    assert me["permissions"] == ["providers:read"]


def test_a_client_gets_a_token_with_http_basic(client, world: World):
    created = create_client(client, world, ["providers:read"])
    response = client.post(
        TOKEN,
        data={"grant_type": "client_credentials"},
        headers=basic(created["client_id"], created["client_secret"]),
    )
    assert response.status_code == 200, response.text
    assert client.get("/api/v1/me", headers=bearer(response.json()["access_token"])).status_code == 200


def test_a_wrong_client_secret_is_invalid_grant(client, world: World):
    created = create_client(client, world, ["providers:read"])
    assert_invalid_grant(client_token(client, created, client_secret="not-the-secret"))


def test_a_client_may_do_what_its_scopes_allow_and_nothing_more(client, world: World):
    created = create_client(client, world, ["providers:read"])
    headers = bearer(client_token(client, created).json()["access_token"])
    listed = client.get("/api/v1/providers", headers=headers)
    assert listed.status_code == 200
    assert {p["id"] for p in listed.json()["items"]} == {str(world.provider.id), str(world.other_provider.id)}
    refused = client.post("/api/v1/providers", json=new_provider(), headers=headers)
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:tilsyn:problem:forbidden"


def test_a_client_asking_for_a_scope_it_was_not_granted_is_invalid_scope(client, world: World):
    created = create_client(client, world, ["providers:read"])
    response = client_token(client, created, scope="providers:read providers:write")
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["error"] == "invalid_scope"
    assert "providers:write" in response.json()["detail"]


def test_a_client_can_narrow_its_token_to_fewer_scopes(client, world: World):
    created = create_client(client, world, ["providers:read", "providers:write"])
    response = client_token(client, created, scope="providers:read")
    assert response.status_code == 200
    headers = bearer(response.json()["access_token"])
    assert client.get("/api/v1/me", headers=headers).json()["permissions"] == ["providers:read"]
    assert client.post("/api/v1/providers", json=new_provider(), headers=headers).status_code == 403


def test_a_client_cannot_be_granted_a_scope_outside_the_integration_role(client, world: World):
    response = client.post(
        "/api/v1/clients",
        json={"name": "Revisor", "scopes": ["audit:read"]},
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [e["location"] for e in response.json()["errors"]] == ["body.scopes.0"]


def test_revoking_a_client_ends_its_tokens_and_refuses_new_ones(client, world: World):
    created = create_client(client, world, ["providers:read"])
    headers = bearer(client_token(client, created).json()["access_token"])
    assert client.get("/api/v1/providers", headers=headers).status_code == 200

    revoked = client.post(f"/api/v1/clients/{created['id']}/revoke", headers=world.headers(Role.ADMIN))
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_at"] is not None

    after = client.get("/api/v1/providers", headers=headers)
    assert after.status_code == 401
    assert after.json()["type"] == "urn:tilsyn:problem:unauthenticated"
    assert_invalid_grant(client_token(client, created))


def test_a_clients_write_is_audited_with_whom_it_acted_for(client, world: World):
    created = create_client(client, world, ["providers:read", "providers:write"])
    headers = {
        **bearer(client_token(client, created).json()["access_token"]),
        "X-On-Behalf-Of": "sagsbehandler@kommune.dk",
    }
    response = client.post("/api/v1/providers", json=new_provider(), headers=headers)
    assert response.status_code == 201, response.text

    trail = client.get(
        "/api/v1/audit-events", params={"entity_id": response.json()["id"]}, headers=world.headers(Role.ADMIN)
    )
    assert trail.status_code == 200
    (event,) = trail.json()["items"]
    assert event["action"] == "providers-create"
    assert event["actor_type"] == "client"
    assert event["actor_id"] == created["id"]
    assert event["on_behalf_of"] == "sagsbehandler@kommune.dk"


# --- the role table -------------------------------------------------------------------------------------------


def test_the_readmes_role_table_is_the_one_the_code_enforces():
    text = README.read_text(encoding="utf-8")
    start, end = "<!-- role-table:start -->", "<!-- role-table:end -->"
    assert start in text and end in text, "README.md lacks the role-table markers"
    table = text.split(start, 1)[1].split(end, 1)[0]
    assert table.strip() == render_role_table().strip()


_NO_NETWORK = "00000000-0000-4000-8000-000000000000"

# One request per permission that has no side effect and answers differently when allowed: a 422 for an empty
# body, a 200 for a read, a 428 for an update without If-Match. Forbidden is always 403 (the guard runs first).
PROBES: dict[Permission, tuple[str, str, dict | None, int]] = {
    Permission.PROVIDERS_WRITE: ("POST", "/api/v1/providers", {}, 422),
    Permission.USERS_WRITE: ("POST", "/api/v1/users", {}, 422),
    Permission.AUDIT_READ: ("GET", "/api/v1/audit-events", None, 200),
    Permission.CLIENTS_MANAGE: ("GET", "/api/v1/clients", None, 200),
    Permission.MUNICIPALITY_WRITE: ("PATCH", "/api/v1/municipality", {"name": "Ændret Kommune"}, 428),
    Permission.INDICATORS_MANAGE: ("POST", "/api/v1/indicators", {}, 422),
    Permission.CALIBRATION_READ: ("GET", "/api/v1/calibration", None, 200),
    Permission.NETWORKS_READ: ("GET", "/api/v1/networks", None, 200),
    Permission.NETWORKS_MANAGE: ("POST", "/api/v1/networks", {}, 422),
    # A network nobody is in: a role that may read networks learns only that there is none (404), others are 403.
    Permission.SHARED_MODELS_READ: ("GET", f"/api/v1/networks/{_NO_NETWORK}/shared-models", None, 404),
    Permission.SHARED_MODELS_WRITE: ("POST", f"/api/v1/networks/{_NO_NETWORK}/shared-models", {}, 422),
    Permission.COUNCIL_SUMMARIES_READ: ("GET", "/api/v1/council-summaries", None, 200),
    Permission.COUNCIL_SUMMARIES_WRITE: ("POST", "/api/v1/council-summaries", {"period_from": "no day"}, 422),
    Permission.IMPORTS_READ: ("GET", "/api/v1/imports", None, 200),
    Permission.WEBHOOKS_MANAGE: ("GET", "/api/v1/webhook-subscriptions", None, 200),
    Permission.CHANGES_READ: ("GET", "/api/v1/changes", None, 200),
    Permission.CALENDAR_READ: ("GET", "/api/v1/me/calendar-feed", None, 200),
}


@pytest.mark.parametrize("permission", list(PROBES), ids=lambda p: p.value)
def test_each_role_is_refused_exactly_what_the_permission_table_denies(
    client, world: World, db: Session, permission: Permission
):
    integration = create_client(client, world, sorted(integration_scopes()))
    credentials = {role: world.headers(role) for role in world.users}
    credentials[Role.INTEGRATION] = bearer(client_token(client, integration).json()["access_token"])
    method, url, body, allowed_status = PROBES[permission]

    seen = {role: client.request(method, url, json=body, headers=h).status_code for role, h in credentials.items()}

    expected = {role: allowed_status if role in PERMISSIONS[permission] else 403 for role in Role}
    assert seen == expected
    assert client.get("/api/v1/municipality", headers=world.headers(Role.ADMIN)).json()["version"] == (
        world.municipality.version
    )
