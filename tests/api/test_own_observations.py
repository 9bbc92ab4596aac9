"""The provider's own observations: who records and reads them, for which provider, and how they are checked."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from api.clock import today
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories, visit_data
from tests.support.own_observations import ITEMS, every_item, own_url, record_own
from tests.support.payloads import PROBLEM
from tests.support.workflow import demo_instrument_id, plan_visit

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(app, db, world: World):
    app.dependency_overrides[today] = lambda: TODAY
    demo_instrument_id(db, world.municipality.id)  # the municipality's current instrument


@pytest.mark.parametrize("role", [Role.LEADER, Role.STAFF])
def test_leader_and_staff_record_an_own_observation_with_the_municipalitys_current_instrument(
    client, db, world: World, role: Role
):
    created = client.post(
        own_url(world.provider.id),
        json={"observed_on": "2026-11-15", "scores": every_item(3), "notes": "Vi så på garderoben."},
        headers=world.headers(role),
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["instrument_id"] == demo_instrument_id(db, world.municipality.id)
    assert body["source"] == "provider"
    assert body["recorded_by"] == str(world.users[role].id)
    assert body["recorded_by_role"] == role.value
    assert world.users[role].full_name not in created.text  # a role beside a score, never a name
    read = client.get(created.headers["location"], headers=world.headers(Role.SUPERVISOR))
    assert read.status_code == 200
    assert read.json() == body


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_a_supervisor_cannot_record_an_observation_as_the_providers_own(client, world: World, role: Role):
    response = client.post(
        own_url(world.provider.id),
        json={"observed_on": "2026-11-15", "scores": every_item(5)},
        headers=world.headers(role),
    )

    assert response.status_code == 403
    assert response.headers["content-type"].startswith(PROBLEM)
    assert "own-observations:record" in response.json()["detail"]
    listed = client.get(own_url(world.provider.id), headers=world.headers(Role.LEADER)).json()
    assert listed["items"] == []


def test_an_own_observation_cannot_be_recorded_for_a_visit(client, world: World):
    visit = plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=None,
        kind="unannounced",
    )

    refused = record_own(client, world.headers(Role.STAFF), world.provider.id, visit_id=visit["id"], expect=422)

    assert [e["location"] for e in refused["errors"]] == ["body.visit_id"]
    no_such_route = client.post(
        f"/api/v1/visits/{visit['id']}/own-observations",
        json={"observed_on": "2026-11-15", "scores": every_item(5)},
        headers=world.headers(Role.SUPERVISOR),
    )
    assert no_such_route.status_code in (404, 405)


def test_a_leader_cannot_record_or_read_for_another_provider(client, db, world: World, settings):
    leader = world.headers(Role.LEADER)
    record_own(client, leader, world.other_provider.id, expect=404)
    record_own(client, leader, world.neighbour_provider.id, expect=404)
    theirs = record_own(client, world.headers(Role.STAFF), world.provider.id)
    other_leader = factories.headers_for(
        settings, factories.user(db, world.municipality, Role.LEADER, world.other_provider)
    )

    assert client.get(f"/api/v1/own-observations/{theirs['id']}", headers=other_leader).status_code == 404
    assert client.get(own_url(world.provider.id), headers=other_leader).status_code == 404


def test_another_municipality_sees_none_of_the_providers_own_observations(client, db, world: World, settings):
    mine = record_own(client, world.headers(Role.STAFF), world.provider.id)
    visit = visit_data.visit(db, world.provider, world.users[Role.SUPERVISOR])

    for role in (Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        bound = world.neighbour_provider if role.is_provider_bound else None
        neighbour = factories.headers_for(settings, factories.user(db, world.neighbour, role, bound))
        answers = [
            client.get(f"/api/v1/own-observations/{mine['id']}", headers=neighbour),
            client.get(own_url(world.provider.id), headers=neighbour),
            client.post(
                own_url(world.provider.id), json={"observed_on": "2026-11-15", "notes": "x"}, headers=neighbour
            ),
            client.get(f"/api/v1/visits/{visit.id}/dialogue", headers=neighbour),
        ]
        assert [a.status_code for a in answers] == [404] * 4, role
        assert all(a.json()["type"] == "urn:tilsyn:problem:not-found" for a in answers)
    assert client.get(f"/api/v1/own-observations/{uuid.uuid4()}", headers=world.headers(Role.ADMIN)).status_code == 404


@pytest.mark.parametrize("role", [Role.PARENT_BOARD, Role.COMMITTEE])
def test_the_parent_board_and_the_committee_do_not_read_own_observations(client, world: World, role: Role):
    mine = record_own(client, world.headers(Role.STAFF), world.provider.id)

    assert client.get(own_url(world.provider.id), headers=world.headers(role)).status_code == 403
    assert client.get(f"/api/v1/own-observations/{mine['id']}", headers=world.headers(role)).status_code == 403


def test_scores_are_checked_against_the_instrument_as_a_supervisors_are(client, db, world: World):
    other_unit = factories.unit(db, world.other_provider)
    refused = record_own(
        client,
        world.headers(Role.STAFF),
        world.provider.id,
        observed_on="2026-11-23",
        unit_id=str(other_unit.id),
        scores={ITEMS[0]: 6, "no_such_item": 3, ITEMS[1]: None},
        expect=422,
    )

    locations = {e["location"] for e in refused["errors"]}
    assert locations == {"body.observed_on", "body.unit_id", f"body.scores.{ITEMS[0]}", "body.scores.no_such_item"}


def test_notes_are_bounded_and_an_empty_observation_is_refused(client, world: World):
    staff = world.headers(Role.STAFF)
    too_long = record_own(client, staff, world.provider.id, scores={}, notes="x" * 5001, expect=422)
    empty = record_own(client, staff, world.provider.id, scores={}, expect=422)

    assert [e["location"] for e in too_long["errors"]] == ["body.notes"]
    assert [e["location"] for e in empty["errors"]] == ["body"]


def test_a_unit_of_the_provider_may_be_observed_and_filtered_on(client, db, world: World):
    unit = factories.unit(db, world.provider)
    staff = world.headers(Role.STAFF)
    record_own(client, staff, world.provider.id, unit_id=str(unit.id))
    record_own(client, staff, world.provider.id)

    only_unit = client.get(own_url(world.provider.id), params={"unit_id": str(unit.id)}, headers=staff).json()

    assert [o["unit_id"] for o in only_unit["items"]] == [str(unit.id)]


def test_a_providers_own_observations_are_listed_newest_first_a_page_at_a_time(client, world: World):
    staff = world.headers(Role.STAFF)
    for day in ("2026-09-01", "2026-11-01", "2026-10-01"):
        record_own(client, staff, world.provider.id, observed_on=day)

    first = client.get(own_url(world.provider.id), params={"limit": 2}, headers=staff)
    second = client.get(own_url(world.provider.id), params={"cursor": first.json()["next_cursor"]}, headers=staff)

    assert [o["observed_on"] for o in first.json()["items"]] == ["2026-11-01", "2026-10-01"]
    assert 'rel="next"' in first.headers["link"]
    assert [o["observed_on"] for o in second.json()["items"]] == ["2026-09-01"]
    assert second.json()["next_cursor"] is None


def test_recording_an_own_observation_is_in_the_audit_trail(client, world: World):
    mine = record_own(client, world.headers(Role.STAFF), world.provider.id)

    events = client.get("/api/v1/audit-events", params={"entity_id": mine["id"]}, headers=world.headers(Role.ADMIN))

    [event] = events.json()["items"]
    assert (event["action"], event["entity_type"]) == ("own-observations-create", "own_observation")
    assert event["actor_id"] == str(world.users[Role.STAFF].id)
