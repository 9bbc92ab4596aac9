"""The provider's own observations beside a visit: in its dialogue view and evidence, and never in its assessment."""

from __future__ import annotations

from datetime import date

import pytest

from api.clock import today
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from tests.api.conftest import World
from tests.support import factories, visit_data
from tests.support.own_observations import every_item, own_url, record_own
from tests.support.workflow import (
    HELD_ON,
    VISITS,
    complete,
    complete_visit,
    demo_instrument_id,
    hold_dialogue,
    observe,
    plan_visit,
)

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


@pytest.fixture
def planned(client, db, world: World) -> dict:
    """An announced visit to world.provider with the demo instrument; the supervisor scored every item 4 (75 %)."""
    supervisor = world.headers(Role.SUPERVISOR)
    visit = plan_visit(
        client,
        supervisor,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=demo_instrument_id(db, world.municipality.id),
    )
    observe(client, supervisor, visit["id"], every_item(4))
    return visit


def test_a_staff_members_own_observation_shows_in_the_dialogue_view_beside_the_supervisors(
    client, world: World, planned: dict
):
    mine = record_own(client, world.headers(Role.STAFF), world.provider.id, scores=every_item(2))  # 25 %
    hold_dialogue(client, world.headers(Role.SUPERVISOR), planned["id"])

    for role in (Role.SUPERVISOR, Role.LEADER, Role.STAFF):
        view = client.get(f"{VISITS}/{planned['id']}/dialogue", headers=world.headers(role))
        assert view.status_code == 200, view.text
        beside = view.json()["side_by_side"]
        assert (beside["source"], beside["counted"], beside["supervisor_observations"]) == ("provider", False, 1)
        [own] = beside["own_observations"]
        assert (own["id"], own["source"], own["recorded_by_role"], own["compared"]) == (
            mine["id"],
            "provider",
            "staff",
            True,
        )
        assert [t["key"] for t in beside["themes"]] == [t.key for t in DEMO_INSTRUMENT.themes()]
        for part in beside["areas"] + beside["themes"]:
            assert (part["supervisor_percent"], part["provider_percent"]) == (75.0, 25.0)
            assert (part["difference"], part["differs"]) == (-50.0, True)
        assert world.users[Role.STAFF].full_name not in view.text
    assert view.json()["summary"].startswith("Vi talte om læringsmiljøet")


def test_a_part_where_the_two_agree_within_fifteen_points_is_not_flagged(client, world: World, planned: dict):
    close = every_item(4) | {"body_senses_movement_1": 3}  # that theme 66.6 % against 75 %
    record_own(client, world.headers(Role.LEADER), world.provider.id, scores=close)

    beside = client.get(f"{VISITS}/{planned['id']}/dialogue", headers=world.headers(Role.LEADER)).json()["side_by_side"]

    flagged = {t["key"]: (t["provider_percent"], t["differs"]) for t in beside["themes"]}
    assert flagged["body_senses_movement"] == (66.6, False)
    assert flagged["social_development"] == (75.0, False)


def test_an_own_observation_changes_no_assessment(client, db, world: World):
    """Two providers, the same supervisor's scores; one has a very low own observation. Their results are the same."""
    supervisor = world.headers(Role.SUPERVISOR)
    instrument_id = demo_instrument_id(db, world.municipality.id)
    record_own(client, world.headers(Role.STAFF), world.provider.id, observed_on=HELD_ON, scores=every_item(1))

    results = []
    for provider in (world.provider, world.other_provider):
        done = complete_visit(
            client,
            supervisor,
            provider_id=provider.id,
            supervisor_id=world.users[Role.SUPERVISOR].id,
            instrument=DEMO_INSTRUMENT,
            instrument_id=instrument_id,
            percent=80,
        )
        assert done.status_code == 200, done.text
        results.append(done.json())

    with_own, without = results
    same = ("percent", "coverage", "insufficient_observation", "band_key", "concern", "concern_from_score", "parts")
    [assessed], [unaffected] = with_own["assessments"], without["assessments"]
    assert {k: assessed[k] for k in same} == {k: unaffected[k] for k in same}
    assert (assessed["percent"], assessed["band_key"], assessed["concern"]) == (80.0, "good", "none")
    assert with_own["escalation"] == without["escalation"]
    # ... while the own observation is right there beside the visit, scored 0 %.
    view = client.get(f"{VISITS}/{with_own['id']}/dialogue", headers=world.headers(Role.LEADER)).json()
    assert {t["provider_percent"] for t in view["side_by_side"]["themes"]} == {0.0}


def test_the_evidence_shows_the_providers_own_observations_marked_as_theirs(client, world: World, planned: dict):
    mine = record_own(client, world.headers(Role.STAFF), world.provider.id, scores=every_item(5))

    evidence = client.get(f"{VISITS}/{planned['id']}/evidence", headers=world.headers(Role.SUPERVISOR))

    assert evidence.status_code == 200, evidence.text
    beside = evidence.json()["own_observations"]
    assert beside["source"] == "provider"
    assert [o["id"] for o in beside["own_observations"]] == [mine["id"]]
    assert {(a["supervisor_percent"], a["provider_percent"], a["differs"]) for a in beside["areas"]} == {
        (75.0, 100.0, True)
    }


