"""External sign-in (auth_mode=oidc): RS256 tokens from the identity provider, checked against its JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient
from jose import jwk, jwt

import api.callers
from api.config import Settings
from api.deps import current_settings
from api.main import create_app
from api.security import JwksCache
from domain.access import Role, permissions_of
from tests.api.conftest import World
from tests.conftest import TEST_SECRET
from tests.support import factories
from tests.support.payloads import PROBLEM

ISSUER = "https://idp.test"
JWKS_URL = "https://idp.test/jwks"
AUDIENCE = "tilsyn"
ME = "/api/v1/me"


@dataclass
class SigningKey:
    kid: str
    private_pem: bytes
    public_pem: bytes

    @classmethod
    def generate(cls, kid: str) -> SigningKey:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private_pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return cls(kid, private_pem, public_pem)

    def public_jwk(self) -> dict[str, Any]:
        return {**jwk.construct(self.public_pem, "RS256").to_dict(), "kid": self.kid, "use": "sig"}


@dataclass
class IdentityProvider:
    """A fake identity provider: the keys it publishes, how often it was asked, and a clock we control."""

    published: list[SigningKey]
    now: float = 1000.0
    fetches: list[str] = field(default_factory=list)
    reachable: bool = True

    def fetch(self, url: str) -> dict[str, Any]:
        self.fetches.append(url)
        if not self.reachable:
            raise OSError("connection refused")
        return {"keys": [key.public_jwk() for key in self.published]}

    def clock(self) -> float:
        return self.now


_KEYS: dict[str, SigningKey] = {}


def key(kid: str) -> SigningKey:
    """RSA keys are slow to make; each kid is generated once per test session."""
    if kid not in _KEYS:
        _KEYS[kid] = SigningKey.generate(kid)
    return _KEYS[kid]


@pytest.fixture
def idp(monkeypatch: pytest.MonkeyPatch) -> IdentityProvider:
    provider = IdentityProvider(published=[key("key-1")])
    cache = JwksCache(JWKS_URL, 3600, fetch=provider.fetch, clock=provider.clock)
    monkeypatch.setattr(api.callers, "jwks_for", lambda settings: cache)
    return provider


@pytest.fixture
def oidc_settings() -> Settings:
    return Settings(
        secret_key=TEST_SECRET,
        database_url="sqlite://",
        auth_mode="oidc",
        oidc_issuer=ISSUER,
        oidc_jwks_url=JWKS_URL,
        oidc_audience=AUDIENCE,
    )


@pytest.fixture
def oidc_client(world: World, idp: IdentityProvider, oidc_settings: Settings) -> Iterator[TestClient]:
    application = create_app(oidc_settings)
    application.dependency_overrides[current_settings] = lambda: oidc_settings
    with TestClient(application, raise_server_exceptions=False) as test_client:
        yield test_client


def external_claims(world: World, **overrides: Any) -> dict[str, Any]:
    """An identity provider's claims for a supervisor of the world's municipality; None removes a claim."""
    now = int(time.time())
    values: dict[str, Any] = {
        "sub": "idp|supervisor-42",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
        "name": "Tove Tilsyn",
        "tilsyn_role": "supervisor",
        "kommunekode": world.municipality.kommunekode,
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def rs256(claims: dict[str, Any], signing_key: SigningKey, kid: str | None = None) -> dict[str, str]:
    token = jwt.encode(claims, signing_key.private_pem, algorithm="RS256", headers={"kid": kid or signing_key.kid})
    return {"Authorization": f"Bearer {token}"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hs256_by_hand(claims: dict[str, Any], secret: bytes, kid: str) -> dict[str, str]:
    """HS256 signed with `secret`, built without jose (which refuses a PEM as an HMAC key)."""
    signing_input = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode()) + "."
    signing_input += _b64(json.dumps(claims).encode())
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return {"Authorization": f"Bearer {signing_input}.{_b64(signature)}"}


def assert_unauthenticated(response) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "urn:tilsyn:problem:unauthenticated"


def test_a_valid_external_token_signs_the_person_in(oidc_client, world: World, idp: IdentityProvider):
    response = oidc_client.get(ME, headers=rs256(external_claims(world), key("key-1")))
    assert response.status_code == 200, response.text
    me = response.json()
    assert me["kind"] == "external"
    assert me["subject"] == "idp|supervisor-42"
    assert me["name"] == "Tove Tilsyn"
    assert me["role"] == "supervisor"
    assert me["municipality"]["id"] == str(world.municipality.id)
    assert me["provider_id"] is None
    assert sorted(me["permissions"]) == sorted(permissions_of(Role.SUPERVISOR))
    assert idp.fetches == [JWKS_URL]


def test_local_tokens_still_work_in_oidc_mode(oidc_client, world: World, oidc_settings: Settings):
    headers = factories.headers_for(oidc_settings, world.users[Role.ADMIN])
    response = oidc_client.get(ME, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["kind"] == "user"


def test_an_external_leader_sees_the_provider_named_in_the_token(oidc_client, world: World):
    claims = external_claims(world, tilsyn_role="leader", tilsyn_provider=str(world.provider.id))
    headers = rs256(claims, key("key-1"))
    assert oidc_client.get(ME, headers=headers).json()["provider_id"] == str(world.provider.id)
    assert oidc_client.get(f"/api/v1/providers/{world.provider.id}", headers=headers).status_code == 200
    assert oidc_client.get(f"/api/v1/providers/{world.other_provider.id}", headers=headers).status_code == 404


def test_hs256_signed_with_the_public_key_is_refused(oidc_client, world: World):
    # Algorithm confusion: a verifier that let the token pick its algorithm would check this HMAC against the
    # public key it holds for `kid` and accept a token anyone can forge.
    signing_key = key("key-1")
    headers = hs256_by_hand(external_claims(world), signing_key.public_pem, signing_key.kid)
    response = oidc_client.get(ME, headers=headers)
    assert_unauthenticated(response)
    assert "RS256" in response.json()["detail"]  # refused for its algorithm, before any key is tried


def test_a_token_signed_by_a_key_the_idp_does_not_hold_is_refused(oidc_client, world: World):
    # The right kid, but signed with another private key: only the signature gives the forgery away.
    assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2"), kid="key-1")))


def test_an_unknown_kid_refetches_once_and_accepts_a_rotated_key(oidc_client, world: World, idp: IdentityProvider):
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-1"))).status_code == 200
    assert len(idp.fetches) == 1

    idp.published = [key("key-2")]  # the identity provider rotates its signing key
    idp.now += 31
    response = oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2")))
    assert response.status_code == 200, response.text
    assert len(idp.fetches) == 2

    # A known key is served from the cache: no further fetch.
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2"))).status_code == 200
    assert len(idp.fetches) == 2


def test_unknown_kids_within_min_refresh_do_not_refetch(oidc_client, world: World, idp: IdentityProvider):
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-1"))).status_code == 200
    idp.now += 31
    assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2"))))
    assert len(idp.fetches) == 2  # the unknown kid caused one refresh

    idp.published = [key("key-1"), key("key-3")]
    idp.now += 5  # within min_refresh_seconds (30) of the last fetch
    assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world), key("key-3"))))
    assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2"))))
    assert len(idp.fetches) == 2

    idp.now += 30  # once the interval has passed, a new key is picked up
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-3"))).status_code == 200
    assert len(idp.fetches) == 3


def test_a_leader_token_without_a_provider_claim_is_refused(oidc_client, world: World):
    response = oidc_client.get(ME, headers=rs256(external_claims(world, tilsyn_role="leader"), key("key-1")))
    assert_unauthenticated(response)
    assert "tilsyn_provider" in response.json()["detail"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"aud": "some-other-service"},
        {"kommunekode": "000"},  # the factories make 100-999
        {"tilsyn_role": "superuser"},
        {"tilsyn_role": "integration"},
        {"exp": None},
        {"exp": int(time.time()) - 60, "iat": int(time.time()) - 3600},
    ],
    ids=["wrong-audience", "unknown-kommunekode", "unknown-role", "integration-role", "no-exp", "expired"],
)
def test_external_tokens_with_bad_claims_are_refused(oidc_client, world: World, overrides: dict[str, Any]):
    assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world, **overrides), key("key-1"))))


@pytest.mark.parametrize("kid", [["key-1"], {"kid": "key-1"}], ids=["list", "object"])
def test_a_kid_that_is_not_a_string_is_401_not_500(oidc_client, world: World, kid: Any):
    # The header is attacker-controlled and read before any signature check: an unhashable `kid` once
    # crashed the key lookup with a 500.
    token = jwt.encode(external_claims(world), key("key-2").private_pem, algorithm="RS256", headers={"kid": kid})
    assert_unauthenticated(oidc_client.get(ME, headers={"Authorization": f"Bearer {token}"}))


def test_a_failing_jwks_endpoint_is_not_asked_again_on_every_request(oidc_client, world: World, idp: IdentityProvider):
    # Failed refreshes count against min_refresh_seconds too; otherwise every token with an unknown kid
    # would send another request to an identity provider that is already failing.
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-1"))).status_code == 200
    idp.now += 60
    idp.reachable = False
    for _ in range(3):
        assert_unauthenticated(oidc_client.get(ME, headers=rs256(external_claims(world), key("key-2"))))
        idp.now += 1
    assert len(idp.fetches) == 2  # the first fetch and one failed refresh, not one per request


def test_known_keys_stay_trusted_while_the_identity_provider_is_down(oidc_client, world: World, idp: IdentityProvider):
    assert oidc_client.get(ME, headers=rs256(external_claims(world), key("key-1"))).status_code == 200
    idp.now += 3600 + 1  # the cached key set is past its TTL, and the refresh fails
    idp.reachable = False
    # Another token signed with the same key: the first one is remembered (api/caller_cache.py), not verified again.
    another = external_claims(world, jti="another-token")
    assert oidc_client.get(ME, headers=rs256(another, key("key-1"))).status_code == 200
    assert len(idp.fetches) == 2  # it did try to refresh, once
