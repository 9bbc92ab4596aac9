"""Users and integration clients: who may sign in, with which role or scopes."""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy import func, or_
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.passwords import hash_client_secret, hash_password, new_client_secret
from api.principal import Principal
from api.schemas.identity import ClientCreate, UserCreate, UserUpdate
from api.services.common import apply_changes, column_values
from api.tables import IntegrationClient, Provider, UserAccount
from api.tables.base import utcnow
from domain.access import Role, integration_scopes
from domain.errors import DomainError, ErrorCode, Violation, invalid

USER_ORDER = (SortKey(UserAccount.full_name), SortKey(UserAccount.id))
CLIENT_ORDER = (SortKey(IntegrationClient.name), SortKey(IntegrationClient.id))


def _check_provider_binding(
    session: Session, municipality_id: uuid.UUID, role: Role, provider_id: uuid.UUID | None
) -> None:
    """Leaders, staff and parent boards belong to exactly one provider of the municipality; others to none."""
    if role.is_provider_bound:
        if provider_id is None:
            raise invalid("body.provider_id", f"A {role.value} must belong to a provider: give provider_id.")
        provider = session.get(Provider, provider_id)
        if provider is None or provider.municipality_id != municipality_id:
            raise invalid("body.provider_id", "No provider with that id in your municipality.")
    elif provider_id is not None:
        raise invalid("body.provider_id", f"A {role.value} works across providers; provider_id must be null.")


def list_users(
    session: Session,
    principal: Principal,
    *,
    role: Role | None,
    provider_id: uuid.UUID | None,
    active: bool | None,
    q: str | None,
    cursor: str | None,
    limit: int,
) -> Page[UserAccount]:
    statement = select(UserAccount).where(UserAccount.municipality_id == principal.municipality_id)
    if role:
        statement = statement.where(UserAccount.role == role)
    if provider_id:
        statement = statement.where(UserAccount.provider_id == provider_id)
    if active is not None:
        statement = statement.where(UserAccount.is_active == active)
    if q:
        pattern = f"%{q.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(UserAccount.full_name).like(pattern), func.lower(UserAccount.email).like(pattern))
        )
    return paginate(session, statement, USER_ORDER, cursor, limit)


def create_user(session: Session, municipality_id: uuid.UUID, data: UserCreate) -> UserAccount:
    _check_provider_binding(session, municipality_id, data.role, data.provider_id)
    # E-mail addresses are compared case-insensitively at sign-in, so they are stored lower-cased.
    values = {**column_values(data), "email": data.email.lower()}
    if session.exec(select(UserAccount.id).where(UserAccount.email == values["email"])).first() is not None:
        message = "A user with that e-mail address already exists."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body.email", message)])
    user = UserAccount(
        **values, municipality_id=municipality_id, password_hash=hash_password(data.password.get_secret_value())
    )
    session.add(user)
    session.flush()
    return user


def _is_self(principal: Principal, user: UserAccount) -> bool:
    return principal.kind == "user" and principal.subject == str(user.id)


def update_user(session: Session, principal: Principal, user: UserAccount, data: UserUpdate) -> UserAccount:
    values = column_values(data, only_set=True)
    for key in ("full_name", "role"):
        if key in values and values[key] is None:
            raise invalid(f"body.{key}", "This field cannot be null.")
    role = Role(values.get("role", user.role))
    if not role.is_provider_bound and "provider_id" not in values:
        values["provider_id"] = None  # moving to a municipality-wide role drops the provider binding
    _check_provider_binding(session, user.municipality_id, role, values.get("provider_id", user.provider_id))
    if _is_self(principal, user) and role is not Role.ADMIN:
        raise DomainError(ErrorCode.CONFLICT, "You cannot take the admin role from yourself; ask another admin.")
    apply_changes(user, values)
    if data.password is not None:
        user.password_hash = hash_password(data.password.get_secret_value())
    session.flush()
    return user


def deactivate_user(session: Session, principal: Principal, user: UserAccount) -> UserAccount:
    if _is_self(principal, user):
        raise DomainError(ErrorCode.CONFLICT, "You cannot deactivate yourself; ask another admin.")
    if not user.is_active:
        raise DomainError(ErrorCode.CONFLICT, "The user is already deactivated.")
    user.is_active = False
    session.flush()
    return user


def list_clients(session: Session, principal: Principal, *, cursor: str | None, limit: int) -> Page[IntegrationClient]:
    statement = select(IntegrationClient).where(IntegrationClient.municipality_id == principal.municipality_id)
    return paginate(session, statement, CLIENT_ORDER, cursor, limit)


def create_client(session: Session, municipality_id: uuid.UUID, data: ClientCreate) -> tuple[IntegrationClient, str]:
    allowed = integration_scopes()
    refused = [s for s in data.scopes if s not in allowed]
    if refused:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            "Integration clients cannot hold: " + ", ".join(s.value for s in refused) + ".",
            [
                Violation(f"body.scopes.{data.scopes.index(s)}", f"`{s.value}` is not an integration scope.")
                for s in refused
            ],
        )
    secret = new_client_secret()
    client = IntegrationClient(
        name=data.name,
        municipality_id=municipality_id,
        client_id="tc_" + secrets.token_hex(12),
        secret_hash=hash_client_secret(secret),
        scopes=sorted({s.value for s in data.scopes}),
    )
    session.add(client)
    session.flush()
    return client, secret


def revoke_client(session: Session, client: IntegrationClient) -> IntegrationClient:
    if client.revoked_at is not None:
        raise DomainError(ErrorCode.CONFLICT, "The client is already revoked.")
    client.revoked_at = utcnow()
    session.flush()
    return client