def test_only_own_observations_since_the_previous_visit_sit_beside_the_next(client, db, world: World, planned: dict):
    visit_data.visit(db, world.provider, world.users[Role.SUPERVISOR], held_on=date(2026, 6, 1))
    staff = world.headers(Role.STAFF)
    record_own(client, staff, world.provider.id, observed_on="2026-05-01")  # beside the June visit
    record_own(client, staff, world.provider.id, observed_on="2026-06-01")  # made alongside the June visit
    later = record_own(client, staff, world.provider.id, observed_on="2026-07-01")

    beside = client.get(f"{VISITS}/{planned['id']}/dialogue", headers=staff).json()["side_by_side"]

    assert [o["id"] for o in beside["own_observations"]] == [later["id"]]
    assert (beside["observed_after"], beside["observed_up_to"]) == ("2026-06-01", None)


def test_a_completed_visit_shows_own_observations_up_to_its_day_only(client, world: World, planned: dict):
    staff, supervisor = world.headers(Role.STAFF), world.headers(Role.SUPERVISOR)
    same_day = record_own(client, staff, world.provider.id, observed_on=HELD_ON)
    record_own(client, staff, world.provider.id, observed_on="2026-11-21")  # after the visit: the next one's
    hold_dialogue(client, supervisor, planned["id"])
    assert complete(client, supervisor, planned["id"]).status_code == 200

    beside = client.get(f"{VISITS}/{planned['id']}/dialogue", headers=staff).json()["side_by_side"]

    assert [o["id"] for o in beside["own_observations"]] == [same_day["id"]]
    assert beside["observed_up_to"] == HELD_ON


def test_an_own_observation_with_another_instrument_is_listed_but_not_compared(client, db, world: World, planned):
    definition = DEMO_INSTRUMENT.to_dict() | {"version": "2"}
    imported = client.post("/api/v1/instruments", json=definition, headers=world.headers(Role.ADMIN))
    assert imported.status_code == 201, imported.text
    newer = record_own(client, world.headers(Role.STAFF), world.provider.id, scores=every_item(1))
    assert newer["instrument_id"] == imported.json()["id"]  # the current instrument is the one imported last

    beside = client.get(f"{VISITS}/{planned['id']}/dialogue", headers=world.headers(Role.STAFF)).json()["side_by_side"]

    assert [(o["id"], o["compared"]) for o in beside["own_observations"]] == [(newer["id"], False)]
    assert {t["provider_percent"] for t in beside["themes"]} == {None}


def test_own_observation_routes_never_reveal_a_planned_unannounced_visit(client, db, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    secret = plan_visit(
        client,
        supervisor,
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        kind="unannounced",
        instrument_id=demo_instrument_id(db, world.municipality.id),
    )
    staff = world.headers(Role.STAFF)
    mine = record_own(client, staff, world.provider.id)

    answers = [
        client.get(own_url(world.provider.id), headers=staff),
        client.get(f"/api/v1/own-observations/{mine['id']}", headers=staff),
    ]
    assert all(a.status_code == 200 and secret["id"] not in a.text for a in answers)
    for role in (Role.STAFF, Role.LEADER):
        assert client.get(f"{VISITS}/{secret['id']}/dialogue", headers=world.headers(role)).status_code == 404
    seen_by_supervisor = client.get(f"{VISITS}/{secret['id']}/dialogue", headers=supervisor)
    assert [o["id"] for o in seen_by_supervisor.json()["side_by_side"]["own_observations"]] == [mine["id"]]


def test_another_municipality_cannot_see_a_visits_dialogue_view(client, world: World, planned: dict, settings):
    neighbour = factories.headers_for(settings, world.neighbour_admin)
    assert client.get(f"{VISITS}/{planned['id']}/dialogue", headers=neighbour).status_code == 404
    assert client.get(f"{VISITS}/{planned['id']}/dialogue", headers=world.headers(Role.PARENT_BOARD)).status_code == 403


def test_a_visit_without_an_instrument_lists_own_observations_without_a_comparison(client, db, world: World):
    demo_instrument_id(db, world.municipality.id)
    visit = plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        kind="intensified",
        instrument_id=None,
    )
    mine = record_own(client, world.headers(Role.LEADER), world.provider.id)

    beside = client.get(f"{VISITS}/{visit['id']}/dialogue", headers=world.headers(Role.LEADER)).json()["side_by_side"]

    assert [(o["id"], o["compared"]) for o in beside["own_observations"]] == [(mine["id"], False)]
    assert (beside["instrument_id"], beside["areas"], beside["themes"]) == (None, [], [])
