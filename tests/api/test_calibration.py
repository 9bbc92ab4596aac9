"""Supervisor calibration over HTTP: who judges differently from the others, seen by the administration only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

import api.clock
from api.tables import Assessment, Observation, OwnObservation, Provider, Visit
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import calibration_data as data
from tests.support import factories

URL = "/api/v1/calibration"
TODAY = date(2026, 6, 15)
SPRING = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


@pytest.fixture
def colleagues(db: Session, world: World):
    """Two more supervisors in the municipality, besides the world's own."""
    return [factories.user(db, world.municipality, Role.SUPERVISOR, full_name=n) for n in ("Anna Alm", "Bo Berg")]


@pytest.fixture
def institutions(db: Session, world: World) -> list[Provider]:
    return [world.provider, world.other_provider, *data.providers(db, world.municipality, 4)]


def read(client, world: World, **params) -> dict:
    response = client.get(URL, params=params, headers=world.headers(Role.ADMIN))
    assert response.status_code == 200, response.text
    return response.json()


def by_name(body: dict) -> dict[str, dict]:
    return {s["name"]: s for s in body["supervisors"]}


def test_a_supervisor_scoring_twenty_points_below_colleagues_on_comparable_providers_is_flagged_lower(
    client, db: Session, world: World, colleagues, institutions
):
    strict = world.users[Role.SUPERVISOR]
    data.led_by(db, strict, [55.0] * 5, institutions, SPRING)
    for colleague in colleagues:
        data.led_by(db, colleague, [75.0] * 5, institutions, SPRING)

    body = read(client, world)

    seen = by_name(body)[strict.full_name]
    assert seen["user_id"] == str(strict.id)
    assert (seen["led"], seen["mean_percent"], seen["mean_difference"], seen["compared"]) == (5, 55.0, -20.0, 5)
    assert (seen["flagged"], seen["direction"]) == (True, "lower")
    assert seen["bands"] == [{"band_key": "adequate", "label_da": "tilstrækkelig", "count": 5}]
    assert body["supervisors"][0]["name"] == strict.full_name  # the flagged come first
    # Each colleague is measured against everyone else, the strict one included: +10 points is not beyond 10.
    assert {(s["mean_difference"], s["flagged"]) for s in body["supervisors"][1:]} == {(10.0, False)}


def test_a_supervisor_with_fewer_than_five_assessments_is_not_flagged_however_far_off(
    client, db: Session, world: World, colleagues, institutions
):
    new = world.users[Role.SUPERVISOR]
    data.led_by(db, new, [55.0] * 4, institutions, SPRING)
    for colleague in colleagues:
        data.led_by(db, colleague, [75.0] * 5, institutions, SPRING)

    seen = by_name(read(client, world))[new.full_name]

    assert (seen["mean_difference"], seen["compared"], seen["flagged"], seen["direction"]) == (-20.0, 4, False, None)


def test_a_dagpleje_is_compared_only_with_other_dagpleje_visits_and_a_dagplejers_own_score_never_counts(
    client, db: Session, world: World, colleagues, institutions
):
    consultant = world.users[Role.SUPERVISOR]
    dagpleje = factories.provider(db, world.municipality, kind=ProviderKind.MUNICIPAL_CHILDMINDING, name="Dagplejen")
    dagplejer = factories.unit(db, dagpleje, kind=UnitKind.CHILDMINDER, name="Hanne Hansens dagpleje")
    for week in range(6):
        held = date.fromordinal(SPRING.toordinal() + 7 * week)
        visit = data.assessed(db, dagpleje, consultant, 45.0, held)
        db.add(
            Assessment(
                visit_id=visit.visit_id,
                provider_id=dagpleje.id,
                unit_id=dagplejer.id,
                assessed_on=held,
                percent=10.0,
                concern="serious",
            )
        )
    db.commit()
    for colleague in colleagues:
        data.led_by(db, colleague, [80.0] * 6, institutions, SPRING)

    response = client.get(URL, headers=world.headers(Role.ADMIN))

    seen = by_name(response.json())[consultant.full_name]
    assert (seen["led"], seen["mean_percent"], seen["compared"], seen["flagged"]) == (6, 45.0, 0, False)
    assert seen["by_kind"] == [
        {"provider_kind": "municipal_childminding", "led": 6, "mean_percent": 45.0, "compared": 0,
         "mean_difference": None}
    ]  # fmt: skip
    for name in ("Hanne", dagplejer.name, dagpleje.name, str(dagpleje.id), str(dagplejer.id)):
        assert name not in response.text


def test_the_comparison_with_the_providers_own_observations_shows_the_mean_difference_per_area(
    client, db: Session, world: World
):
    supervisor = world.users[Role.SUPERVISOR]
    instrument = data.instrument(db, world.municipality)
    data.assessed(db, world.provider, supervisor, 75.0, date(2025, 10, 1))  # the previous visit
    # Before the previous visit: beside that visit, not this one.
    data.own(db, world.provider, instrument, date(2025, 9, 1), data.every_item(5))
    for provider, own_score in ((world.provider, 2), (world.other_provider, 4)):
        visit = data.assessed(db, provider, supervisor, 75.0, SPRING, instrument_id=instrument.id)
        data.observed(db, visit, data.every_item(4))  # 75 %
        data.own(db, provider, instrument, date(2025, 12, 1), data.every_item(own_score))  # 25 % and 75 %

    seen = by_name(read(client, world))[supervisor.full_name]

    own = seen["own_observations"]
    assert own["visits"] == 2
    # Supervisor minus own: +50 points at the first provider, 0 at the second, on every area.
    assert {(a["visits"], a["mean_difference"]) for a in own["areas"]} == {(2, 25.0)}
    assert [a["key"] for a in own["areas"]] == [a.key for a in DEMO_INSTRUMENT.areas]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.COMMITTEE, Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_only_the_administration_reads_the_calibration(client, world: World, role: Role):
    response = client.get(URL, headers=world.headers(role))
    assert response.status_code == 403
    assert "calibration:read" in response.json()["detail"]


