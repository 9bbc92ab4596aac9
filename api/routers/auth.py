"""Tokens: the OAuth 2.0 password grant for local users, client credentials for integration clients."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse
from sqlmodel import select

from api.deps import SessionDep, SettingsDep
from api.errors import problem_response, problem_responses
from api.passwords import verify_client_secret, verify_password
from api.principal import PrincipalKind
from api.schemas.common import Storable
from api.schemas.identity import TokenResponse
from api.security import issue_local_token
from api.tables import IntegrationClient, UserAccount
from domain.access import Role, permissions_of

router = APIRouter(prefix="/auth", tags=["auth"])


def _basic_credentials(request: Request) -> tuple[str | None, str | None]:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None, None
    try:
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    return client_id, secret


def _invalid_grant(request: Request, detail: str) -> JSONResponse:
    # RFC 6749 §5.2 asks for `error`; we keep it as an extension member of the problem document.
    return problem_response(request, "invalid-grant", detail, extra={"error": "invalid_grant"})


@router.post(
    "/token",
    operation_id="auth-token",
    response_model=TokenResponse,
    responses=problem_responses(400, 422),
)
def issue_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
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
    """Exchange credentials for an access token."""
    if grant_type == "password":
        user = session.exec(select(UserAccount).where(UserAccount.email == (username or "").lower())).first()
        if not verify_password(password or "", user.password_hash if user else None) or not (user and user.is_active):
            return _invalid_grant(request, "Unknown user, wrong password, or deactivated account.")
        permissions = permissions_of(Role(user.role))
        claims = {"typ": PrincipalKind.USER.value, "mun": str(user.municipality_id), "role": user.role}
        issued = issue_local_token(settings, str(user.id), claims)
        return TokenResponse(
            access_token=issued.access_token, expires_in=issued.expires_in, scope=" ".join(sorted(permissions))
        )
    if grant_type == "client_credentials":
        basic_id, basic_secret = _basic_credentials(request)
        cid, secret = client_id or basic_id, client_secret or basic_secret
        client = session.exec(select(IntegrationClient).where(IntegrationClient.client_id == (cid or ""))).first()
        if (
            client is None
            or client.revoked_at is not None
            or not verify_client_secret(secret or "", client.secret_hash)
        ):
            return _invalid_grant(request, "Unknown or revoked client, or wrong secret.")
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
