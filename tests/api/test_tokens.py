"""Bearer tokens on /api/v1/me: every way a token can be forged, stale or misdirected is a 401 problem."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from jose import jwt
from sqlmodel import Session

from api.config import Settings
from api.deps import current_settings
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM

ME = "/api/v1/me"
WRONG_SECRET = "a-different-secret-that-is-also-long-enough-987654"


def claims_for(settings: Settings, user_id: object, **overrides: Any) -> dict[str, Any]:
    """Claims a local user token carries; an override of None removes the claim."""
    now = int(time.time())
    values: dict[str, Any] = {
        "sub": str(user_id),
        "typ": "user",
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": now,
        "exp": now + 600,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "urn:tilsyn:problem:unauthenticated"


def test_a_correctly_signed_token_is_accepted(client, world: World, settings: Settings):
    user = world.users[Role.SUPERVISOR]
    token = jwt.encode(claims_for(settings, user.id), settings.secret_key, algorithm="HS256")
    response = client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == str(user.id)
    assert response.json()["kind"] == "user"


def test_an_unsigned_alg_none_token_is_401(client, world: World, settings: Settings):
    header = b64url({"alg": "none", "typ": "JWT"})
    payload = b64url(claims_for(settings, world.users[Role.ADMIN].id))
    assert_unauthenticated(client.get(ME, headers=bearer(f"{header}.{payload}.")))


@pytest.mark.parametrize("secret", [WRONG_SECRET, "short-key"], ids=["other-secret", "other-short-key"])
def test_a_token_signed_with_another_key_is_401(client, world: World, settings: Settings, secret: str):
    token = jwt.encode(claims_for(settings, world.users[Role.ADMIN].id), secret, algorithm="HS256")
    assert_unauthenticated(client.get(ME, headers=bearer(token)))


@pytest.mark.parametrize(
    "overrides",
    [
        {"exp": int(time.time()) - 60, "iat": int(time.time()) - 3600},
        {"aud": "some-other-api"},
        {"iss": "someone-else"},
        {"exp": None},
    ],
    ids=["expired", "wrong-audience", "wrong-issuer", "no-exp"],
)
def test_a_token_with_bad_claims_is_401(client, world: World, settings: Settings, overrides: dict[str, Any]):
    token = jwt.encode(claims_for(settings, world.users[Role.ADMIN].id, **overrides), settings.secret_key, "HS256")
    assert_unauthenticated(client.get(ME, headers=bearer(token)))


def test_a_token_accepted_before_stops_working_the_second_it_expires(
    client, world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    # Verified tokens are remembered (api.security); expiry must still be checked on every request.
    now = time.time()
    token = jwt.encode(claims_for(settings, world.users[Role.ADMIN].id, exp=int(now) + 30), settings.secret_key)
    assert client.get(ME, headers=bearer(token)).status_code == 200
    monkeypatch.setattr("api.security.time.time", lambda: now + 31)
    assert_unauthenticated(client.get(ME, headers=bearer(token)))


def test_a_token_is_refused_once_the_signing_key_is_rotated(client, app, world: World, settings: Settings):
    token = jwt.encode(claims_for(settings, world.users[Role.ADMIN].id), settings.secret_key, algorithm="HS256")
    assert client.get(ME, headers=bearer(token)).status_code == 200
    rotated = settings.model_copy(update={"secret_key": WRONG_SECRET})
    app.dependency_overrides[current_settings] = lambda: rotated
    assert_unauthenticated(client.get(ME, headers=bearer(token)))


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_only_hs256_is_accepted_even_with_the_right_secret(client, world: World, settings: Settings, algorithm: str):
    token = jwt.encode(claims_for(settings, world.users[Role.ADMIN].id), settings.secret_key, algorithm=algorithm)
    assert_unauthenticated(client.get(ME, headers=bearer(token)))


def test_a_string_that_is_not_a_jwt_is_401(client, world: World):
    assert_unauthenticated(client.get(ME, headers=bearer("not-a-jwt")))


def test_a_deactivated_users_unexpired_token_stops_working_at_once(client, world: World, db: Session):
    user = world.users[Role.SUPERVISOR]
    headers = world.headers(Role.SUPERVISOR)
    assert client.get(ME, headers=headers).status_code == 200
    user.is_active = False
    db.add(user)
    db.commit()
    assert_unauthenticated(client.get(ME, headers=headers))


def test_a_neighbour_municipalitys_token_cannot_read_our_provider(client, world: World):
    headers = factories.headers_for(world.settings, world.neighbour_admin)
    response = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert response.status_code == 404
    assert response.json()["type"] == "urn:tilsyn:problem:not-found"
    assert client.get(f"/api/v1/providers/{world.provider.id}", headers=world.headers(Role.ADMIN)).status_code == 200
