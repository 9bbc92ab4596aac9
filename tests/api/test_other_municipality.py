"""Another municipality's id is a 404 whoever asks, before any question of role (a 403 would confirm it exists).

The evidence of a visit, a provider's timeline and revoking an integration client checked the caller's role
before loading the object, so a neighbour without the permission learnt from a 403 that the id was real.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session

from domain.access import Role
from tests.api.conftest import World
from tests.support import factories, visit_data

NEIGHBOUR_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE)


def neighbours(db: Session, world: World) -> dict[Role, dict[str, str]]:
    """A caller of every person's role in the neighbouring municipality."""
    return {
        role: factories.headers_for(
            world.settings,
            factories.user(db, world.neighbour, role, world.neighbour_provider if role.is_provider_bound else None),
        )
        for role in NEIGHBOUR_ROLES
    }


def assert_not_found(response, who: Role) -> None:
    assert response.status_code == 404, (who, response.status_code, response.text)
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "urn:tilsyn:problem:not-found"


def test_another_municipalitys_visit_evidence_is_404_for_every_neighbour(client, db: Session, world: World):
    visit = visit_data.visit(db, world.provider, world.users[Role.SUPERVISOR])
    for role, headers in neighbours(db, world).items():
        assert_not_found(client.get(f"/api/v1/visits/{visit.id}/evidence", headers=headers), role)
    # At home the guard still decides: the supervisor reads it, a leader of the provider may not.
    assert client.get(f"/api/v1/visits/{visit.id}/evidence", headers=world.headers(Role.SUPERVISOR)).status_code == 200
    assert client.get(f"/api/v1/visits/{visit.id}/evidence", headers=world.headers(Role.LEADER)).status_code == 403


def test_another_municipalitys_provider_timeline_is_404_for_every_neighbour(client, db: Session, world: World):
    url = f"/api/v1/providers/{world.provider.id}/timeline"
    for role, headers in neighbours(db, world).items():
        assert_not_found(client.get(url, headers=headers), role)
    assert client.get(url, headers=world.headers(Role.ADMIN)).status_code == 200
    assert client.get(url, headers=world.headers(Role.LEADER)).status_code == 403


def test_another_municipalitys_client_is_404_to_revoke_for_every_neighbour(client, db: Session, world: World):
    case_system = visit_data.integration_client(db, world.municipality.id, ["providers:read"])
    url = f"/api/v1/clients/{case_system.id}/revoke"
    for role, headers in neighbours(db, world).items():
        assert_not_found(client.post(url, headers=headers), role)
    db.refresh(case_system)
    assert case_system.revoked_at is None  # none of them revoked it
    assert client.post(url, headers=world.headers(Role.SUPERVISOR)).status_code == 403
    revoked = client.post(url, headers=world.headers(Role.ADMIN))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None


@pytest.mark.parametrize("path", ["/api/v1/visits/{id}/evidence", "/api/v1/providers/{id}/timeline"])
def test_an_id_that_does_not_exist_is_404_for_a_role_without_the_permission_too(client, world: World, path: str):
    url = path.format(id="00000000-0000-4000-8000-000000000000")
    assert_not_found(client.get(url, headers=world.headers(Role.COMMITTEE)), Role.COMMITTEE)
