"""FastAPI dependencies: the session, the authenticated principal, permission guards and 404 loaders."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import bindparam
from sqlmodel import Session, select

from api.audit import AuditContext, set_audit_context
from api.config import AuthMode, Settings, get_settings
from api.db import request_session
from api.principal import Principal, PrincipalKind, cached_permissions, principal_of_user
from api.security import JwksCache, TokenError, decode_token
from api.tables import (
    ActionPlan,
    ConcernNotice,
    IntegrationClient,
    IntensifiedSupervision,
    Municipality,
    Provider,
    Recommendation,
    Unit,
    UserAccount,
    Visit,
)
from domain.access import Permission, Role
from domain.errors import DomainError, ErrorCode, not_found

# scope="function": commit before the response is sent, so a failed commit is a 500, not a false success.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]


async def current_settings() -> Settings:
    """The process's settings as a dependency. `async`: a sync dependency would cost a threadpool hop per request.

    Tests override this one (`app.dependency_overrides[current_settings]`) to serve with other settings.
    """
    return get_settings()


SettingsDep = Annotated[Settings, Depends(current_settings)]

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="/api/v1/auth/token",
    scheme_name="oauth2",
    auto_error=False,
    scopes={p.value: p.description for p in Permission},
    description="Local users: the password flow. Integration clients: client credentials at the same URL.",
)
ON_BEHALF_OF_HEADER = "X-On-Behalf-Of"
# In the request session's info: the caller's municipality, loaded with the caller (see `_with_municipality`).
CALLER_MUNICIPALITY = "tilsyn_caller_municipality"


def _unauthenticated(detail: str) -> DomainError:
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
        raise _unauthenticated(f"The token's `{name}` claim is not an id.") from exc


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
            raise _unauthenticated("The account behind this token is not active.")
        return principal_of_user(user)
    if kind == PrincipalKind.CLIENT:
        client = _with_municipality(session, IntegrationClient, subject_id) if subject_id else None
        if client is None or client.revoked_at is not None:
            raise _unauthenticated("The integration client behind this token is revoked.")
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
    raise _unauthenticated("The token is of an unknown kind.")


def _external_principal(session: Session, claims: dict, settings: Settings) -> Principal:
    try:
        role = Role(claims.get(settings.oidc_role_claim))
    except ValueError as exc:
        raise _unauthenticated(f"The token's `{settings.oidc_role_claim}` claim is not a tilsyn role.") from exc
    if role is Role.INTEGRATION:
        raise _unauthenticated("Integration clients use client credentials, not personal sign-in.")
    code = str(claims.get(settings.oidc_municipality_claim, ""))
    municipality = session.exec(select(Municipality).where(Municipality.kommunekode == code)).first()
    if municipality is None:
        raise _unauthenticated(f"No municipality with the kommunekode in `{settings.oidc_municipality_claim}`.")
    session.info[CALLER_MUNICIPALITY] = municipality
    provider_id = _uuid_claim(claims, settings.oidc_provider_claim)
    if role.is_provider_bound and provider_id is None:
        raise _unauthenticated(f"A {role.value} token must name a provider in `{settings.oidc_provider_claim}`.")
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
    """A request's bearer token, before the database has said who is behind it (see `resolve_principal`)."""

    request: Request
    session: Session
    settings: Settings
    token: str


async def bearer_caller(
    request: Request, session: SessionDep, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Caller:
    """The caller's token, not yet checked. `async` and without I/O: a request with no token is refused here."""
    if not token:
        raise _unauthenticated("This endpoint needs a bearer token: POST /api/v1/auth/token to get one.")
    return Caller(request, session, settings, token)


CallerDep = Annotated[Caller, Depends(bearer_caller)]


def resolve_principal(caller: Caller) -> Principal:
    """Authenticate the caller (once per request) and put who they are on the session for the audit trail.

    Blocking (the database, and for external tokens perhaps the identity provider's keys), so it runs in a worker
    thread: in the thread of the first loader that needs it (`load_provider` and the others call it before they
    read their row, so a plain read makes ONE threadpool hop, not two), or in `get_principal`'s own.
    """
    request, session, settings = caller.request, caller.session, caller.settings
    known = getattr(request.state, "principal", None)
    if known is not None:
        return known
    try:
        origin, claims = decode_token(caller.token, settings, jwks_for(settings))
    except TokenError as exc:
        raise _unauthenticated(str(exc)) from exc
    if origin == "external":
        principal = _external_principal(session, claims, settings)
    else:
        principal = _local_principal(session, claims)
    on_behalf_of = request.headers.get(ON_BEHALF_OF_HEADER) if principal.kind is PrincipalKind.CLIENT else None
    if on_behalf_of:
        principal = replace(principal, on_behalf_of=on_behalf_of[:200])
    route = request.scope.get("route")
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


async def get_principal(caller: CallerDep) -> Principal:
    """Who is calling: at no cost when a loader already resolved it in its thread, else in a thread of its own."""
    known = getattr(caller.request.state, "principal", None)
    if known is not None:
        return known
    return await run_in_threadpool(resolve_principal, caller)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission):  # type: ignore[no-untyped-def]
    """A guard: the caller must hold `permission` (see domain/access.py's table). `async`: it does no I/O."""

    async def guard(principal: CurrentPrincipal) -> Principal:
        if not principal.can(permission):
            raise DomainError(
                ErrorCode.FORBIDDEN,
                f"Your role ({principal.role.value}) does not allow this: it needs `{permission.value}`.",
            )
        return principal

    return guard


