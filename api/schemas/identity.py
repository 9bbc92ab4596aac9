"""Users, integration clients, the caller (`/me`), the municipality and tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, EmailStr, Field, SecretStr, WithJsonSchema

from api.schemas.common import Cvr, InputModel, Name, ReadModel
from domain.access import PERSON_ROLES, Permission, Role
from domain.filing import KLE_MAX_LENGTH, kle_problem

_ROLE = "Role: " + "; ".join(f"`{r.value}` = {r.label_da}" for r in Role) + "."
_PERSON_ROLES = [r for r in Role if r in PERSON_ROLES]
_PERSON_ROLE = (
    "Role: "
    + "; ".join(f"`{r.value}` = {r.label_da}" for r in _PERSON_ROLES)
    + ". A person cannot hold `integration`: integrations are clients (POST /clients)."
)


def _person_role(role: Role) -> Role:
    if role not in PERSON_ROLES:
        raise ValueError(f"A person cannot hold the role `{role.value}`; use one of: {', '.join(_PERSON_ROLES)}.")
    return role


# A person's role: the schema lists only persons' roles; `integration` is refused with a 422 naming `body.role`.
PersonRole = Annotated[
    Role,
    AfterValidator(_person_role),
    WithJsonSchema({"type": "string", "enum": [r.value for r in _PERSON_ROLES], "title": "PersonRole"}),
]
_CREDENTIAL_HELP = "At least 12 characters. Stored only as a scrypt hash."


class UserCreate(InputModel):
    """A new local user. Leaders, staff and parent-board members must name their provider."""

    email: EmailStr = Field(description="Sign-in name and contact address; unique across the service.")
    full_name: Name = Field(description="The person's name.")
    role: PersonRole = Field(description=_PERSON_ROLE)
    provider_id: uuid.UUID | None = Field(None, description="Required for leader, staff and parent_board; else null.")
    password: SecretStr = Field(min_length=12, max_length=200, description=_CREDENTIAL_HELP)


class UserUpdate(InputModel):
    """Fields to change; omitted fields keep their value."""

    full_name: Name | None = Field(None, description="The person's name.")
    role: PersonRole | None = Field(None, description=_PERSON_ROLE)
    provider_id: uuid.UUID | None = Field(None, description="The provider, for provider-bound roles.")
    password: SecretStr | None = Field(None, min_length=12, max_length=200, description=_CREDENTIAL_HELP)


class UserRead(ReadModel):
    """A local user."""

    id: uuid.UUID = Field(description="The user's id.")
    municipality_id: uuid.UUID = Field(description="The user's municipality.")
    email: str = Field(description="Sign-in name.")
    full_name: str = Field(description="The person's name.")
    role: Role = Field(description=_ROLE)
    provider_id: uuid.UUID | None = Field(description="The provider, for leader, staff and parent_board.")
    is_active: bool = Field(description="False once deactivated: the user can no longer sign in.")
    created_at: datetime = Field(description="When the user was created.")
    updated_at: datetime = Field(description="When the user last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class UserPage(ReadModel):
    """One page of users."""

    items: list[UserRead] = Field(description="The users on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ClientCreate(InputModel):
    """A new integration client (a case system or an import script)."""

    name: Name = Field(description="What the client is, e.g. 'ESDH filing' or 'nightly import'.")
    scopes: list[Permission] = Field(min_length=1, description="What it may do; only integration scopes are allowed.")


class ClientRead(ReadModel):
    """An integration client. Its secret is never shown again after creation."""

    id: uuid.UUID = Field(description="The client's id.")
    name: str = Field(description="What the client is.")
    client_id: str = Field(description="Send as `client_id` with grant_type=client_credentials.")
    scopes: list[str] = Field(description="What it may do.")
    revoked_at: datetime | None = Field(description="When it was revoked; revoked clients get no tokens.")
    created_at: datetime = Field(description="When it was created.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class ClientCreated(ClientRead):
    """A new client, with its secret: store it now, it cannot be shown again."""

    client_secret: str = Field(description="The secret; shown only in this response.")


class ClientPage(ReadModel):
    """One page of integration clients."""

    items: list[ClientRead] = Field(description="The clients on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


def _kle(value: str) -> str:
    reason = kle_problem(value)
    if reason:
        raise ValueError(reason)
    return value


KleClassification = Annotated[
    str,
    AfterValidator(_kle),
    WithJsonSchema(
        {
            "type": "string",
            "minLength": 8,
            "maxLength": KLE_MAX_LENGTH,
            "pattern": r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}( [A-Z][0-9]{2})?$",
        }
    ),
]
_KLE = (
    "The KLE classification (KL Emnesystematik) the municipality's case system files supervision reports under: "
    "an emnenummer `NN.NN.NN`, optionally a space and a handlingsfacet (`28.00.00 G01`). Each report keeps the one "
    "in force when it became final."
)


class MunicipalityRead(ReadModel):
    """The caller's municipality (kommune)."""

    id: uuid.UUID = Field(description="The municipality's id.")
    name: str = Field(description="The municipality's name.")
    kommunekode: str = Field(description="The 3-digit kommunekode.")
    cvr: str = Field(description="The municipality's CVR number.")
    kle_classification: str = Field(description=_KLE)
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class MunicipalityUpdate(InputModel):
    """Fields to change; the kommunekode is fixed."""

    name: Name | None = Field(None, description="The municipality's name.")
    cvr: Cvr | None = Field(None, description="The municipality's CVR number.")
    kle_classification: KleClassification | None = Field(None, description=_KLE)


class Me(ReadModel):
    """Who the token belongs to and what it may do."""

    subject: str = Field(description="The user's or client's id (or the identity provider's subject).")
    kind: str = Field(description="`user`, `client` (integration) or `external` (signed in via OIDC).")
    name: str = Field(description="Display name.")
    role: Role = Field(description=_ROLE)
    municipality: MunicipalityRead = Field(description="The municipality the caller acts in.")
    provider_id: uuid.UUID | None = Field(description="The caller's provider, for provider-bound roles.")
    permissions: list[Permission] = Field(description="Every permission the caller holds.")


class TokenResponse(ReadModel):
    """An OAuth 2.0 access token (RFC 6749 §5.1)."""

    access_token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    token_type: str = Field("bearer", description="Always `bearer`.")
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str = Field(description="Space-separated permissions the token carries.")
