"""FastAPI dependencies: the session, the authenticated principal, permission guards and 404 loaders."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Connection, Engine, bindparam
from sqlalchemy import select as select_rows
from sqlmodel import Session

from api.callers import (  # noqa: F401 - resolve_principal, Caller and jwks_for are used through this module too
    Caller,
    jwks_for,
    principal_of,
    resolve_principal,
    unauthenticated,
)
from api.config import Settings, get_settings
from api.db import request_session
from api.plain_reads import PlainQuery
from api.principal import Principal
from api.schemas.provider import ProviderRead
from api.tables import (
    ActionPlan,
    ConcernNotice,
    IntensifiedSupervision,
    Provider,
    Recommendation,
    Unit,
    UserAccount,
    Visit,
)
from domain.access import Permission
from domain.errors import DomainError, ErrorCode, not_found

# scope="function": commit before the response is sent, so a failed commit is a 500, not a false success.
SessionDep = Annotated[Session, Depends(request_session, scope="function")]


async def current_settings() -> Settings:
    """The process's settings as a dependency. `async`: a sync dependency would cost a threadpool hop per request.

    Tests override this one (`app.dependency_overrides[current_settings]`) to serve with other settings.
    """
    return get_settings()


SettingsDep = Annotated[Settings, Depends(current_settings)]

_BEARER_SCHEME = {
    "tokenUrl": "/api/v1/auth/token",
    "scheme_name": "oauth2",
    "auto_error": False,
    "scopes": {p.value: p.description for p in Permission},
    "description": "Local users: the password flow. Integration clients: client credentials at the same URL.",
}
oauth2_scheme = OAuth2PasswordBearer(**_BEARER_SCHEME)
BearerToken = Annotated[str | None, Depends(oauth2_scheme)]
_BEARER_NEEDED = "This endpoint needs a bearer token: POST /api/v1/auth/token to get one."


async def bearer_caller(request: Request, session: SessionDep, settings: SettingsDep, token: BearerToken) -> Caller:
    """The caller's token, not yet checked. `async` and without I/O: a request with no token is refused here."""
    if not token:
        raise unauthenticated(_BEARER_NEEDED)
    return Caller(request, session, settings, token)


CallerDep = Annotated[Caller, Depends(bearer_caller)]


async def get_principal(caller: CallerDep) -> Principal:
    """Who is calling: at no cost when a loader already resolved it in its thread, else in a thread of its own."""
    return await principal_of(caller)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require(permission: Permission):  # type: ignore[no-untyped-def]
    """A guard: the caller must hold `permission` (see domain/access.py's table). `async`: it does no I/O."""
    return _guard(permission, get_principal)


def require_for_plain_read(permission: Permission) -> PlainReadGuard:
    """`require` for a route that opens no request session: it reads with api/plain_reads.py and writes nothing."""
    return PlainReadGuard(permission)


class PlainReadGuard(OAuth2PasswordBearer):
    """The bearer scheme, the caller and `require`'s permission check in ONE dependency, for plain reads.

    FastAPI spends 25-40 us solving each dependency; `require`'s chain (the scheme, the settings, the caller, the
    guard) was a fifth of a plain read (issue 11). Being the same OAuth2 scheme (`_BEARER_SCHEME`), it documents the
    route's security exactly as `oauth2_scheme` does. The settings are `current_settings`' or a test's override.
    """

    def __init__(self, permission: Permission) -> None:
        super().__init__(**_BEARER_SCHEME)
        self.permission = permission

    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        token = await super().__call__(request)
        if not token:
            raise unauthenticated(_BEARER_NEEDED)
        override = request.app.dependency_overrides.get(current_settings)
        settings = override() if override else get_settings()
        return _permitted(await principal_of(Caller(request, None, settings, token)), self.permission)


def _guard(permission: Permission, principal_of):  # type: ignore[no-untyped-def]
    # The dependency as a default, not in `Annotated`: this module's annotations are strings, and a string
    # cannot name the local `principal_of`.
    async def guard(principal: Principal = Depends(principal_of)) -> Principal:
        return _permitted(principal, permission)

    return guard


def _permitted(principal: Principal, permission: Permission) -> Principal:
    if not principal.can(permission):
        raise DomainError(
            ErrorCode.FORBIDDEN,
            f"Your role ({principal.role.value}) does not allow this: it needs `{permission.value}`.",
        )
    return principal


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


def _sees(principal: Principal, municipality_id: uuid.UUID, provider_id: uuid.UUID) -> bool:
    """Whether the caller may see a provider: in their municipality and, for provider-bound roles, their own."""
    return municipality_id == principal.municipality_id and principal.sees_provider(provider_id)


def _require_visible(session: Session, principal: Principal, provider_id: uuid.UUID | None, entity: str) -> Provider:
    """The provider; 404 unless it is in the caller's municipality and, for provider-bound roles, their own."""
    provider = session.get(Provider, provider_id) if provider_id else None
    if provider is None or not _sees(principal, provider.municipality_id, provider.id):
        raise not_found(entity)
    return provider


_PROVIDER_BY_ID = PlainQuery(
    select_rows(Provider.__table__).where(Provider.__table__.c.id == bindparam("provider_id")), for_read_model=True
)


def visible_provider_read(bind: Engine | Connection, principal: Principal, provider_id: uuid.UUID) -> ProviderRead:
    """The provider as its read model, if the caller may see it (the rule of `visible_provider`); else a 404.

    A plain read (api/plain_reads.py, run by `read_plainly`): one statement on the driver's cursor, no session, no ORM
    object; the ORM's `session.get` and the request session's transaction were half of `GET /providers/{id}`'s time.
    """
    columns = _PROVIDER_BY_ID.first(bind, provider_id=provider_id)
    provider = None if columns is None else ProviderRead.model_validate(columns)
    if provider is None or not _sees(principal, provider.municipality_id, provider.id):
        raise not_found("provider")
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