def test_another_municipalitys_visits_never_count_in_the_comparison(
    client, db: Session, world: World, colleagues, institutions
):
    strict, anna = world.users[Role.SUPERVISOR], colleagues[0]
    data.led_by(db, strict, [55.0] * 5, institutions, SPRING)
    data.led_by(db, anna, [75.0] * 5, institutions, SPRING)
    stranger = factories.user(db, world.neighbour, Role.SUPERVISOR, full_name="Nabo Nielsen")
    data.led_by(db, stranger, [15.0] * 8, [world.neighbour_provider], SPRING)

    body = read(client, world)

    assert set(by_name(body)) == {strict.full_name, anna.full_name}
    assert by_name(body)[strict.full_name]["mean_difference"] == -20.0  # against Anna alone, not the neighbour
    neighbours = client.get(URL, headers=factories.headers_for(world.settings, world.neighbour_admin)).json()
    assert [s["name"] for s in neighbours["supervisors"]] == ["Nabo Nielsen"]
    assert neighbours["supervisors"][0]["compared"] == 0


def test_the_period_and_the_provider_kind_choose_the_visits_read(
    client, db: Session, world: World, colleagues, institutions
):
    supervisor = world.users[Role.SUPERVISOR]
    data.led_by(db, supervisor, [60.0] * 2, institutions, date(2023, 1, 2))  # more than two years ago
    data.led_by(db, supervisor, [70.0] * 3, institutions, SPRING)
    private = factories.provider(db, world.municipality, kind=ProviderKind.PRIVATE_INSTITUTION)
    data.assessed(db, private, supervisor, 90.0, SPRING)

    default = by_name(read(client, world))[supervisor.full_name]
    older = by_name(read(client, world, assessed_from="2023-01-01", assessed_to="2023-12-31"))[supervisor.full_name]
    kind = read(client, world, provider_kind="private_institution")

    assert (default["led"], default["mean_percent"]) == (4, 75.0)
    assert (older["led"], older["mean_percent"]) == (2, 60.0)
    assert (kind["provider_kind"], by_name(kind)[supervisor.full_name]["led"]) == ("private_institution", 1)
    refused = client.get(URL, params={"assessed_from": "2026-02-01", "assessed_to": "2026-01-01"},
                         headers=world.headers(Role.ADMIN))  # fmt: skip
    assert refused.status_code == 422


def test_a_supervisor_visiting_the_socio_economically_weakest_quartile_is_compared_within_it(
    client, db: Session, world: World, colleagues
):
    # Ten institutions with a socio-economic profile: the five lowest are quartiles 1-2, the rest 3-4.
    providers = [world.provider, world.other_provider, *data.providers(db, world.municipality, 8)]
    for index, provider in enumerate(providers):
        body = {"indicator": "socio_economic_profile", "period": "2025", "value": 10.0 * (index + 1)}
        url = f"/api/v1/providers/{provider.id}/indicator-values"
        assert client.post(url, json=body, headers=world.headers(Role.SUPERVISOR)).status_code == 201
    weakest, strongest = providers[:2], providers[-2:]  # quartile 1 and quartile 4
    supervisor, anna = world.users[Role.SUPERVISOR], colleagues[0]
    data.led_by(db, supervisor, [50.0] * 5, weakest, SPRING)
    data.led_by(db, anna, [50.0] * 3, weakest, SPRING)
    data.led_by(db, anna, [80.0] * 6, strongest, SPRING)

    body = read(client, world)

    seen = by_name(body)[supervisor.full_name]
    assert body["grouped_by_socio_economic_quartile"] is True
    assert (seen["mean_difference"], seen["compared_by_quartile"], seen["flagged"]) == (0.0, 5, False)


# --- national scale: set-based --------------------------------------------------------------------------------


@pytest.fixture
def statements(connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    yield seen
    event.remove(connection, "before_cursor_execute", note)


def _history(db: Session, world: World, colleagues, institutions, visits: int) -> None:
    instrument = data.instrument(db, world.municipality)
    for supervisor in (world.users[Role.SUPERVISOR], *colleagues):
        for i in range(visits):
            held = date.fromordinal(SPRING.toordinal() - 30 * i)
            provider = institutions[i % len(institutions)]
            visit = data.assessed(db, provider, supervisor, 60.0 + i % 30, held, instrument_id=instrument.id)
            data.observed(db, visit, data.every_item(3))
            data.own(db, provider, instrument, held, data.every_item(4))


@pytest.mark.parametrize("visits", [2, 8])
def test_the_calibration_reads_a_fixed_number_of_queries_and_loads_no_row_as_an_object(
    client, db: Session, world: World, colleagues, institutions, statements, visits: int
):
    _history(db, world, colleagues, institutions, visits)
    loaded: Counter = Counter()

    def count(target, _context) -> None:
        loaded[type(target).__name__] += 1

    tables = (Assessment, Observation, OwnObservation, Provider, Visit)
    for table in tables:
        event.listen(table, "load", count)
    db.expunge_all()
    statements.clear()
    try:
        body = read(client, world)
    finally:
        for table in tables:
            event.remove(table, "load", count)

    assert sum(s["led"] for s in body["supervisors"]) == 3 * visits
    assert by_name(body)[world.users[Role.SUPERVISOR].full_name]["own_observations"]["visits"] == visits
    assert not loaded
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The caller; the assessments; the profiles; own observations; earlier visits; observations; instruments; names;
    # the policy. However many visits.
    assert len(reads) <= 9, reads
