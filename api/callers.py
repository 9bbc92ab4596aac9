"""Who is calling: a bearer token verified and its caller found (or remembered), as a Principal.

The FastAPI dependencies around this (the token from the request, the guards) are in api/deps.py.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, replace
from functools import lru_cache

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import bindparam
from sqlmodel import Session, select

import api.db
from api.audit import AuditContext, set_audit_context
from api.caller_cache import CALLERS, KnownCaller
from api.config import AuthMode, Settings
from api.principal import Principal, PrincipalKind, cached_permissions, principal_of_user
from api.schemas.identity import MunicipalityRead
from api.security import JwksCache, TokenError, decode_token
from api.tables import IntegrationClient, Municipality, UserAccount
from domain.access import Role
from domain.errors import DomainError, ErrorCode

ON_BEHALF_OF_HEADER = "X-On-Behalf-Of"
# In the request session's info: the caller's municipality, loaded with the caller (see `_with_municipality`).
CALLER_MUNICIPALITY = "tilsyn_caller_municipality"


def unauthenticated(detail: str) -> DomainError:
    return DomainError(ErrorCode.UNAUTHENTICATED, detail)


@lru_cache
def _jwks_cache(url: str, ttl: int) -> JwksCache:
    return JwksCache(url, ttl)


def jwks_for(settings: Settings) -> JwksCache | None:
    if settings.auth_mode is not AuthMode.OIDC or not settings.oidc_jwks_url:
        return None
    return _jwks_cache(settings.oidc_jwks_url, settings.oidc_jwks_cache_seconds)


def _uuid_claim(claims: dict, name: str) -> uuid.UUID | None:
    value = claims.get(name)
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise unauthenticated(f"The token's `{name}` claim is not an id.") from exc


def _caller_statement(table: type[UserAccount] | type[IntegrationClient]):  # type: ignore[no-untyped-def]
    return (
        select(table, Municipality)
        .join(Municipality, Municipality.id == table.municipality_id)  # type: ignore[arg-type]
        .where(table.id == bindparam("subject_id"))
    )


# Built once: constructing and cache-keying the statement cost more than running it (about 0.3 ms a request).
_CALLER_STATEMENTS = {
    UserAccount: _caller_statement(UserAccount),
    IntegrationClient: _caller_statement(IntegrationClient),
}


def _with_municipality(session: Session, table: type[UserAccount] | type[IntegrationClient], subject_id: uuid.UUID):  # type: ignore[no-untyped-def]
    """The account and its municipality in ONE round trip; both land in the session's identity map, so a later
    `session.get(Municipality, ...)` in the same request (GET /me) asks the database nothing."""
    row = session.exec(_CALLER_STATEMENTS[table], params={"subject_id": subject_id}).first()
    if row is None:
        return None
    # The identity map holds objects weakly: keep the municipality for the request's lifetime, or it is collected
    # at once and the next `session.get` asks the database again.
    session.info[CALLER_MUNICIPALITY] = row[1]
    return row[0]


def _local_principal(session: Session, claims: dict) -> Principal:
    # The database, not the token, is the truth about roles: a deactivated user or revoked client is out
    # at once, not when their token expires.
    kind = claims.get("typ")
    subject_id = _uuid_claim(claims, "sub")
    if kind == PrincipalKind.USER:
        user = _with_municipality(session, UserAccount, subject_id) if subject_id else None
        if user is None or not user.is_active:
            raise unauthenticated("The account behind this token is not active.")
        return principal_of_user(user)
    if kind == PrincipalKind.CLIENT:
        client = _with_municipality(session, IntegrationClient, subject_id) if subject_id else None
        if client is None or client.revoked_at is not None:
            raise unauthenticated("The integration client behind this token is revoked.")
        token_scopes = frozenset(str(claims.get("scope", "")).split())
        return Principal(
            PrincipalKind.CLIENT,
            str(client.id),
            client.name,
            Role.INTEGRATION,
            client.municipality_id,
            None,
            cached_permissions(Role.INTEGRATION, token_scopes & frozenset(client.scopes)),
        )
    raise unauthenticated("The token is of an unknown kind.")


def _external_principal(session: Session, claims: dict, settings: Settings) -> Principal:
    try:
        role = Role(claims.get(settings.oidc_role_claim))
    except ValueError as exc:
        raise unauthenticated(f"The token's `{settings.oidc_role_claim}` claim is not a tilsyn role.") from exc
    if role is Role.INTEGRATION:
        raise unauthenticated("Integration clients use client credentials, not personal sign-in.")
    code = str(claims.get(settings.oidc_municipality_claim, ""))
    municipality = session.exec(select(Municipality).where(Municipality.kommunekode == code)).first()
    if municipality is None:
        raise unauthenticated(f"No municipality with the kommunekode in `{settings.oidc_municipality_claim}`.")
    session.info[CALLER_MUNICIPALITY] = municipality
    provider_id = _uuid_claim(claims, settings.oidc_provider_claim)
    if role.is_provider_bound and provider_id is None:
        raise unauthenticated(f"A {role.value} token must name a provider in `{settings.oidc_provider_claim}`.")
    return Principal(
        PrincipalKind.EXTERNAL,
        str(claims["sub"]),
        str(claims.get(settings.oidc_name_claim, claims["sub"])),
        role,
        municipality.id,
        provider_id if role.is_provider_bound else None,
        cached_permissions(role),
    )


@dataclass(frozen=True)
class Caller:
    """A request's bearer token, before the database has said who is behind it (see `resolve_principal`).

    `session` is the request's session; None for a plain read, which opens none (api/plain_reads.py).
    """

    request: Request
    session: Session | None
    settings: Settings
    token: str


def _look_up(caller: Caller) -> KnownCaller:
    """Verify the token and find its caller in the database (the caller cache's miss)."""
    if caller.session is None:  # a plain read: a session for the look-up only
        with api.db.session_factory() as session:
            return _look_up(replace(caller, session=session))
    generation = CALLERS.generation  # before the reads: a caller changed meanwhile makes this entry unstorable
    session, settings = caller.session, caller.settings
    try:
        origin, claims = decode_token(caller.token, settings, jwks_for(settings))
    except TokenError as exc:
        raise unauthenticated(str(exc)) from exc
    if origin == "external":
        principal = _external_principal(session, claims, settings)
    else:
        principal = _local_principal(session, claims)
    municipality = MunicipalityRead.model_validate(session.info[CALLER_MUNICIPALITY])
    deadline = min(float(claims["exp"]), time.time() + settings.caller_cache_seconds)
    return KnownCaller(principal, municipality, generation, deadline)


def _cache_key(caller: Caller) -> tuple[str, ...]:
    """The caller cache's key: the token, and what verifying it depends on (a rotated key verifies nothing old)."""
    return (caller.token, *(str(getattr(caller.settings, name)) for name in _VERIFIED_WITH))


# The settings a token's verification and its caller's look-up depend on: part of the caller cache's key.
_VERIFIED_WITH = (
    "secret_key",
    "token_issuer",
    "token_audience",
    "auth_mode",
    "oidc_issuer",
    "oidc_audience",
    "oidc_jwks_url",
    "oidc_role_claim",
    "oidc_municipality_claim",
    "oidc_provider_claim",
    "oidc_name_claim",
)


def resolve_principal(caller: Caller) -> Principal:
    """Authenticate the caller (once per request) and put who they are on the session for the audit trail.

    Blocking (the database, and for external tokens perhaps the identity provider's keys), so it runs in a worker
    thread: in the thread of the first loader that needs it (`load_provider` and the others call it before they
    read their row, so a plain read makes ONE threadpool hop, not two), or in `get_principal`'s own. A caller seen
    in the last few seconds costs no database round trip (api/caller_cache.py says why that is safe).
    """
    known = getattr(caller.request.state, "principal", None)
    if known is not None:
        return known
    key = _cache_key(caller)
    remembered = CALLERS.get(key) if caller.settings.caller_cache_seconds else None
    if remembered is None:
        remembered = _look_up(caller)
        if caller.settings.caller_cache_seconds:
            CALLERS.put(key, remembered)
    return _adopt(caller, remembered)


def _adopt(caller: Caller, remembered: KnownCaller) -> Principal:
    """The request's principal from its caller: on the request's state and, with a session, its audit context."""
    request, session = caller.request, caller.session
    principal = remembered.principal
    request.state.caller_municipality = remembered.municipality
    on_behalf_of = request.headers.get(ON_BEHALF_OF_HEADER) if principal.kind is PrincipalKind.CLIENT else None
    if on_behalf_of:
        principal = replace(principal, on_behalf_of=on_behalf_of[:200])
    route = request.scope.get("route")
    if session is not None:  # a plain read has no session and writes nothing to audit
        set_audit_context(
            session,
            AuditContext(
                actor_type=principal.kind.value,
                actor_id=principal.subject,
                actor_name=principal.name,
                municipality_id=principal.municipality_id,
                action=getattr(route, "operation_id", None) or request.url.path,
                on_behalf_of=principal.on_behalf_of,
                request_id=getattr(request.state, "request_id", None),
            ),
        )
    request.state.principal = principal
    return principal


async def principal_of(caller: Caller) -> Principal:
    """`resolve_principal` from async code: inline when the caller is known or remembered, else in a thread."""
    known = getattr(caller.request.state, "principal", None)
    if known is not None:
        return known
    if caller.settings.caller_cache_seconds:
        remembered = CALLERS.get(_cache_key(caller))
        if remembered is not None:
            return _adopt(caller, remembered)  # remembered: no I/O, so no thread either
    return await run_in_threadpool(resolve_principal, caller)
