"""Compliance with the legal minimums over HTTP: per provider, for the municipality, as CSV, and who may read it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import event
from sqlmodel import Session

import api.clock
from api.tables import Provider, UserAccount, Visit
from domain.access import Role
from tests.api.conftest import World
from tests.api.test_auth import bearer, client_token, create_client
from tests.api.test_demo_workflow import load as load_demo
from tests.api.test_demo_workflow import user as demo_user
from tests.support import factories
from tests.support import overview_data as rows

TODAY = date(2026, 7, 1)
MINIMUMS = "/api/v1/compliance"


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


def supervisor(world: World) -> UserAccount:
    return world.users[Role.SUPERVISOR]


def held(db: Session, world: World, provider: Provider, on: date, kind: str = "announced", **kw) -> Visit:
    """A completed visit on `on` that did what the law asks, unless `kw` says otherwise."""
    values = {
        "dialogue_held_on": on,
        "based_on_curriculum": True,
        "data_sources": ["key_figures"],
        "instrument_id": rows.instrument(db, world.municipality).id if kind == "announced" else None,
        **kw,
    }
    return rows.visit(db, provider, supervisor(world), kind=kind, planned_on=on, **values)


def of_provider(client, world: World, provider: Provider, role: Role = Role.ADMIN, **params):
    return client.get(f"/api/v1/providers/{provider.id}/compliance", params=params, headers=world.headers(role))


def minimum(body: dict, name: str) -> dict:
    return next(m for m in body["minimums"] if m["minimum"] == name)


# --- done-when 2: a cycle across 1 January 2025, act by act ---------------------------------------------------


def spanning(db: Session, world: World) -> tuple[Visit, Visit]:
    """A provider whose cycle runs 2024-06-01 to 2026-05-31, with a report published in 2023 before it."""
    rows.registered(db, world.provider, date(2023, 1, 10), name="Børnehuset Spænd", cycle_start=date(2024, 6, 1))
    old = held(db, world, world.provider, date(2023, 3, 1), dialogue_held_on=None)
    rows.report(db, old, on=date(2023, 4, 1))
    in_2024 = held(db, world, world.provider, date(2024, 10, 1))  # key figures only: not the earlier report
    in_2025 = held(db, world, world.provider, date(2025, 3, 4), kind="unannounced")  # the same, under 2025
    return in_2024, in_2025


def test_a_cycle_across_2025_fails_the_2022_data_duty_in_2024_and_meets_the_2025_one_after(client, world, db):
    in_2024, in_2025 = spanning(db, world)
    response = of_provider(client, world, world.provider, cycle_start="2024-06-01")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["cycle_start"], body["cycle_end"]) == ("2024-06-01", "2026-05-31")
    assert [v["key"] for v in body["law_versions"]] == ["2022", "2025"]
    data = minimum(body, "data_and_systematic_observation")
    assert data["status"] == "not_met"
    assert str(in_2024.id) in data["reason"] and "(2022)" in data["reason"]
    assert str(in_2025.id) not in data["reason"]  # relevant data is enough from 2025
    assert [e["id"] for e in data["evidence"] if e["note"].startswith("data:")] == [str(in_2025.id)]
    assert data["status_label"] == "ikke opfyldt"
    assert data["label_da"].startswith("Relevante data")  # as the law at the cycle's end words it


def test_the_report_duty_is_cited_under_each_version_the_cycle_spans(client, world, db):
    spanning(db, world)
    body = of_provider(client, world, world.provider, cycle_start="2024-06-01").json()
    documentation = minimum(body, "written_published_documentation")
    assert documentation["legal_reference"] == (
        "dagtilbudsloven §5, stk. 3, og §5b, stk. 2 (2022); dagtilbudsloven §5, stk. 2, og §5b, stk. 2 (2025)"
    )
    assert minimum(body, "curriculum_foundation")["legal_reference"] == "dagtilbudsloven §5a, stk. 1"


def test_a_visit_that_shows_the_earlier_report_meets_the_2022_data_duty(client, world, db):
    in_2024, _ = spanning(db, world)
    in_2024.data_sources = ["earlier_report", "systematic_observation"]
    db.add(in_2024)
    db.commit()
    body = of_provider(client, world, world.provider, cycle_start="2024-06-01").json()
    assert minimum(body, "data_and_systematic_observation")["status"] == "met"


def test_without_cycle_start_the_current_cycle_is_checked_and_a_day_that_starts_none_is_422(client, world, db):
    spanning(db, world)
    body = of_provider(client, world, world.provider).json()
    assert (body["cycle_start"], body["cycle_end"]) == ("2026-06-01", "2028-05-31")
    assert [m["minimum"] for m in body["minimums"]][:2] == ["curriculum_foundation", "announced_and_unannounced_visits"]
    refused = of_provider(client, world, world.provider, cycle_start="2024-06-02")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "query.cycle_start"
    assert "2024-06-01" in refused.json()["detail"]
    before = of_provider(client, world, world.provider, cycle_start="2022-06-01")
    assert before.status_code == 422
    assert "the first cycle starts on that day, and there is none before it" in before.json()["detail"]


# --- who may read what ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_a_provider_bound_user_reads_their_own_providers_compliance_and_gets_404_for_another(client, world, role):
    assert of_provider(client, world, world.provider, role).status_code == 200
    assert of_provider(client, world, world.other_provider, role).status_code == 404


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR, Role.COMMITTEE])
def test_the_administration_supervisors_and_committee_read_every_providers_compliance(client, world, role):
    assert of_provider(client, world, world.other_provider, role).status_code == 200


def test_another_municipalitys_provider_is_404(client, world):
    response = client.get(
        f"/api/v1/providers/{world.provider.id}/compliance",
        headers=factories.headers_for(world.settings, world.neighbour_admin),
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_the_municipality_view_is_not_for_the_people_of_one_provider(client, world, role):
    assert client.get(MINIMUMS, headers=world.headers(role)).status_code == 403
    assert client.get(MINIMUMS + ".csv", headers=world.headers(role)).status_code == 403


def test_an_integration_client_reads_compliance_only_with_the_scope(client, world):
    with_scope = create_client(client, world, ["compliance:read"])
    without = create_client(client, world, ["providers:read"])
    for created, expected in ((with_scope, 200), (without, 403)):
        token = client_token(client, created).json()["access_token"]
        assert client.get(MINIMUMS, headers=bearer(token)).status_code == expected


# --- done-when 3: the municipality view -----------------------------------------------------------------------


def test_the_committee_reads_counts_per_minimum_and_the_providers_that_fall_short(client, world, db):
    rows.registered(db, world.provider, date(2026, 1, 5), name="Børnehuset Mangel", cycle_start=date(2026, 1, 5))
    rows.registered(db, world.other_provider, date(2026, 1, 5), name="Børnehuset Frisk", cycle_start=date(2026, 1, 5))
    lacking = held(db, world, world.provider, date(2026, 2, 3), based_on_curriculum=False)
    response = client.get(MINIMUMS, headers=world.headers(Role.COMMITTEE))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["providers"], body["compliant_providers"]) == (2, 1)
    assert len(body["minimums"]) == 9
    curriculum = minimum(body, "curriculum_foundation")
    assert curriculum["counts"] == {"met": 0, "not_met": 1, "pending": 1, "not_applicable": 0, "not_required_by_law": 0}
    assert curriculum["not_met"] == [
        {
            "provider_id": str(world.provider.id),
            "provider_name": "Børnehuset Mangel",
            "cycle_start": "2026-01-05",
            "reason": f"Visit {lacking.id} (2026-02-03) is not recorded as based on the pedagogical foundation of the "
            "læreplan.",
        }
    ]
    assert curriculum["legal_reference"] == "dagtilbudsloven §5a, stk. 1"
    assert [v["key"] for v in body["law_versions"]] == ["2025"]
    assert minimum(body, "action_plan_on_serious_concern")["counts"]["not_applicable"] == 2


def test_the_municipality_view_costs_the_same_queries_for_two_providers_as_for_eight(client, world, db, engine):
    for provider in (world.provider, world.other_provider):
        held(db, world, provider, date(2026, 2, 3))

    def statements() -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(MINIMUMS, headers=world.headers(Role.ADMIN)).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    two = statements()
    for _ in range(6):
        more = factories.provider(db, world.municipality)
        held(db, world, more, date(2026, 2, 3))
        rows.report(db, held(db, world, more, date(2026, 3, 3), kind="unannounced"), on=date(2026, 3, 20))
    assert statements() == two


# --- done-when 4: exemption periods ---------------------------------------------------------------------------


def exempt(client, world, **changes):
    body = {"legal_basis": "Velfærdsaftale for dagtilbud", "first_day": "2024-01-01", "last_day": "2025-07-31"}
    return client.post("/api/v1/municipality/exemptions", json={**body, **changes}, headers=world.headers(Role.ADMIN))


def test_an_exemption_shows_not_required_by_law_inside_its_period_and_normal_verdicts_after_it(client, world, db):
    for provider in (world.provider, world.other_provider):
        rows.registered(db, provider, date(2023, 12, 1), cycle_start=date(2024, 1, 1))
    held(db, world, world.provider, date(2024, 3, 5), based_on_curriculum=False)  # inside the exemption
    after = held(db, world, world.other_provider, date(2025, 9, 1), based_on_curriculum=False)  # after it
    created = exempt(client, world)
    assert created.status_code == 201, created.text
    inside = minimum(
        of_provider(client, world, world.provider, cycle_start="2024-01-01").json(), "curriculum_foundation"
    )
    assert (inside["status"], inside["status_label"]) == ("not_required_by_law", "ikke lovkrav i perioden")
    assert inside["policy_status"] == "not_met"  # the policy's own rules still apply
    assert inside["exemption_ids"] == [created.json()["id"]]
    later = minimum(
        of_provider(client, world, world.other_provider, cycle_start="2024-01-01").json(), "curriculum_foundation"
    )
    assert (later["status"], later["policy_status"]) == ("not_met", None)
    assert str(after.id) in later["reason"]


def test_an_admin_records_exemptions_and_anyone_in_the_municipality_reads_them(client, world):
    created = exempt(client, world, minimums=["impartiality"], first_day="2025-01-01")
    assert created.status_code == 201, created.text
    assert created.headers["Location"].endswith(f"/api/v1/municipality/exemptions/{created.json()['id']}")
    assert created.json()["minimums"] == ["impartiality"]
    everything = exempt(client, world).json()
    assert len(everything["minimums"]) == 9  # all, by default
    listed = client.get("/api/v1/municipality/exemptions", headers=world.headers(Role.LEADER))
    assert [e["id"] for e in listed.json()["items"]] == [created.json()["id"], everything["id"]]
    refused = client.post(
        "/api/v1/municipality/exemptions",
        json={"legal_basis": "x", "first_day": "2024-01-01", "last_day": "2024-02-01"},
        headers=world.headers(Role.SUPERVISOR),
    )
    assert refused.status_code == 403
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    path = f"/api/v1/municipality/exemptions/{created.json()['id']}"
    assert client.get(path, headers=neighbour).status_code == 404


def test_an_exemption_create_is_idempotent_with_a_key(client, world):
    body = {"legal_basis": "Velfærdsaftale", "first_day": "2024-01-01", "last_day": "2025-07-31"}
    headers = world.headers(Role.ADMIN, **{"Idempotency-Key": "exemption-1"})
    first = client.post("/api/v1/municipality/exemptions", json=body, headers=headers)
    again = client.post("/api/v1/municipality/exemptions", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert len(client.get("/api/v1/municipality/exemptions", headers=world.headers(Role.ADMIN)).json()["items"]) == 1


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        pytest.param({"last_day": "2023-12-31"}, "body.last_day", id="ends-before-it-starts"),
        pytest.param({"minimums": ["framework"]}, "body.minimums.0", id="not-a-minimum"),
        pytest.param({"minimums": []}, "body.minimums", id="covers-nothing"),
        pytest.param({"legal_basis": ""}, "body.legal_basis", id="no-legal-basis"),
    ],
)
def test_an_exemption_that_is_not_a_period_of_known_minimums_is_422(client, world, changes, location):
    response = exempt(client, world, **changes)
    assert response.status_code == 422, response.text
    assert location in [e["location"] for e in response.json()["errors"]]


def test_ending_an_exemption_early_needs_its_etag_and_a_day_inside_it(client, world):
    created = exempt(client, world)
    path = f"/api/v1/municipality/exemptions/{created.json()['id']}/end"
    admin = world.headers(Role.ADMIN)
    assert client.post(path, json={"last_day": "2024-12-31"}, headers=admin).status_code == 428
    etag = {"If-Match": created.headers["ETag"]}
    too_late = client.post(path, json={"last_day": "2025-08-01"}, headers={**admin, **etag})
    assert too_late.status_code == 422
    assert too_late.json()["errors"][0]["location"] == "body.last_day"
    ended = client.post(path, json={"last_day": "2024-12-31"}, headers={**admin, **etag})
    assert ended.status_code == 200, ended.text
    assert ended.json()["last_day"] == "2024-12-31"
    stale = client.post(path, json={"last_day": "2024-06-30"}, headers={**admin, **etag})
    assert stale.status_code == 412


# --- the CSV for the administration ---------------------------------------------------------------------------


def test_the_csv_has_danish_headers_a_line_per_provider_and_minimum_and_guards_formulas(client, world, db):
    rows.registered(db, world.provider, date(2026, 1, 5), name='=HYPERLINK("x")', cycle_start=date(2026, 1, 5))
    held(db, world, world.provider, date(2026, 2, 3), based_on_curriculum=False)
    response = client.get(MINIMUMS + ".csv", headers=world.headers(Role.ADMIN))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "overholdelse-af-minimumskrav-2026-07-01.csv" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0][:5] == ["Dagtilbud", "Tilsynsperiode fra", "Tilsynsperiode til", "Minimumskrav", "Status"]
    assert len(lines) == 1 + 2 * 9
    mine = [line for line in lines[1:] if line[0] == '\'=HYPERLINK("x")']
    assert len(mine) == 9
    curriculum = mine[0]
    assert curriculum[1:5] == [
        "2026-01-05",
        "2028-01-04",
        "Udgangspunkt i det pædagogiske grundlag i den styrkede pædagogiske læreplan",
        "ikke opfyldt",
    ]
    assert curriculum[6] == "dagtilbudsloven §5a, stk. 1"
    assert client.get(MINIMUMS + ".csv", headers=world.headers(Role.COMMITTEE)).status_code == 200


# --- the facts visits record ----------------------------------------------------------------------------------


def test_a_visit_records_its_data_sources_and_refuses_an_unknown_one_by_name(client, world, db):
    instrument = rows.instrument(db, world.municipality)
    plan = {
        "provider_id": str(world.provider.id),
        "kind": "announced",
        "planned_on": "2026-08-01",
        "supervisor_id": str(supervisor(world).id),
        "instrument_id": str(instrument.id),
    }
    headers = world.headers(Role.SUPERVISOR)
    refused = client.post("/api/v1/visits", json={**plan, "data_sources": ["earlier_report", "KIDS"]}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["location"] == "body.data_sources.1"
    assert "earlier_report" in refused.json()["errors"][0]["detail"]
    sources = ["earlier_report", "key_figures", "earlier_report"]
    created = client.post(
        "/api/v1/visits", json={**plan, "data_sources": sources, "based_on_curriculum": True}, headers=headers
    )
    assert created.status_code == 201, created.text
    assert (created.json()["data_sources"], created.json()["based_on_curriculum"]) == (
        ["earlier_report", "key_figures"],
        True,
    )
    changed = client.patch(
        f"/api/v1/visits/{created.json()['id']}",
        json={"data_sources": ["survey"]},
        headers={**headers, "If-Match": created.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["data_sources"] == ["survey"]


# --- facts from the escalation tables, and the demo -----------------------------------------------------------


def test_serious_concern_is_met_by_intensified_supervision_and_a_plan_written_with_the_leader(client, world, db):
    rows.registered(db, world.provider, date(2026, 1, 5), cycle_start=date(2026, 1, 5))
    raised = held(db, world, world.provider, date(2026, 2, 3))
    rows.assessment(db, raised, percent=20, band=("poor", "ringe"), concern="serious_concern")
    episode = rows.intensified(db, world.provider, date(2026, 2, 3), started_by_visit_id=raised.id)
    plan = rows.action_plan(
        db, episode, supervisor(world), date(2026, 3, 5), created_on=date(2026, 2, 10), approved_on=date(2026, 2, 27)
    )
    body = of_provider(client, world, world.provider).json()
    intensified = minimum(body, "intensified_on_concern")
    assert intensified["status"] == "met"
    assert intensified["evidence"] == [
        {"kind": "intensified_supervision", "id": str(episode.id), "on": "2026-02-03", "note": ""}
    ]
    planned = minimum(body, "action_plan_on_serious_concern")
    assert planned["status"] == "met", planned["reason"]
    assert planned["evidence"][0]["id"] == str(plan.id)
    assert planned["legal_reference"] == "dagtilbudsloven §5b, stk. 4-5"


def test_a_supervisor_with_a_declared_tie_at_the_visit_date_fails_impartiality(client, world, db):
    rows.registered(db, world.provider, date(2026, 1, 5), cycle_start=date(2026, 1, 5))
    visit = held(db, world, world.provider, date(2026, 2, 3))
    tie = {"relation": "conflict", "reason": "Søster er pædagog i huset", "declared_on": "2026-01-20"}
    declared = client.post(
        f"/api/v1/users/{supervisor(world).id}/impartiality-declarations",
        json={"provider_id": str(world.provider.id), **tie},
        headers=world.headers(Role.ADMIN),
    )
    assert declared.status_code == 201, declared.text
    impartial = minimum(of_provider(client, world, world.provider).json(), "impartiality")
    assert impartial["status"] == "not_met"
    assert str(visit.id) in impartial["reason"]


def test_the_demo_municipality_has_compliance_for_every_provider(client, db, app, settings):
    app.dependency_overrides.pop(api.clock.today, None)  # the demo is dated from the real today
    providers = load_demo(db)
    headers = factories.headers_for(settings, demo_user(db, "admin@fjordby.example"))
    response = client.get(MINIMUMS, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["providers"] == len([p for p in providers.values() if p.status == "active"])
    # The demo's cycles began three years ago, so its history is judged: every visit was held as the law asks, and
    # the only breaches are visits whose report the demo never published (a municipality's typical gap).
    for summary in body["minimums"]:
        assert sum(summary["counts"].values()) == body["providers"]
        if summary["minimum"] != "written_published_documentation":
            assert summary["counts"]["not_met"] == 0, summary["not_met"][:1]
    (documentation,) = [m for m in body["minimums"] if m["minimum"] == "written_published_documentation"]
    assert documentation["not_met"], "the demo shows what a missing report looks like"
    assert all("report" in breach["reason"] for breach in documentation["not_met"])
