"""The supervision policy over HTTP: read, publish new versions, the public read, and its legal ground by date."""

from __future__ import annotations

from datetime import date

import pytest

from api.clock import today
from domain.access import Role
from domain.policy import KOLDING_DEFAULT
from tests.api.conftest import World
from tests.support import factories

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


def kolding_document(**overrides):
    return {**KOLDING_DEFAULT.to_dict(), **overrides}


def publish(client, world: World, effective_from: str, policy: dict, role: Role = Role.ADMIN):
    body = {"effective_from": effective_from, "note": "Udvalgets beslutning", "policy": policy}
    return client.post("/api/v1/policy/versions", json=body, headers=world.headers(role))


def test_without_a_published_policy_the_kolding_default_applies(client, world: World):
    response = client.get("/api/v1/policy", headers=world.headers(Role.LEADER))
    assert response.status_code == 200
    body = response.json()
    assert body["is_default"] is True and body["number"] == 0
    assert [b["label_da"] for b in body["policy"]["bands"]] == [
        "fremragende",
        "god",
        "tilstrækkelig",
        "utilstrækkelig",
        "ringe",
    ]
    assert body["policy"]["cycle_months"] == 24


def test_a_policy_breaking_the_rules_is_refused_with_every_problem_listed(client, world: World):
    broken = kolding_document(
        cycle_months=36,
        bands=[
            {"key": "good", "label_da": "god", "lower_bound": 50, "concern": "none"},
            {"key": "poor", "label_da": "ringe", "lower_bound": 20, "concern": "none"},
            {"key": "bad", "label_da": "dårlig", "lower_bound": 20, "concern": "serious_concern"},
        ],
        deadlines={**KOLDING_DEFAULT.to_dict()["deadlines"], "action_plan_days": 0},
    )
    response = publish(client, world, "2027-01-01", broken)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = response.json()["errors"]
    locations = [e["location"] for e in errors]
    assert "body.policy.cycle_months" in locations
    assert "body.policy.deadlines.action_plan_days" in locations
    messages = " ".join(e["detail"] for e in errors)
    assert "gap" in messages  # no band starts at 0
    assert "overlap" in messages  # two bands start at 20
    assert len(errors) >= 4
    assert client.get("/api/v1/policy/versions", headers=world.headers(Role.ADMIN)).json()["items"] == []


def test_publishing_a_version_keeps_the_old_one_in_force_until_its_date(client, world: World):
    stricter = kolding_document(deadlines={**KOLDING_DEFAULT.to_dict()["deadlines"], "action_plan_days": 14})
    created = publish(client, world, "2027-01-01", stricter)
    assert created.status_code == 201, created.text
    assert created.json()["number"] == 1
    assert created.headers["location"].endswith("/api/v1/policy/versions/1")
    # Still the default today; version 1 is readable and listed.
    assert client.get("/api/v1/policy", headers=world.headers(Role.SUPERVISOR)).json()["number"] == 0
    version = client.get("/api/v1/policy/versions/1", headers=world.headers(Role.SUPERVISOR)).json()
    assert version["policy"]["deadlines"]["action_plan_days"] == 14
    assert version["effective_from"] == "2027-01-01"


def test_a_version_in_force_today_is_the_current_policy(client, world: World):
    publish(client, world, TODAY.isoformat(), kolding_document(cycle_months=12))
    current = client.get("/api/v1/policy", headers=world.headers(Role.COMMITTEE)).json()
    assert current["number"] == 1 and current["policy"]["cycle_months"] == 12


def test_a_new_version_cannot_apply_to_the_past_or_before_the_latest(client, world: World):
    past = publish(client, world, "2026-01-01", kolding_document())
    assert past.status_code == 422
    assert past.json()["errors"][0]["location"] == "body.effective_from"
    assert publish(client, world, "2027-03-01", kolding_document()).status_code == 201
    earlier = publish(client, world, "2027-02-01", kolding_document())
    assert earlier.status_code == 422
    assert "Version 1" in earlier.json()["errors"][0]["detail"]


def test_only_the_administration_publishes_a_policy(client, world: World):
    assert publish(client, world, "2027-01-01", kolding_document(), role=Role.SUPERVISOR).status_code == 403


