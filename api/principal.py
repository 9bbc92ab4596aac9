"""The authenticated caller, as the rest of the API sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from domain.access import Permission, Role


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
