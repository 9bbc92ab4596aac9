"""One provider's trend over HTTP: its assessments over time across visits and cycles, imported history included,
units apart; a dagplejer's own result only to admin and supervisors; provider roles read their own provider only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

import api.clock
from domain.access import Role
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import factories
from tests.support import overview_data as rows
from tests.support.trend_data import DAGPLEJER_NAME, TODAY, assessed, imported

ALL_PERSON_ROLES = tuple(r for r in Role if r is not Role.INTEGRATION)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


def _trend(client, world: World, provider_id, role: Role = Role.ADMIN, headers=None):
    return client.get(f"/api/v1/providers/{provider_id}/trends", headers=headers or world.headers(role))


def test_a_providers_trend_lists_its_assessments_oldest_first_with_imported_history_and_cycles(
    client, db: Session, world: World
):
    rows.registered(db, world.provider, date(2022, 1, 1), cycle_start=date(2022, 1, 1))
    imported(db, world.provider, date(2021, 3, 1), {"leg": 60, "relationer": 70})
    assessed(db, world.provider, world.users[Role.SUPERVISOR], date(2023, 5, 1), 55)
    assessed(db, world.provider, world.users[Role.SUPERVISOR], date(2025, 5, 1), 75)

    response = _trend(client, world, world.provider.id, Role.COMMITTEE)

    assert response.status_code == 200, response.text
    (whole,) = response.json()["scopes"]
    assert [(p["assessed_on"], p["source"], p["percent"], p["band_label"]) for p in whole["points"]] == [
        ("2021-03-01", "imported", 65.0, "tilstrækkelig"),
        ("2023-05-01", "visit", 55.0, "tilstrækkelig"),
        ("2025-05-01", "visit", 75.0, "god"),
    ]
    assert [p["cycle_start"] for p in whole["points"]] == [None, "2022-01-01", "2024-01-01"]
    (leg,) = [a for a in whole["areas"] if a["key"] == "leg"]
    assert [p["percent"] for p in leg["points"]] == [60, 55, 75]
    assert leg["name"] == "Leg og aktivitet"


def test_a_departments_result_is_listed_apart_from_the_provider_and_named(client, db: Session, world: World):
    unit = factories.unit(db, world.provider, name="Vuggestuen")
    visit = assessed(db, world.provider, world.users[Role.SUPERVISOR], date(2025, 5, 1), 75)
    rows.assessment(db, visit, percent=45, band=("inadequate", "utilstrækkelig"), concern="concern", unit_id=unit.id)

    scopes = _trend(client, world, world.provider.id, Role.PARENT_BOARD).json()["scopes"]

    assert [(s["unit_id"], s["unit_name"], s["result_shown"]) for s in scopes] == [
        (None, None, True),
        (str(unit.id), "Vuggestuen", True),
    ]
    assert scopes[1]["points"][0]["percent"] == 45


@pytest.fixture
def dagpleje(db: Session, world: World):
    """A dagpleje whose dagplejer was assessed on her own, with a leader of its own."""
    provider = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, name="Dagplejen")
    dagplejer = factories.unit(db, provider, name=DAGPLEJER_NAME, kind=UnitKind.CHILDMINDER)
    visit = assessed(db, provider, world.users[Role.SUPERVISOR], date(2025, 5, 1), 80)
    rows.assessment(db, visit, percent=28, band=("poor", "ringe"), concern="serious_concern", unit_id=dagplejer.id)
    imported(db, provider, date(2021, 3, 1), {"leg": 33}, unit_id=dagplejer.id)
    leader = factories.user(db, world.municipality, Role.LEADER, provider)
    return provider, dagplejer, factories.headers_for(world.settings, leader)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_a_dagplejers_own_result_is_shown_to_admin_and_supervisors_without_her_name(
    client, world: World, dagpleje, role: Role
):
    provider, dagplejer, _ = dagpleje

    response = _trend(client, world, provider.id, role)

    assert DAGPLEJER_NAME not in response.text
    unit = response.json()["scopes"][1]
    assert (unit["unit_id"], unit["unit_kind"], unit["unit_name"], unit["result_shown"]) == (
        str(dagplejer.id),
        "childminder",
        None,
        True,
    )
    assert [p["percent"] for p in unit["points"]] == [33.0, 28.0]


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.LEADER])
def test_a_dagplejers_own_result_is_hidden_beyond_admin_and_supervisors(client, world: World, dagpleje, role):
    provider, _, leader_headers = dagpleje

    response = _trend(client, world, provider.id, role, headers=leader_headers if role is Role.LEADER else None)

    assert response.status_code == 200, response.text
    assert DAGPLEJER_NAME not in response.text
    whole, unit = response.json()["scopes"]
    assert whole["points"][0]["percent"] == 80  # the dagpleje as a whole is shown
    assert unit["result_shown"] is False and (unit["areas"], unit["themes"]) == ([], [])
    assert {(p["percent"], p["band_key"], p["concern"]) for p in unit["points"]} == {(None, None, None)}


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_a_provider_role_reads_its_own_providers_trend_and_not_anothers(client, world: World, role: Role):
    assert _trend(client, world, world.provider.id, role).status_code == 200
    other = _trend(client, world, world.other_provider.id, role)
    assert other.status_code == 404, other.text


@pytest.mark.parametrize("role", ALL_PERSON_ROLES)
def test_another_municipalitys_provider_trend_is_a_404(client, world: World, role: Role):
    assert _trend(client, world, world.neighbour_provider.id, role).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.COMMITTEE])
def test_the_municipalitys_roles_read_any_of_its_providers_trends(client, world: World, role: Role):
    assert _trend(client, world, world.other_provider.id, role).status_code == 200


def test_the_trend_shows_where_the_provider_stands_on_the_escalation_ladder_today(client, db: Session, world: World):
    rows.intensified(db, world.provider, date(2026, 3, 1), state="intensified")

    body = _trend(client, world, world.provider.id).json()

    assert body["intensified_now"] == "intensified"
    assert _trend(client, world, world.other_provider.id).json()["intensified_now"] == "normal"