def test_the_public_read_needs_no_token_and_shows_the_policy_in_force(client, world: World):
    publish(client, world, TODAY.isoformat(), kolding_document(cycle_months=18))
    response = client.get(f"/api/v1/public/municipalities/{world.municipality.kommunekode}/policy")
    assert response.status_code == 200
    body = response.json()
    assert body["municipality"] == world.municipality.name
    assert body["version"]["policy"]["cycle_months"] == 18


def move_today(app, day: date) -> None:
    app.dependency_overrides[today] = lambda: day


def test_before_2025_a_policy_is_the_framework_the_law_asks_to_be_published_and_from_2025_it_is_voluntary(
    client, app, world: World
):
    move_today(app, date(2024, 6, 3))
    assert publish(client, world, "2024-07-01", kolding_document()).status_code == 201
    assert publish(client, world, "2025-03-01", kolding_document(cycle_months=18)).status_code == 201
    public = f"/api/v1/public/municipalities/{world.municipality.kommunekode}/policy"

    move_today(app, date(2024, 8, 1))  # version 1 in force, under the 2022 rules
    in_force = client.get("/api/v1/policy", headers=world.headers(Role.LEADER)).json()["legal_basis"]
    assert client.get(public).json()["version"]["legal_basis"] == in_force
    assert (in_force["judged_on"], in_force["law_version"], in_force["required_by_law"]) == ("2024-08-01", "2022", True)
    assert in_force["legal_reference"] == "dagtilbudsloven §5, stk. 2"
    assert "fastsættes og offentliggøres efter dagtilbudsloven §5, stk. 2" in in_force["text_da"]

    move_today(app, TODAY)  # version 2 in force, after L 48 repealed the framework duty
    basis = client.get(public).json()["version"]["legal_basis"]
    assert (basis["judged_on"], basis["law_version"], basis["required_by_law"]) == (TODAY.isoformat(), "2025", False)
    assert basis["legal_reference"] is None
    assert (
        "offentliggør frivilligt" in basis["text_da"] and "ophævet ved L 48, folketingsåret 2024-25" in basis["text_da"]
    )
    assert basis["binding_reference"] == "dagtilbudsloven §5a, stk. 1-6, og §5b, stk. 1-5"
    assert basis["binding_reference"] in basis["text_da"]

    # The history: the version in force is judged today, a superseded one on the day it took effect.
    versions = client.get("/api/v1/policy/versions", headers=world.headers(Role.ADMIN)).json()["items"]
    grounds = {v["number"]: (v["legal_basis"]["judged_on"], v["legal_basis"]["required_by_law"]) for v in versions}
    assert grounds == {2: (TODAY.isoformat(), False), 1: ("2024-07-01", True)}
    one = client.get("/api/v1/policy/versions/1", headers=world.headers(Role.ADMIN)).json()
    assert one["legal_basis"]["legal_reference"] == "dagtilbudsloven §5, stk. 2"


def test_the_default_policy_is_published_voluntarily_today(client, world: World):
    basis = client.get("/api/v1/policy", headers=world.headers(Role.SUPERVISOR)).json()["legal_basis"]
    assert (basis["judged_on"], basis["required_by_law"]) == (TODAY.isoformat(), False)


def test_the_public_read_of_an_unknown_municipality_is_404(client, world: World):
    taken = {world.municipality.kommunekode, world.neighbour.kommunekode}  # each test's data is its own
    unknown = next(code for code in ("998", "997", "996") if code not in taken)
    response = client.get(f"/api/v1/public/municipalities/{unknown}/policy")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:tilsyn:problem:not-found"
    assert client.get("/api/v1/public/municipalities/99x/policy").status_code == 422


def test_another_municipalitys_versions_are_invisible(client, world: World):
    publish(client, world, "2027-01-01", kolding_document())
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get("/api/v1/policy/versions/1", headers=neighbour).status_code == 404


def test_each_problem_points_into_the_request_body(client, world: World):
    broken = kolding_document(deadlines={**KOLDING_DEFAULT.to_dict()["deadlines"], "report_final_days": -1})
    errors = publish(client, world, "2027-01-01", broken).json()["errors"]
    assert [(e["location"], e["pointer"]) for e in errors] == [
        ("body.policy.deadlines.report_final_days", "/policy/deadlines/report_final_days")
    ]
