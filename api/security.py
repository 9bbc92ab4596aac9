"""Tokens: the only module that imports jose.

Local tokens are HS256, signed with TILSYN_SECRET_KEY. External tokens (auth_mode=oidc) are RS256, verified
against the identity provider's JWKS. Each issuer has exactly one accepted algorithm, and `exp`, `iss`,
`aud` and `sub` are required, so `alg: none`, algorithm confusion and audience mix-ups fail closed.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from jose import JWTError, jwt

from api.config import AuthMode, Settings

LOCAL_ALGORITHM = "HS256"
EXTERNAL_ALGORITHM = "RS256"
_REQUIRED = {"require_exp": True, "require_iss": True, "require_aud": True, "require_sub": True}


class TokenError(Exception):
    """The token is missing, malformed, unsigned, expired or not meant for this service."""


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int


def issue_local_token(settings: Settings, subject: str, claims: dict[str, Any]) -> IssuedToken:
    """Sign a token for a local user or integration client."""
    now = datetime.now(UTC)
    lifetime = timedelta(minutes=settings.token_lifetime_minutes)
    payload = {
        **claims,
        "sub": subject,
        "iss": settings.token_issuer,
        "aud": settings.token_audience,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    token = jwt.encode(payload, settings.secret_key, algorithm=LOCAL_ALGORITHM)
    return IssuedToken(token, int(lifetime.total_seconds()))


def decode_token(token: str, settings: Settings, jwks: JwksCache | None = None) -> tuple[str, dict[str, Any]]:
    """Verify `token` and return ("local" | "external", its claims). Raises TokenError."""
    try:
        unverified_issuer = jwt.get_unverified_claims(token).get("iss")
    except JWTError as exc:
        raise TokenError("The token is not a well-formed JWT.") from exc

    # The unverified issuer only chooses which key and algorithm to verify with; nothing is trusted yet.
    if settings.auth_mode is AuthMode.OIDC and unverified_issuer == settings.oidc_issuer and jwks is not None:
        return "external", _decode_external(token, settings, jwks)
    claims = _verified_local_claims(token, settings.secret_key, settings.token_audience, settings.token_issuer)
    if claims["exp"] <= time.time():
        raise TokenError("The token was rejected: Signature has expired.")
    return "local", dict(claims)


@lru_cache(maxsize=4096)
def _verified_local_claims(token: str, secret_key: str, audience: str, issuer: str) -> dict[str, Any]:
    """A local token's claims once its signature, issuer and audience verified; raises TokenError.

    Cached: the same token string, key, audience and issuer always verify the same way, and a client sends its
    token with every request, so the HMAC and JSON work is done once per token instead of once per request.
    Only successes are cached (an exception is never stored), and expiry is checked again on every use by the
    caller, so a cached token stops working the second it expires. Keyed by the secret too: a rotated key
    verifies nothing the old one signed.
    """
    try:
        return jwt.decode(
            token, secret_key, algorithms=[LOCAL_ALGORITHM], audience=audience, issuer=issuer, options=_REQUIRED
        )
    except JWTError as exc:
        raise TokenError(f"The token was rejected: {exc}.") from exc


def _decode_external(token: str, settings: Settings, jwks: JwksCache) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except JWTError as exc:
        raise TokenError("The token header is not readable.") from exc
    if header.get("alg") != EXTERNAL_ALGORITHM:
        raise TokenError(f"External tokens must be signed with {EXTERNAL_ALGORITHM}.")
    key = jwks.key_for(header.get("kid"))
    try:
        return jwt.decode(
            token,
            key,
            algorithms=[EXTERNAL_ALGORITHM],
            audience=settings.oidc_audience,
            issuer=settings.oidc_issuer,
            options=_REQUIRED,
        )
    except JWTError as exc:
        raise TokenError(f"The token was rejected: {exc}.") from exc


def _fetch_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - URL is operator configuration
        return json.load(response)


class JwksCache:
    """The identity provider's signing keys, cached, and refreshed when a token names an unknown `kid`.

    Every refresh attempt, successful or not, counts against `min_refresh_seconds`, so neither a flood of
    tokens with invented key ids nor an identity provider that is down turns into a flood of requests to
    it. While it is down, the keys already held stay trusted, so people already signed in are not cut off.
    """

    def __init__(
        self,
        url: str,
        ttl_seconds: int,
        fetch: Callable[[str], dict[str, Any]] = _fetch_json,
        min_refresh_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url, self._ttl, self._fetch, self._min_refresh, self._clock = (
            url,
            ttl_seconds,
            fetch,
            min_refresh_seconds,
            clock,
        )
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = threading.Lock()

    def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            document = self._fetch(self._url)
            keys = {
                k["kid"]: k for k in document.get("keys", []) if isinstance(k, dict) and isinstance(k.get("kid"), str)
            }
        except Exception as exc:  # network, JSON, shape: the caller sees a 401, the operator sees the log
            raise TokenError("The identity provider's keys could not be fetched.") from exc
        self._keys, self._fetched_at = keys, now

    def key_for(self, kid: object) -> dict[str, Any]:
        if not isinstance(kid, str) or not kid:
            raise TokenError("The token names no usable key (`kid`).")
        with self._lock:
            now = self._clock()
            stale = self._fetched_at is None or now - self._fetched_at > self._ttl
            may_try = self._attempted_at is None or now - self._attempted_at >= self._min_refresh
            if (stale or kid not in self._keys) and may_try:
                try:
                    self._refresh(now)
                except TokenError:
                    if kid not in self._keys:
                        raise
            if kid not in self._keys:
                raise TokenError("The token is signed with a key the identity provider does not publish.")
            return self._keys[kid]
