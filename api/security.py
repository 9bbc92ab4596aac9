"""Tokens: the only module that imports jose.

Local tokens are HS256, signed with TILSYN_SECRET_KEY. External tokens (auth_mode=oidc) are RS256, verified
against the identity provider's JWKS. Each issuer has exactly one accepted algorithm, and `exp`, `iss`,
`aud` and `sub` are required, so `alg: none`, algorithm confusion and audience mix-ups fail closed.

Local tokens are signed and verified here with the standard library's HMAC, exactly as jose does it (the same
bytes out, the same checks in the same order, the same messages): jose's import loads its RSA and EC backends
and the `cryptography` package, about 9 MiB of a worker's memory that only RS256 needs (issue 11). jose, and with
it `cryptography`, is imported only when an external token is verified.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
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

from api.config import AuthMode, Settings

LOCAL_ALGORITHM = "HS256"
EXTERNAL_ALGORITHM = "RS256"
_REQUIRED = {"require_exp": True, "require_iss": True, "require_aud": True, "require_sub": True}
_REQUIRED_CLAIMS = ("aud", "exp", "iss", "sub")  # checked in jose's order, so the first one missing is named


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
    return IssuedToken(_sign_local(payload, settings.secret_key), int(lifetime.total_seconds()))


def decode_token(token: str, settings: Settings, jwks: JwksCache | None = None) -> tuple[str, dict[str, Any]]:
    """Verify `token` and return ("local" | "external", its claims). Raises TokenError."""
    try:
        unverified_issuer = _parse(token)[1].get("iss")
    except _Malformed as exc:
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
        header, claims, signing_input, signature = _parse(token)
    except _Malformed as exc:
        raise TokenError("The token is not a well-formed JWT.") from exc
    if not header.get("alg"):
        raise _rejected("No algorithm was specified in the JWS header.")
    if header["alg"] != LOCAL_ALGORITHM:
        raise _rejected("The specified alg value is not allowed")
    if not hmac.compare_digest(signature, _hs256(secret_key, signing_input)):
        raise _rejected("Signature verification failed.")
    _check_claims(claims, audience, issuer)
    return claims


# --- HS256 with the standard library, as jose (jws.sign/verify, jwt.decode's claim checks) does it ------------


class _Malformed(ValueError):
    """Not three base64url segments with a JSON object in the header and in the payload."""


def _rejected(reason: str) -> TokenError:
    return TokenError(f"The token was rejected: {reason}.")


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _b64url_decode(segment: bytes) -> bytes:
    return base64.urlsafe_b64decode(segment + b"=" * (-len(segment) % 4))


def _hs256(secret_key: str, signing_input: bytes) -> bytes:
    return hmac.new(secret_key.encode("utf-8"), signing_input, hashlib.sha256).digest()


def _sign_local(payload: dict[str, Any], secret_key: str) -> str:
    """The compact JWS jose's `jwt.encode(payload, secret_key, algorithm="HS256")` makes, byte for byte."""
    header = json.dumps({"alg": LOCAL_ALGORITHM, "typ": "JWT"}, separators=(",", ":"), sort_keys=True)
    claims = json.dumps(payload, separators=(",", ":"))
    signing_input = _b64url(header.encode("utf-8")) + b"." + _b64url(claims.encode("utf-8"))
    return (signing_input + b"." + _b64url(_hs256(secret_key, signing_input))).decode("ascii")


def _parse(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """(header, claims, signing input, signature) of a compact JWS, nothing verified; raises _Malformed."""
    try:
        signing_input, signature_segment = token.encode("utf-8").rsplit(b".", 1)
        header_segment, claims_segment = signing_input.split(b".", 1)
        header = json.loads(_b64url_decode(header_segment).decode("utf-8"))
        claims = json.loads(_b64url_decode(claims_segment).decode("utf-8"))
        signature = _b64url_decode(signature_segment)
    except (ValueError, TypeError, binascii.Error) as exc:  # too few segments, bad base64, UTF-8 or JSON
        raise _Malformed from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise _Malformed
    return header, claims, signing_input, signature


def _whole_seconds(claims: dict[str, Any], name: str, label: str) -> int:
    try:
        return int(claims[name])
    except (ValueError, TypeError, OverflowError) as exc:  # jose lets the last two escape (a 500): a 401 here
        raise _rejected(f"{label} claim ({name}) must be an integer.") from exc


def _check_claims(claims: dict[str, Any], audience: str, issuer: str) -> None:
    """jose's jwt.decode checks with `_REQUIRED` and no leeway, in its order and with its messages."""
    for name in _REQUIRED_CLAIMS:
        if name not in claims:
            raise _rejected(f'missing required key "{name}" among claims')
    now = int(time.time())
    if "iat" in claims:
        _whole_seconds(claims, "iat", "Issued At")
    if "nbf" in claims and _whole_seconds(claims, "nbf", "Not Before") > now:
        raise _rejected("The token is not yet valid (nbf)")
    if _whole_seconds(claims, "exp", "Expiration Time") < now:
        raise _rejected("Signature has expired.")
    audiences = [claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"]
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise _rejected("Invalid claim format in token")
    if audience not in audiences:
        raise _rejected("Invalid audience")
    if claims["iss"] != issuer:
        raise _rejected("Invalid issuer")
    if not isinstance(claims["sub"], str):
        raise _rejected("Subject must be a string.")
    if "jti" in claims and not isinstance(claims["jti"], str):
        raise _rejected("JWT ID must be a string.")
    if "at_hash" in claims:
        raise _rejected("No access_token provided to compare against at_hash claim.")


def _decode_external(token: str, settings: Settings, jwks: JwksCache) -> dict[str, Any]:
    # RS256 needs jose's RSA backend and `cryptography`: imported here, so a worker without OIDC never loads them.
    from jose import JWTError, jwt

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