def require_whole_municipality(permission: Permission, reads: str, own_path: str):  # type: ignore[no-untyped-def]
    """A guard for a municipality-wide view: `permission`, and not a provider-bound role, whose people read `reads`
    of their own provider only, at `own_path`. `async`: it does no I/O."""
    holds = require(permission)

    async def guard(principal: CurrentPrincipal) -> Principal:
        await holds(principal)
        if principal.role.is_provider_bound:
            raise DomainError(
                ErrorCode.FORBIDDEN,
                f"Your role ({principal.role.value}) reads {reads} of its own provider only: GET {own_path}.",
            )
        return principal

    return guard


ProviderId = Annotated[uuid.UUID, Path(description="The provider's id.")]
UnitId = Annotated[uuid.UUID, Path(description="The unit's id.")]
UserId = Annotated[uuid.UUID, Path(description="The user's id.")]


def _require_visible(session: Session, principal: Principal, provider_id: uuid.UUID | None, entity: str) -> Provider:
    """The provider; 404 unless it is in the caller's municipality and, for provider-bound roles, their own."""
    provider = session.get(Provider, provider_id) if provider_id else None
    if provider is None or provider.municipality_id != principal.municipality_id:
        raise not_found(entity)
    if not principal.sees_provider(provider.id):
        raise not_found(entity)
    return provider


def visible_provider(session: Session, principal: Principal, provider_id: uuid.UUID) -> Provider:
    """The provider, if the caller may see it; another municipality's or provider's is a 404."""
    return _require_visible(session, principal, provider_id, "provider")


def load_provider(provider_id: ProviderId, session: SessionDep, caller: CallerDep) -> Provider:
    """The provider, if the caller may see it; another municipality's or provider's is a 404."""
    return visible_provider(session, resolve_principal(caller), provider_id)


def load_unit(unit_id: UnitId, session: SessionDep, caller: CallerDep) -> Unit:
    principal = resolve_principal(caller)
    unit = session.get(Unit, unit_id)
    _require_visible(session, principal, unit.provider_id if unit else None, "unit")
    return unit


def load_user(user_id: UserId, session: SessionDep, caller: CallerDep) -> UserAccount:
    principal = resolve_principal(caller)
    user = session.get(UserAccount, user_id)
    if user is None or user.municipality_id != principal.municipality_id:
        raise not_found("user")
    return user


ProviderDep = Annotated[Provider, Depends(load_provider)]
UnitDep = Annotated[Unit, Depends(load_unit)]
UserDep = Annotated[UserAccount, Depends(load_user)]


VisitId = Annotated[uuid.UUID, Path(description="The visit's id.")]
NoticeId = Annotated[uuid.UUID, Path(description="The concern notice's id.")]
PlanId = Annotated[uuid.UUID, Path(description="The action plan's id.")]
IntensifiedId = Annotated[uuid.UUID, Path(description="The intensified supervision's id.")]
RecommendationId = Annotated[uuid.UUID, Path(description="The recommendation's id.")]


def load_visit(visit_id: VisitId, session: SessionDep, caller: CallerDep) -> Visit:
    """The visit, if visible. A planned unannounced visit does not exist for the provider's own people:
    telling them would announce it."""
    principal = resolve_principal(caller)
    visit = session.get(Visit, visit_id)
    _require_visible(session, principal, visit.provider_id if visit else None, "visit")
    if principal.role.is_provider_bound and visit.kind == "unannounced" and visit.status == "planned":
        raise not_found("visit")
    return visit


def load_notice(notice_id: NoticeId, session: SessionDep, caller: CallerDep) -> ConcernNotice:
    principal = resolve_principal(caller)
    notice = session.get(ConcernNotice, notice_id)
    _require_visible(session, principal, notice.provider_id if notice else None, "concern notice")
    return notice


def load_plan(plan_id: PlanId, session: SessionDep, caller: CallerDep) -> ActionPlan:
    principal = resolve_principal(caller)
    plan = session.get(ActionPlan, plan_id)
    _require_visible(session, principal, plan.provider_id if plan else None, "action plan")
    return plan


def load_intensified(intensified_id: IntensifiedId, session: SessionDep, caller: CallerDep) -> IntensifiedSupervision:
    principal = resolve_principal(caller)
    row = session.get(IntensifiedSupervision, intensified_id)
    _require_visible(session, principal, row.provider_id if row else None, "intensified supervision")
    return row


def load_recommendation(recommendation_id: RecommendationId, session: SessionDep, caller: CallerDep) -> Recommendation:
    principal = resolve_principal(caller)
    row = session.get(Recommendation, recommendation_id)
    _require_visible(session, principal, row.provider_id if row else None, "recommendation")
    return row


VisitDep = Annotated[Visit, Depends(load_visit)]
NoticeDep = Annotated[ConcernNotice, Depends(load_notice)]
PlanDep = Annotated[ActionPlan, Depends(load_plan)]
IntensifiedDep = Annotated[IntensifiedSupervision, Depends(load_intensified)]
RecommendationDep = Annotated[Recommendation, Depends(load_recommendation)]
