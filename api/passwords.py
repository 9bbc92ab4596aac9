"""Password and client-secret hashing.

Passwords use scrypt (memory-hard, in the standard library's hashlib): 2**14 x 8 x 128 bytes = 16 MiB per
hash, which makes offline guessing costly on GPUs. Client secrets are 256-bit random values, so a plain
SHA-256 is enough for them and keeps the token endpoint fast for integrations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
_SCHEME = "scrypt"


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str) -> str:
    """A self-describing hash: `scrypt$n$r$p$salt$digest`, so parameters can be raised later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN, maxmem=64 * 1024**2)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """Whether `password` matches `stored`. Unknown or missing hashes never match."""
    if not stored:
        # Spend the same time as a real check, so a missing account cannot be told from a wrong password.
        hash_password(password)
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != _SCHEME:
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=64 * 1024**2,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def new_client_secret() -> str:
    """A fresh client secret, shown to the admin once."""
    return secrets.token_urlsafe(32)


def hash_client_secret(secret: str) -> str:
    return "sha256$" + hashlib.sha256(secret.encode()).hexdigest()


def verify_client_secret(secret: str, stored: str) -> bool:
    return hmac.compare_digest(hash_client_secret(secret), stored)
