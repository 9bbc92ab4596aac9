"""The publication tracker (dagtilbudsloven §5): every report the law requires, the last one published, and what is
overdue.

Done when 4 of issue 5: a provider whose last published report is older than two years is overdue, and the
dagpleje is one combined report however many dagplejere it has.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

import pytest
from sqlmodel import Session

import api.clock
from api.tables import PolicyVersion, Provider, Report, Unit
from domain.access import Role
from domain.policy import KOLDING_DEFAULT
from domain.providers import ProviderKind, UnitKind
from tests.api.conftest import World
from tests.support import factories
from tests.support import published as data

TRACKER = "/api/v1/publication-tracker"
TODAY = date(2026, 6, 15)
LONG_AGO = date(2020, 1, 1)


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


@dataclass
class Scene:
    old: Provider  # last published report more than two years ago
    old_report: Report
    recent: Provider  # published last month
    recent_report: Report
    dagpleje: Provider  # twelve dagplejere, one combined report
    dagpleje_report: Report
    institution: Provider  # three units: three unit reports, one of them published
    units: list[Unit]
    unit_report: Report


def provider(db: Session, world: World, name: str, **values) -> Provider:
    row = factories.provider(db, world.municipality, name=name, **values)
    return data.registered(db, row, LONG_AGO)


def unit(db: Session, owner: Provider, name: str, kind: UnitKind = UnitKind.DEPARTMENT, on: date = LONG_AGO) -> Unit:
    return data.registered(db, factories.unit(db, owner, name=name, kind=kind), on)


@pytest.fixture
def scene(db: Session, world: World) -> Scene:
    supervisor = world.users[Role.SUPERVISOR]
    world.provider.name, world.other_provider.name = "A-huset", "B-huset"
    old = data.registered(db, world.provider, LONG_AGO)
    recent = data.registered(db, world.other_provider, LONG_AGO)
    old_report = data.report(db, old, supervisor, published_on=date(2024, 3, 1), band="tilstrækkelig")
    data.report(db, old, supervisor, status="draft")  # a newer report that is not published does not count
    data.report(db, old, supervisor, status="final")
    recent_report = data.report(db, recent, supervisor, published_on=date(2026, 5, 10))

    dagpleje = provider(db, world, "Dagplejen Fjord", kind=ProviderKind.MUNICIPAL_CHILDMINDING)
    for n in range(12):
        unit(db, dagpleje, f"Dagplejer {n + 1:02d}", UnitKind.CHILDMINDER)
    dagpleje_report = data.report(db, dagpleje, supervisor, published_on=date(2025, 1, 15), scope="combined")

    institution = provider(db, world, "C-huset")
    units = [unit(db, institution, f"C {name}") for name in ("Bakken", "Engen", "Skoven")]
    unit_report = data.report(db, institution, supervisor, published_on=date(2025, 2, 1), scope="unit", unit=units[0])
    # A report for the whole institution does not stand in for the unit reports the law asks of it.
    data.report(db, institution, supervisor, published_on=date(2026, 1, 1))

    closed = provider(db, world, "Lukket Børnehus", status="closed", closed_on=date(2025, 12, 31))
    data.report(db, closed, supervisor, published_on=date(2021, 1, 1))
    return Scene(old, old_report, recent, recent_report, dagpleje, dagpleje_report, institution, units, unit_report)


def rows(response) -> list[tuple[str, str, str | None, str, bool]]:
    """(provider, scope, unit, next_due, overdue) of each row, in the order given."""
    assert response.status_code == 200, response.text
    return [
        (r["provider_name"], r["scope"], r["unit_name"], r["next_due"], r["overdue"]) for r in response.json()["items"]
    ]


def row_of(response, provider: Provider, unit: Unit | None = None) -> dict:
    assert response.status_code == 200, response.text
    (found,) = [
        r
        for r in response.json()["items"]
        if r["provider_id"] == str(provider.id) and r["unit_id"] == (str(unit.id) if unit else None)
    ]
    return found


def test_every_required_report_is_listed_overdue_first_then_by_due_date(client, world: World, scene: Scene):
    response = client.get(TRACKER, headers=world.headers(Role.ADMIN))

    assert rows(response) == [
        ("C-huset", "unit", "C Engen", "2021-12-31", True),
        ("C-huset", "unit", "C Skoven", "2021-12-31", True),
        ("A-huset", "provider", None, "2026-03-01", True),
        ("Dagplejen Fjord", "combined", None, "2027-01-15", False),
        ("C-huset", "unit", "C Bakken", "2027-02-01", False),
        ("B-huset", "provider", None, "2028-05-10", False),
    ]
    body = response.json()
    assert (body["as_of"], body["cycle_months"], body["policy_version"]) == ("2026-06-15", 24, 0)


def test_a_provider_whose_last_report_is_older_than_two_years_is_overdue(client, world: World, scene: Scene):
    row = row_of(client.get(TRACKER, headers=world.headers(Role.SUPERVISOR)), scene.old)

    assert row["last_report"] == {
        "report_id": str(scene.old_report.id),
        "published_on": "2024-03-01",
        "first_published_on": "2024-03-01",
        "report_version": 1,
        "band_label": "tilstrækkelig",
        "concern_label": "ingen bekymring",
    }
    assert (row["due_from"], row["next_due"], row["overdue"], row["days_overdue"]) == (
        "last_report",
        "2026-03-01",
        True,
        106,
    )
    assert (row["scope_label"], row["provider_kind"]) == ("hele dagtilbuddet", "municipal_institution")


def test_a_provider_with_a_report_published_last_month_is_not_overdue(client, world: World, scene: Scene):
    row = row_of(client.get(TRACKER, headers=world.headers(Role.ADMIN)), scene.recent)

    assert row["last_report"]["report_id"] == str(scene.recent_report.id)
    assert (row["next_due"], row["overdue"], row["days_overdue"]) == ("2028-05-10", False, 0)


def test_the_dagpleje_is_one_combined_report_however_many_dagplejere(client, world: World, scene: Scene):
    response = client.get(TRACKER, headers=world.headers(Role.ADMIN), params={"provider_id": str(scene.dagpleje.id)})

    (row,) = response.json()["items"]
    assert (row["scope"], row["scope_label"], row["unit_id"]) == ("combined", "samlet rapport for dagplejen", None)
    assert row["provider_kind_label"] == "kommunal dagpleje"
    assert row["last_report"]["report_id"] == str(scene.dagpleje_report.id)
    assert (row["next_due"], row["overdue"]) == ("2027-01-15", False)


def test_an_institution_with_three_units_needs_three_unit_reports(client, world: World, scene: Scene):
    params = {"provider_id": str(scene.institution.id)}
    response = client.get(TRACKER, headers=world.headers(Role.ADMIN), params=params)

    items = response.json()["items"]
    assert sorted(r["unit_id"] for r in items) == sorted(str(u.id) for u in scene.units)
    assert {r["scope"] for r in items} == {"unit"}
    published = row_of(response, scene.institution, scene.units[0])
    assert published["last_report"]["report_id"] == str(scene.unit_report.id)
    never = row_of(response, scene.institution, scene.units[1])
    assert (never["last_report"], never["due_from"], never["days_overdue"]) == (None, "registration", 1627)


def test_a_unit_registered_later_is_due_a_cycle_after_its_own_registration(client, db: Session, world: World):
    house = provider(db, world, "D-huset")
    unit(db, house, "D Gammel")
    new = unit(db, house, "D Ny", on=date(2026, 5, 1))

    response = client.get(TRACKER, headers=world.headers(Role.ADMIN), params={"provider_id": str(house.id)})
    assert rows(response) == [
        ("D-huset", "unit", "D Gammel", "2021-12-31", True),
        ("D-huset", "unit", "D Ny", "2028-04-30", False),
    ]
    assert row_of(response, house, new)["due_from"] == "registration"


def test_a_correction_keeps_the_day_its_first_version_was_published(client, db: Session, world: World, scene: Scene):
    correction = data.superseded_by(db, scene.old_report, world.users[Role.SUPERVISOR], scene.old, date(2026, 6, 1))

    row = row_of(client.get(TRACKER, headers=world.headers(Role.ADMIN)), scene.old)
    assert row["last_report"]["report_id"] == str(correction.id)
    assert row["last_report"]["published_on"] == "2026-06-01"
    assert (row["last_report"]["first_published_on"], row["last_report"]["report_version"]) == ("2024-03-01", 2)
    # Correcting the report does not reset the two-year clock: still due two years after 1 March 2024.
    assert (row["next_due"], row["overdue"], row["due_from"]) == ("2026-03-01", True, "last_report")


def test_a_private_pasningsordning_is_never_overdue_by_law_and_a_late_puljeordning_is(
    client, db: Session, world: World
):
    supervisor = world.users[Role.SUPERVISOR]
    provider(db, world, "Privat pasning Ternen", kind=ProviderKind.PRIVATE_CHILDMINDING)
    special = provider(db, world, "Specialgruppen Delfinen", kind=ProviderKind.SPECIAL_DAYCARE)
    data.report(db, special, supervisor, published_on=date(2021, 3, 1))
    pool = provider(db, world, "Puljeordningen Skovly", kind=ProviderKind.PULJEORDNING)
    data.report(db, pool, supervisor, published_on=date(2024, 3, 1))
    admin = world.headers(Role.ADMIN)

    response = client.get(TRACKER, headers=admin)
    shown = {r["provider_name"]: r for r in response.json()["items"]}
    for name in ("Privat pasning Ternen", "Specialgruppen Delfinen"):
        row = shown[name]  # shown, followed by the policy, with no duty and no due date under Kolding's default
        assert (row["ground"], row["next_due"], row["status"]) == ("none", None, None)
        assert (row["overdue"], row["overdue_by_law"], row["due_from"]) == (False, False, None)
    assert shown["Specialgruppen Delfinen"]["last_report"]["published_on"] == "2021-03-01"
    late = shown["Puljeordningen Skovly"]
    assert (late["ground"], late["ground_label"], late["provider_kind_label"]) == (
        "law",
        "lovkrav (dagtilbudsloven §5, stk. 2)",
        "puljeordning",
    )
    assert (late["next_due"], late["status"], late["overdue"], late["overdue_by_law"]) == (
        "2026-03-01",
        "overdue",
        True,
        True,
    )
    overdue = client.get(TRACKER, headers=admin, params={"overdue_only": "true"}).json()["items"]
    assert "Puljeordningen Skovly" in {r["provider_name"] for r in overdue}
    assert not {"Privat pasning Ternen", "Specialgruppen Delfinen"} & {r["provider_name"] for r in overdue}


def test_a_report_the_policy_asks_of_a_private_pasningsordning_is_due_on_the_policys_ground_never_by_law(
    client, db: Session, world: World
):
    private = provider(db, world, "Privat pasning Ternen", kind=ProviderKind.PRIVATE_CHILDMINDING)
    asking = replace(KOLDING_DEFAULT, policy_report_kinds=(ProviderKind.PRIVATE_CHILDMINDING,))
    db.add(
        PolicyVersion(
            municipality_id=world.municipality.id,
            number=1,
            effective_from=date(2026, 1, 1),
            document=asking.to_dict(),
            created_by="Forvaltningen",
        )
    )
    db.commit()

    row = row_of(client.get(TRACKER, headers=world.headers(Role.ADMIN)), private)
    assert (row["ground"], row["ground_label"], row["next_due"]) == ("policy", "kommunens tilsynspolitik", "2021-12-31")
    assert (row["overdue"], row["overdue_by_law"], row["status"]) == (True, False, "overdue")


def test_closed_providers_and_other_municipalities_are_not_listed(client, db: Session, world: World, scene: Scene):
    data.report(db, world.neighbour_provider, world.neighbour_admin, published_on=date(2020, 1, 1))

    names = {r[0] for r in rows(client.get(TRACKER, headers=world.headers(Role.ADMIN)))}
    assert names == {"A-huset", "B-huset", "C-huset", "Dagplejen Fjord"}
    neighbours = client.get(TRACKER, headers=factories.headers_for(world.settings, world.neighbour_admin))
    assert [r[0] for r in rows(neighbours)] == [world.neighbour_provider.name]


def test_the_filters_narrow_the_list(client, world: World, scene: Scene):
    admin = world.headers(Role.ADMIN)

    overdue = rows(client.get(TRACKER, headers=admin, params={"overdue_only": "true"}))
    assert [(r[0], r[2]) for r in overdue] == [("C-huset", "C Engen"), ("C-huset", "C Skoven"), ("A-huset", None)]
    assert rows(client.get(TRACKER, headers=admin, params={"provider_id": str(scene.recent.id)})) == [
        ("B-huset", "provider", None, "2028-05-10", False)
    ]
    not_ours = client.get(TRACKER, headers=admin, params={"provider_id": str(world.neighbour_provider.id)})
    assert rows(not_ours) == []


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.COMMITTEE])
def test_the_administration_and_the_committee_may_read_it(client, world: World, scene: Scene, role: Role):
    assert client.get(TRACKER, headers=world.headers(role)).status_code == 200
    assert client.get(f"{TRACKER}.csv", headers=world.headers(role)).status_code == 200


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_provider_roles_may_not_read_it(client, world: World, role: Role):
    for url in (TRACKER, f"{TRACKER}.csv"):
        response = client.get(url, headers=world.headers(role))
        assert response.status_code == 403, response.text
        assert response.json()["type"] == "urn:tilsyn:problem:forbidden"


def test_it_needs_a_token(client, world: World):
    assert client.get(TRACKER).status_code == 401
    assert client.get(f"{TRACKER}.csv").status_code == 401


def test_the_csv_is_the_same_list_with_danish_headers(client, world: World, scene: Scene):
    response = client.get(f"{TRACKER}.csv", headers=world.headers(Role.COMMITTEE))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0] == [
        "Dagtilbud",
        "Dagtilbudstype",
        "Rapport for",
        "Afdeling",
        "Seneste offentliggjorte rapport",
        "Vurdering",
        "Bekymringsniveau",
        "Pligt",
        "Næste rapport senest",
        "Fristen regnes fra",
        "Overskredet",
        "Dage over fristen",
    ]
    body = lines[1:]
    assert len(body) == len(client.get(TRACKER, headers=world.headers(Role.COMMITTEE)).json()["items"]) == 6
    assert body[2] == [
        "A-huset",
        "kommunal daginstitution",
        "hele dagtilbuddet",
        "",
        "2024-03-01",
        "tilstrækkelig",
        "ingen bekymring",
        "lovkrav (dagtilbudsloven §5, stk. 2)",
        "2026-03-01",
        "seneste rapport",
        "ja",
        "106",
    ]
    assert body[0][:5] == ["C-huset", "kommunal daginstitution", "afdeling", "C Engen", "ingen"]
    assert [line[0] for line in body].count("Dagplejen Fjord") == 1


def test_the_ground_cites_the_report_duty_as_numbered_on_the_day_the_report_falls_due(
    client, db: Session, world: World
):
    supervisor = world.users[Role.SUPERVISOR]
    due_in_2024 = provider(db, world, "Gammelhuset")
    data.report(db, due_in_2024, supervisor, published_on=date(2022, 6, 1))  # due 2024-06-01, still not met
    due_in_2026 = provider(db, world, "Nyhuset")
    data.report(db, due_in_2026, supervisor, published_on=date(2024, 9, 1))  # due 2026-09-01

    rows = {r["provider_name"]: r for r in client.get(TRACKER, headers=world.headers(Role.ADMIN)).json()["items"]}

    late, coming = rows["Gammelhuset"], rows["Nyhuset"]
    assert (late["next_due"], late["overdue_by_law"]) == ("2024-06-01", True)
    assert late["ground_label"] == "lovkrav (dagtilbudsloven §5, stk. 3)"  # the duty it broke, as numbered then
    assert (coming["next_due"], coming["overdue"]) == ("2026-09-01", False)
    assert coming["ground_label"] == "lovkrav (dagtilbudsloven §5, stk. 2)"  # L 48 renumbered it from 2025
