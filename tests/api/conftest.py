"""A small municipality per test: two providers, a user of every role, and a neighbouring municipality."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from api.config import Settings
from api.tables import Municipality, Provider, UserAccount
from domain.access import Role
from tests.support import factories


@dataclass
class World:
    settings: Settings
    municipality: Municipality
    provider: Provider
    other_provider: Provider
    users: dict[Role, UserAccount]
    neighbour: Municipality
    neighbour_provider: Provider
    neighbour_admin: UserAccount

    def headers(self, role: Role, **extra: str) -> dict[str, str]:
        return factories.headers_for(self.settings, self.users[role], **extra)


@pytest.fixture
def world(db: Session, settings: Settings) -> World:
    home = factories.municipality(db)
    provider = factories.provider(db, home)
    other = factories.provider(db, home)
    users = {
        role: factories.user(db, home, role, provider if role.is_provider_bound else None)
        for role in Role
        if role is not Role.INTEGRATION
    }
    neighbour = factories.municipality(db)
    neighbour_provider = factories.provider(db, neighbour)
    neighbour_admin = factories.user(db, neighbour, Role.ADMIN)
    return World(settings, home, provider, other, users, neighbour, neighbour_provider, neighbour_admin)
