"""The authenticated caller, as the rest of the API sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING

from domain.access import Permission, Role, permissions_of

if TYPE_CHECKING:
    from api.tables import UserAccount


class PrincipalKind(StrEnum):
    USER = "user"  # a local user with a password
    CLIENT = "client"  # an integration client (client credentials)
    EXTERNAL = "external"  # a person signed in at the municipality's identity provider (OIDC)


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    subject: str
    name: str
    role: Role
    municipality_id: uuid.UUID
    provider_id: uuid.UUID | None
    permissions: frozenset[Permission]
    on_behalf_of: str | None = None

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def sees_provider(self, provider_id: uuid.UUID) -> bool:
        """Provider-bound roles see their own provider only; every other role sees the whole municipality."""
        return not self.role.is_provider_bound or self.provider_id == provider_id


@lru_cache(maxsize=256)
def cached_permissions(role: Role, scopes: frozenset[str] | None = None) -> frozenset[Permission]:
    """`permissions_of`, computed once per role (and client scope set), not once per request."""
    return permissions_of(role, scopes)


def principal_of_user(user: UserAccount) -> Principal:
    """The principal of a local user: who they are, their role, municipality, provider and permissions."""
    role = Role(user.role)
    return Principal(
        PrincipalKind.USER,
        str(user.id),
        user.full_name,
        role,
        user.municipality_id,
        user.provider_id,
        cached_permissions(role),
    )
