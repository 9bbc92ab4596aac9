"""Tokens: the OAuth 2.0 password grant for local users, client credentials for integration clients.

Both grants are limited per account and per client address (api/services/sign_in_limits.py); an admin can lift
an account's lockout here too, so everything about signing in is in one module.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request, status
from fastapi.responses import JSONResponse
from sqlmodel import Session, select

from api.clock import NowDep
from api.config import Settings
from api.deps import SessionDep, SettingsDep, UserDep, require
from api.errors import problem_response, problem_responses
from api.passwords import verify_client_secret, verify_password
from api.principal import Principal, PrincipalKind
from api.schemas.common import Storable
from api.schemas.identity import TokenResponse
from api.security import issue_local_token
from api.services import sign_in_limits as limits
from api.services.sign_in_limits import Account, AccountKind, Attempt
from api.tables import IntegrationClient, UserAccount
from domain.access import Permission, Role, permissions_of
from domain.errors import not_found

router = APIRouter()

WriteUsers = Annotated[Principal, Depends(require(Permission.USERS_WRITE))]
ManageClients = Annotated[Principal, Depends(require(Permission.CLIENTS_MANAGE))]


def _token_responses() -> dict[int | str, dict[str, Any]]:
    responses = problem_responses(400, 422, 429)
    responses[429]["headers"] = {
        "Retry-After": {"description": "Seconds to wait before the next attempt.", "schema": {"type": "integer"}}
    }
    return responses


def _basic_credentials(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return client_id, secret


def _address(request: Request) -> str:
    # Behind a proxy, uvicorn's proxy headers (FORWARDED_ALLOW_IPS) put the caller's address here.
    return request.client.host if request.client else "unknown"


def _invalid_grant(request: Request, detail: str) -> JSONResponse:
    # RFC 6749 §5.2 asks for `error`; we keep it as an extension member of the problem document.
    return problem_response(request, "invalid-grant", detail, extra={"error": "invalid_grant"})


def _too_many(request: Request, seconds: int) -> JSONResponse:
    # The same answer whether the account exists or not, and whether the account or the address is locked.
    return problem_response(
        request,
        "too-many-attempts",
        f"Too many failed sign-in attempts for this account or from this address; try again in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
        extra={"error": "invalid_grant"},
    )


def _failed(
    request: Request,
    session: Session,
    settings: Settings,
    attempt: Attempt,
    now: datetime,
    account: Account | None,
    detail: str,
) -> JSONResponse:
    """Count the failure; the answer stays invalid-grant (the attempt that locks was still checked)."""
    limits.record_failure(session, settings, attempt, now, account)
    return _invalid_grant(request, detail)


@router.post(
    "/auth/token",
    operation_id="auth-token",
    tags=["auth"],
    response_model=TokenResponse,
    responses=_token_responses(),
)
def issue_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    grant_type: Annotated[
        str,
        Form(max_length=40, description="`password` (local users) or `client_credentials` (integrations)."),
        Storable,
    ],
    username: Annotated[
        str | None, Form(max_length=320, description="E-mail address, for the password grant."), Storable
    ] = None,
    password: Annotated[
        str | None, Form(max_length=200, description="Password, for the password grant."), Storable
    ] = None,
    client_id: Annotated[
        str | None, Form(max_length=100, description="Client id, for client credentials (or HTTP Basic)."), Storable
    ] = None,
    client_secret: Annotated[
        str | None, Form(max_length=200, description="Client secret, for client credentials."), Storable
    ] = None,
    scope: Annotated[
        str,
        Form(max_length=2000, description="Space-separated scopes to narrow a client's token to; optional."),
        Storable,
    ] = "",
) -> TokenResponse | JSONResponse:
    """Exchange credentials for an access token. Repeated failures lock the account or address for a while (429)."""
    if grant_type == "password":
        email = (username or "").lower()
        attempt = limits.attempt_for(settings, AccountKind.USER, email, _address(request))
        standing = limits.standing(session, attempt, now)
        if standing.retry_after is not None:
            return _too_many(request, standing.retry_after)
        user = session.exec(select(UserAccount).where(UserAccount.email == email)).first()
        if not verify_password(password or "", user.password_hash if user else None) or not (user and user.is_active):
            account = Account(user.municipality_id, "user_account", user.id) if user else None
            return _failed(
                request,
                session,
                settings,
                attempt,
                now,
                account,
                "Unknown user, wrong password, or deactivated account.",
            )
        if standing.account_has_failures:
            limits.reset_account(session, attempt)
        permissions = permissions_of(Role(user.role))
        claims = {"typ": PrincipalKind.USER.value, "mun": str(user.municipality_id), "role": user.role}
        issued = issue_local_token(settings, str(user.id), claims)
        return TokenResponse(
            access_token=issued.access_token, expires_in=issued.expires_in, scope=" ".join(sorted(permissions))
        )
    if grant_type == "client_credentials":
        basic_id, basic_secret = _basic_credentials(request)
        cid, secret = client_id or basic_id or "", client_secret or basic_secret
        attempt = limits.attempt_for(settings, AccountKind.CLIENT, cid, _address(request))
        standing = limits.standing(session, attempt, now)
        if standing.retry_after is not None:
            return _too_many(request, standing.retry_after)
        client = session.exec(select(IntegrationClient).where(IntegrationClient.client_id == cid)).first()
        if (
            client is None
            or client.revoked_at is not None
            or not verify_client_secret(secret or "", client.secret_hash)
        ):
            account = Account(client.municipality_id, "integration_client", client.id) if client else None
            return _failed(
                request, session, settings, attempt, now, account, "Unknown or revoked client, or wrong secret."
            )
        if standing.account_has_failures:
            limits.reset_account(session, attempt)
        requested = set(scope.split()) or set(client.scopes)
        if not requested <= set(client.scopes):
            return problem_response(
                request,
                "invalid-grant",
                "The client was not granted: " + ", ".join(sorted(requested - set(client.scopes))),
                extra={"error": "invalid_scope"},
            )
        granted = " ".join(sorted(requested))
        claims = {"typ": PrincipalKind.CLIENT.value, "mun": str(client.municipality_id), "scope": granted}
        issued = issue_local_token(settings, str(client.id), claims)
        return TokenResponse(access_token=issued.access_token, expires_in=issued.expires_in, scope=granted)
    return problem_response(
        request,
        "bad-request",
        "grant_type must be `password` or `client_credentials`.",
        errors=[{"location": "body.grant_type", "pointer": "/grant_type", "detail": "Unsupported grant type."}],
        extra={"error": "unsupported_grant_type"},
    )


LOCKOUT_ERRORS = problem_responses(401, 403, 404)


@router.delete(
    "/users/{user_id}/sign-in-lockout",
    operation_id="users-sign-in-lockout-lift",
    tags=["users"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=LOCKOUT_ERRORS,
)
def lift_user_lockout(user: UserDep, session: SessionDep, settings: SettingsDep, now: NowDep, _: WriteUsers) -> None:
    """Lift a user's sign-in lockout and forget their failed attempts, so they can sign in at once."""
    account = Account(user.municipality_id, "user_account", user.id)
    limits.lift_lockout(session, settings, AccountKind.USER, user.email, account, now)


@router.delete(
    "/clients/{client_id}/sign-in-lockout",
    operation_id="clients-sign-in-lockout-lift",
    tags=["integration clients"],
    status_code=status.HTTP_204_NO_CONTENT,
    responses=LOCKOUT_ERRORS,
)
def lift_client_lockout(
    client_id: Annotated[uuid.UUID, Path(description="The integration client's id (not its client_id).")],
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    principal: ManageClients,
) -> None:
    """Lift an integration client's sign-in lockout and forget its failed attempts."""
    client = session.get(IntegrationClient, client_id)
    if client is None or client.municipality_id != principal.municipality_id:
        raise not_found("integration client")
    account = Account(client.municipality_id, "integration_client", client.id)
    limits.lift_lockout(session, settings, AccountKind.CLIENT, client.client_id, account, now)
