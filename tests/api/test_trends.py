"""The municipality's trend over HTTP (issue 13): bands now against the period before, movement, areas and themes,
imported history, outcomes; who may read it; and that it reads the history as rows, never as objects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

import api.clock
from api.tables import (
    ActionPlan,
    ActionPlanItem,
    Assessment,
    HistoricalAssessment,
    IndicatorValue,
    IntensifiedSupervision,
    Provider,
    Recommendation,
    Report,
    Unit,
    Visit,
)
from domain.access import Role
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import factories, visit_data
from tests.support import overview_data as rows
from tests.support.trend_data import (
    BEFORE_DAY,
    DAGPLEJER_NAME,
    LEADER_NAME,
    NOW_DAY,
    SUPERVISOR_NAME,
    TODAY,
    assessed,
    imported,
)

HISTORY = (
    ActionPlan,
    ActionPlanItem,
    Assessment,
    HistoricalAssessment,
    IndicatorValue,
    IntensifiedSupervision,
    Provider,
)
HISTORY += (Recommendation, Report, Unit, Visit)
MUNICIPALITY_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.COMMITTEE)
PROVIDER_ROLES = (Role.LEADER, Role.STAFF, Role.PARENT_BOARD)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


@pytest.fixture
def history(db: Session, world: World) -> World:
    """Two providers assessed in both periods, one with imported history only before, a private one now; an
    intensified supervision that ended, an action plan, a published report and recommendations."""
    supervisor = world.users[Role.SUPERVISOR]
    assessed(db, world.provider, supervisor, BEFORE_DAY, 55)  # adequate ...
    visit = assessed(db, world.provider, supervisor, NOW_DAY, 75)  # ... to good
    assessed(db, world.other_provider, supervisor, BEFORE_DAY, 92)  # excellent ...
    assessed(db, world.other_provider, supervisor, date(2025, 1, 10), 25)  # ... to poor
    assessed(db, world.other_provider, supervisor, date(2025, 4, 20), 72)  # the new assessment that ended it
    third = factories.provider(db, world.municipality)
    imported(db, third, date(2023, 2, 1), {"leg": 40, "relationer": 45})  # inadequate, imported
    private = factories.provider(db, world.municipality, kind=ProviderKind.PRIVATE_INSTITUTION)
    assessed(db, private, supervisor, date(2025, 9, 1), 35)
    episode = rows.intensified(db, world.other_provider, date(2025, 1, 10), ended_on=date(2025, 5, 1))
    plan = rows.action_plan(
        db, episode, supervisor, date(2025, 2, 9), created_on=date(2025, 1, 12), status="completed",
        approved_on=date(2025, 2, 1), completed_on=date(2025, 4, 25),
    )  # fmt: skip
    goal = {"goal": "Mere leg", "actions": "Omlægning af dagen", "owner": "Lederen", "success_criterion": "KIDS"}
    db.add(ActionPlanItem(plan_id=plan.id, deadline=date(2025, 4, 20), status="done", **goal))  # completed after
    db.commit()
    rows.report(db, visit, on=date(2025, 6, 1))  # 31 days after the visit: in time
    rows.recommendation(db, visit, date(2025, 9, 1), status="done")
    rows.recommendation(db, visit, date(2025, 9, 1), status="open")  # overdue
    db.expunge_all()
    return world


@pytest.fixture
def loaded() -> Iterator[Counter]:
    """How many rows of the history tables a request turned into ORM objects."""
    counts: Counter = Counter()

    def count(target, _context) -> None:
        counts[type(target).__name__] += 1

    for table in HISTORY:
        event.listen(table, "load", count)
    yield counts
    for table in HISTORY:
        event.remove(table, "load", count)


def _trends(client, world: World, role: Role = Role.COMMITTEE, query: str = "") -> dict:
    response = client.get(f"/api/v1/trends{query}", headers=world.headers(role))
    assert response.status_code == 200, response.text
    return response.json()


def _bands(distribution: dict) -> dict[str, int]:
    return {b["band_key"]: b["providers"] for b in distribution["bands"]}


def test_the_committee_sees_the_band_distribution_now_against_the_two_years_before(client, history: World):
    body = _trends(client, history)

    assert (body["now"]["period"], body["before"]["period"]) == (
        {"period_from": "2024-06-16", "period_to": "2026-06-15"},
        {"period_from": "2022-06-16", "period_to": "2024-06-15"},
    )
    assert [b["key"] for b in body["legend"]] == ["excellent", "good", "adequate", "inadequate", "poor"]
    assert _bands(body["now"]) == {"excellent": 0, "good": 2, "adequate": 0, "inadequate": 1, "poor": 0}
    assert _bands(body["before"]) == {"excellent": 1, "good": 0, "adequate": 1, "inadequate": 1, "poor": 0}
    assert {c["concern"]: c["providers"] for c in body["now"]["concerns"]}["concern"] == 1


def test_imported_kids_history_counts_as_an_assessment_with_the_mean_of_its_areas(client, history: World):
    before = _trends(client, history)["before"]

    assert (before["providers"], before["imported"]) == (3, 1)
    assert before["mean_percent"] == round((55 + 92 + 42.5) / 3, 1)


def test_the_movement_between_bands_counts_providers_from_one_band_to_another(client, history: World):
    movements = _trends(client, history)["movements"]

    assert {(m["from_label"], m["to_label"], m["direction"], m["providers"]) for m in movements} == {
        ("tilstrækkelig", "god", "up", 1),
        ("fremragende", "god", "down", 1),
    }


def test_each_area_and_theme_is_averaged_now_and_before_in_one_read(client, history: World):
    body = _trends(client, history)
    leg = next(a for a in body["areas"] if a["key"] == "leg")
    sprog = next(t for t in body["themes"] if t["key"] == "sprog")

    assert (leg["name"], leg["now_providers"], leg["before_providers"]) == ("Leg og aktivitet", 3, 3)
    assert (leg["now"], leg["before"], leg["change"]) == (60.7, 62.3, -1.6)
    assert (sprog["now"], sprog["before"]) == (60.7, 73.5)  # imported history names no theme
    assert {a["key"] for a in body["areas"]} == {"leg", "relationer"}


def test_a_provider_kind_filter_counts_only_that_kinds_providers(client, history: World):
    body = _trends(client, history, query="?provider_kind=private_institution")

    assert (body["provider_kind"], body["now"]["providers"], body["before"]["providers"]) == (
        "private_institution",
        1,
        0,
    )
    assert _bands(body["now"])["inadequate"] == 1
    all_kinds = {k["kind"]: k["now"]["providers"] for k in _trends(client, history)["by_kind"]}
    assert all_kinds == {"municipal_institution": 2, "private_institution": 1}


def test_the_outcomes_show_intensified_days_plans_reports_in_time_and_recommendations(client, history: World):
    outcomes = _trends(client, history)["outcomes_now"]

    intensified = outcomes["intensified"]
    assert (intensified["running"], intensified["ended"], intensified["median_days"]) == (1, 1, 111)
    assert intensified["ended_with"] == [{"band_key": "good", "band_label": "god", "periods": 1}]
    plans = outcomes["action_plans"]
    assert (plans["plans"], plans["approved_in_time"], plans["completed_late"], plans["open"]) == (1, 1, 1, 0)
    publication = outcomes["publication"]
    assert (publication["in_time"], publication["missing"], publication["deadline_days"]) == (1, 3, 56)
    assert publication["share_in_time"] == 25.0
    recommendations = outcomes["recommendations"]
    assert (recommendations["given"], recommendations["done"], recommendations["overdue"]) == (2, 1, 1)
    assert recommendations["share_followed_up"] == 50.0


def test_a_chosen_period_is_compared_with_the_equally_long_period_before(client, history: World):
    body = _trends(client, history, query="?period_from=2025-01-01&period_to=2025-12-31")

    assert body["before"]["period"] == {"period_from": "2024-01-01", "period_to": "2024-12-31"}
    assert body["now"]["providers"] == 3 and body["before"]["providers"] == 0


@pytest.mark.parametrize(
    ("query", "pointer"),
    [("?period_from=2026-01-01&period_to=2025-01-01", "period_from"), ("?period_from=2000-01-01", "period_from")],
)
def test_a_period_that_ends_before_it_starts_or_spans_over_ten_years_is_refused(client, world: World, query, pointer):
    response = client.get(f"/api/v1/trends{query}", headers=world.headers(Role.ADMIN))

    assert response.status_code == 422, response.text
    assert pointer in response.text


@pytest.mark.parametrize("role", MUNICIPALITY_ROLES)
def test_admin_supervisors_and_the_committee_read_the_municipalitys_trend(client, world: World, role: Role):
    for path in ("/api/v1/trends", "/api/v1/trends/context"):
        assert client.get(path, headers=world.headers(role)).status_code == 200


@pytest.mark.parametrize("role", PROVIDER_ROLES)
def test_a_provider_role_cannot_read_the_municipalitys_trend(client, world: World, role: Role):
    for path in ("/api/v1/trends", "/api/v1/trends/context"):
        response = client.get(path, headers=world.headers(role))
        assert response.status_code == 403, response.text
        assert "/providers/{provider_id}/trends" in response.json()["detail"]


def test_the_trend_without_a_token_is_refused(client):
    assert client.get("/api/v1/trends").status_code == 401


def test_another_municipalitys_history_is_not_in_the_trend(client, db: Session, history: World):
    assessed(db, history.neighbour_provider, history.neighbour_admin, NOW_DAY, 10)

    body = _trends(client, history)

    assert body["now"]["providers"] == 3 and _bands(body["now"])["poor"] == 0


def test_the_trends_read_loads_no_history_as_objects(client, history: World, loaded: Counter):
    for path in (
        "/api/v1/trends",
        "/api/v1/trends/context",
        f"/api/v1/providers/{history.provider.id}/trends",
    ):
        response = client.get(path, headers=history.headers(Role.ADMIN))
        assert response.status_code == 200, response.text
    # The provider trend's own row is loaded by the 404 loader, as every provider route does; nothing else is.
    assert loaded == Counter({"Provider": 1}), "a trends read loaded rows of the history as objects"


def test_no_trend_output_names_a_person(client, db: Session, history: World):
    supervisor = history.users[Role.SUPERVISOR]
    supervisor.full_name = SUPERVISOR_NAME
    db.add(supervisor)
    dagpleje = factories.provider(db, history.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING)
    dagplejer = factories.unit(db, dagpleje, name=DAGPLEJER_NAME, kind=UnitKind.CHILDMINDER)
    visit = assessed(db, dagpleje, supervisor, NOW_DAY, 62)
    rows.assessment(
        db, visit, percent=40, band=("inadequate", "utilstrækkelig"), concern="concern", unit_id=dagplejer.id
    )
    episode = rows.intensified(db, dagpleje, NOW_DAY)
    plan = rows.action_plan(db, episode, supervisor, date(2025, 6, 1), created_on=NOW_DAY)
    plan.leader_name = LEADER_NAME
    db.add(plan)
    db.commit()
    rows.recommendation(db, visit, date(2025, 9, 1), owner=LEADER_NAME)
    names = {SUPERVISOR_NAME, DAGPLEJER_NAME, LEADER_NAME} | {u.full_name for u in history.users.values()}
    paths = ["/api/v1/trends", "/api/v1/trends/context", "/api/v1/trends?provider_kind=municipal_childminding"]
    paths += [f"/api/v1/providers/{p.id}/trends" for p in (dagpleje, history.provider, history.other_provider)]

    for role in (*MUNICIPALITY_ROLES, *PROVIDER_ROLES):
        for path in paths:
            response = client.get(path, headers=history.headers(role))
            assert response.status_code in (200, 403, 404), response.text
            assert not [n for n in names if n in response.text], (role, path)


def test_an_integration_client_cannot_read_trends_even_asking_for_the_scope(client, db: Session, world: World):
    case_system = visit_data.integration_client(db, world.municipality.id, ["trends:read"])
    headers = factories.client_headers(world.settings, case_system)

    for path in ("/api/v1/trends", "/api/v1/trends/context", f"/api/v1/providers/{world.provider.id}/trends"):
        assert client.get(path, headers=headers).status_code == 403, path
