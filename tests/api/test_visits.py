"""Visits over HTTP: planning with an impartial supervisor, observing, the dialogue, completing and cancelling."""

from __future__ import annotations

from datetime import date

import pytest

from api.clock import today
from domain.access import Role
from domain.instruments import DEMO_INSTRUMENT
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM
from tests.support.workflow import (
    VISITS,
    complete,
    complete_visit,
    demo_instrument_id,
    etag,
    hold_dialogue,
    observe,
    plan_visit,
    score_for_percent,
)

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


@pytest.fixture
def instrument_id(db, world: World) -> str:
    return demo_instrument_id(db, world.municipality.id)


def declare(client, world: World, user, relation: str, reason: str, role: Role = Role.ADMIN, provider=None):
    return client.post(
        f"/api/v1/users/{user.id}/impartiality-declarations",
        json={
            "provider_id": str((provider or world.provider).id),
            "relation": relation,
            "reason": reason,
            "declared_on": "2026-11-01",
        },
        headers=world.headers(role),
    )


def new_visit(client, world: World, instrument_id: str, **fields):
    supervisor = fields.pop("supervisor_id", world.users[Role.SUPERVISOR].id)
    return plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=fields.pop("provider_id", world.provider.id),
        supervisor_id=supervisor,
        instrument_id=instrument_id,
        **fields,
    )


def errors_at(response) -> dict[str, str]:
    return {e["location"]: e["detail"] for e in response.json()["errors"]}


def test_a_supervisor_plans_an_announced_visit_with_an_instrument(client, db, world: World, instrument_id):
    unit = factories.unit(db, world.provider)
    body = {
        "provider_id": str(world.provider.id),
        "kind": "announced",
        "planned_on": "2026-12-03",
        "unit_ids": [str(unit.id)],
        "supervisor_id": str(world.users[Role.SUPERVISOR].id),
        "co_observer_id": str(world.users[Role.ADMIN].id),
        "instrument_id": instrument_id,
    }
    response = client.post(VISITS, json=body, headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 201, response.text
    visit = response.json()
    assert response.headers["location"].endswith(f"/api/v1/visits/{visit['id']}")
    assert response.headers["etag"] == f'"{visit["version"]}"'
    assert visit["status"] == "planned" and visit["kind_label"] == "anmeldt"
    assert visit["unit_ids"] == [str(unit.id)]
    read = client.get(response.headers["location"], headers=world.headers(Role.LEADER))
    assert read.status_code == 200 and read.json()["planned_on"] == "2026-12-03"


def test_planning_refuses_each_bad_value_at_once(client, db, world: World):
    closed_unit = factories.unit(db, world.provider, status="closed")
    foreign_unit = factories.unit(db, world.other_provider)
    body = {
        "provider_id": str(world.provider.id),
        "kind": "announced",
        "planned_on": "2026-12-03",
        "unit_ids": [str(foreign_unit.id), str(closed_unit.id)],
        "supervisor_id": str(world.users[Role.STAFF].id),
        "co_observer_id": str(world.neighbour_admin.id),
    }
    response = client.post(VISITS, json=body, headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 422
    errors = errors_at(response)
    assert set(errors) == {
        "body.unit_ids.0",
        "body.unit_ids.1",
        "body.instrument_id",
        "body.supervisor_id",
        "body.co_observer_id",
    }
    assert "announced" in errors["body.instrument_id"]
    assert "closed" in errors["body.unit_ids.1"]


def test_a_closed_provider_is_not_visited(client, db, world: World, instrument_id):
    closed = factories.provider(db, world.municipality, status="closed")
    response = client.post(
        VISITS,
        json={
            "provider_id": str(closed.id),
            "kind": "unannounced",
            "planned_on": "2026-12-03",
            "supervisor_id": str(world.users[Role.SUPERVISOR].id),
        },
        headers=world.headers(Role.SUPERVISOR),
    )
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM


def test_a_supervisor_who_leads_the_provider_cannot_be_assigned(client, world: World, instrument_id):
    supervisor = world.users[Role.SUPERVISOR]
    assert declare(client, world, supervisor, "leader", "Konstitueret leder i 2025").status_code == 201
    response = client.post(
        VISITS,
        json={
            "provider_id": str(world.provider.id),
            "kind": "announced",
            "planned_on": "2026-12-03",
            "supervisor_id": str(supervisor.id),
            "instrument_id": instrument_id,
        },
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    detail = errors_at(response)["body.supervisor_id"]
    assert "leader" in detail and world.provider.name in detail and "impartially" in detail
    assert response.json()["detail"] == detail
    # The tie is to this provider only: the other provider may be supervised by them.
    new_visit(client, world, instrument_id, provider_id=world.other_provider.id)


def test_a_supervisor_with_a_declared_conflict_cannot_be_assigned_nor_the_co_observer(
    client, world: World, instrument_id
):
    supervisor, admin = world.users[Role.SUPERVISOR], world.users[Role.ADMIN]
    own = declare(client, world, supervisor, "conflict", "Min søster er pædagog i huset", role=Role.SUPERVISOR)
    assert own.status_code == 201, own.text
    assert declare(client, world, admin, "staff", "Vikar i huset hver fredag").status_code == 201

    response = client.post(
        VISITS,
        json={
            "provider_id": str(world.provider.id),
            "kind": "unannounced",
            "planned_on": "2026-12-03",
            "supervisor_id": str(supervisor.id),
            "co_observer_id": str(admin.id),
        },
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 422
    errors = errors_at(response)
    assert "Min søster er pædagog i huset" in errors["body.supervisor_id"]
    assert "conflict of interest" in errors["body.supervisor_id"]
    assert "staff" in errors["body.co_observer_id"]


def test_the_providers_own_leader_is_never_impartial_as_co_observer(client, world: World, instrument_id):
    response = client.post(
        VISITS,
        json={
            "provider_id": str(world.provider.id),
            "kind": "unannounced",
            "planned_on": "2026-12-03",
            "supervisor_id": str(world.users[Role.SUPERVISOR].id),
            "co_observer_id": str(world.users[Role.LEADER].id),
        },
        headers=world.headers(Role.SUPERVISOR),
    )
    assert response.status_code == 422
    assert "leader" in errors_at(response)["body.co_observer_id"]


def test_who_may_record_and_read_ties_to_a_provider(client, world: World):
    supervisor = world.users[Role.SUPERVISOR]
    url = f"/api/v1/users/{supervisor.id}/impartiality-declarations"
    assert declare(client, world, supervisor, "leader", "Selvangivet", role=Role.SUPERVISOR).status_code == 403
    assert (
        declare(client, world, world.users[Role.ADMIN], "conflict", "Ikke min", role=Role.SUPERVISOR).status_code == 403
    )
    assert declare(client, world, supervisor, "conflict", "Nabo til lederen", role=Role.LEADER).status_code == 403
    created = declare(client, world, supervisor, "conflict", "Nabo til lederen", role=Role.SUPERVISOR)
    assert created.status_code == 201
    assert client.get(created.headers["location"], headers=world.headers(Role.SUPERVISOR)).status_code == 200
    again = declare(client, world, supervisor, "conflict", "Nabo til lederen")
    assert again.status_code == 409

    mine = client.get(url, headers=world.headers(Role.SUPERVISOR)).json()["items"]
    assert [(d["relation"], d["reason"]) for d in mine] == [("conflict", "Nabo til lederen")]
    assert client.get(url, headers=world.headers(Role.ADMIN)).json()["items"] == mine
    assert client.get(url, headers=world.headers(Role.LEADER)).status_code == 403
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(url, headers=neighbour).status_code == 404
    foreign = declare(client, world, supervisor, "conflict", "Udenbys", provider=world.neighbour_provider)
    assert foreign.status_code == 422 and "body.provider_id" in errors_at(foreign)


def test_a_leader_never_sees_a_planned_unannounced_visit_to_their_own_provider(client, world: World, instrument_id):
    supervisor = world.headers(Role.SUPERVISOR)
    surprise = new_visit(client, world, None, kind="unannounced")
    announced = new_visit(client, world, instrument_id)
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD):
        headers = world.headers(role)
        assert client.get(f"{VISITS}/{surprise['id']}", headers=headers).status_code == 404, role
        assert client.get(f"{VISITS}/{surprise['id']}/observations", headers=headers).status_code == 404, role
        listed = client.get(VISITS, params={"provider_id": str(world.provider.id)}, headers=headers).json()["items"]
        assert [v["id"] for v in listed] == [announced["id"]], role
        assert client.get(VISITS, params={"kind": "unannounced"}, headers=headers).json()["items"] == []
    supervisors_list = client.get(VISITS, params={"kind": "unannounced"}, headers=supervisor).json()["items"]
    assert [v["id"] for v in supervisors_list] == [surprise["id"]]

    observe(client, supervisor, surprise["id"], notes="Frokost i vuggestuen; rolig stemning.")
    hold_dialogue(client, supervisor, surprise["id"])
    assert complete(client, supervisor, surprise["id"]).status_code == 200
    leader = world.headers(Role.LEADER)
    assert client.get(f"{VISITS}/{surprise['id']}", headers=leader).json()["status"] == "completed"
    assert surprise["id"] in [v["id"] for v in client.get(VISITS, headers=leader).json()["items"]]


def test_other_providers_visits_are_hidden_from_provider_people(client, world: World, instrument_id):
    theirs = new_visit(client, world, instrument_id, provider_id=world.other_provider.id)
    leader = world.headers(Role.LEADER)
    assert client.get(f"{VISITS}/{theirs['id']}", headers=leader).status_code == 404
    assert client.get(VISITS, headers=leader).json()["items"] == []
    assert client.get(VISITS, headers=world.headers(Role.COMMITTEE)).status_code == 403


def test_visits_are_listed_by_planned_date_with_filters_and_pages(client, world: World, instrument_id):
    days = ["2026-12-10", "2026-12-01", "2027-01-05"]
    ids = {day: new_visit(client, world, instrument_id, planned_on=day)["id"] for day in days}
    headers = world.headers(Role.ADMIN)
    first = client.get(VISITS, params={"limit": 2}, headers=headers)
    assert [v["planned_on"] for v in first.json()["items"]] == ["2026-12-01", "2026-12-10"]
    assert 'rel="next"' in first.headers["link"]
    rest = client.get(VISITS, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=headers).json()
    assert [v["id"] for v in rest["items"]] == [ids["2027-01-05"]] and rest["next_cursor"] is None
    window = {"planned_from": "2026-12-02", "planned_to": "2026-12-31", "status": "planned"}
    assert [v["id"] for v in client.get(VISITS, params=window, headers=headers).json()["items"]] == [ids["2026-12-10"]]
    assert client.get(VISITS, params={"cursor": "forged"}, headers=headers).status_code == 422


def test_scores_outside_the_scale_or_unknown_items_are_refused_one_by_one(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    item_a, item_b = (i.key for i in list(DEMO_INSTRUMENT.items())[:2])
    response = observe(
        client,
        world.headers(Role.SUPERVISOR),
        visit["id"],
        {item_a: 6, item_b: 0, "no_such_item": 3},
        expect=422,
    )
    errors = errors_at(response)
    assert set(errors) == {f"body.scores.{item_a}", f"body.scores.{item_b}", "body.scores.no_such_item"}
    assert "1-5" in errors[f"body.scores.{item_a}"]
    fraction = observe(client, world.headers(Role.SUPERVISOR), visit["id"], {item_a: 2.5}, expect=422)
    assert list(errors_at(fraction)) == [f"body.scores.{item_a}"]
    assert client.get(f"{VISITS}/{visit['id']}/observations", headers=world.headers(Role.ADMIN)).json()["items"] == []


def test_an_observation_is_of_one_of_the_visits_units_and_is_kept(client, db, world: World, instrument_id):
    visited, elsewhere = factories.unit(db, world.provider), factories.unit(db, world.provider)
    visit = new_visit(client, world, instrument_id, unit_ids=[visited.id])
    headers = world.headers(Role.SUPERVISOR)
    wrong = observe(client, headers, visit["id"], notes="Leg på stuen", unit_id=elsewhere.id, expect=422)
    assert list(errors_at(wrong)) == ["body.unit_id"]
    assert list(errors_at(observe(client, headers, visit["id"], expect=422))) == ["body"]
    scores = score_for_percent(DEMO_INSTRUMENT, 75)
    created = observe(client, headers, visit["id"], scores, unit_id=visited.id, notes="Rolig formiddag")
    assert created.headers["location"].endswith(f"/observations/{created.json()['id']}")
    listed = client.get(f"{VISITS}/{visit['id']}/observations", headers=world.headers(Role.LEADER)).json()["items"]
    assert listed[0]["scores"] == scores and listed[0]["unit_id"] == str(visited.id)
    assert listed[0]["observed_by"] == world.users[Role.SUPERVISOR].full_name
    observe(client, world.headers(Role.LEADER), visit["id"], notes="Lederens egne noter", expect=403)


def test_completing_without_observation_or_dialogue_names_each_missing_thing(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    headers = world.headers(Role.SUPERVISOR)
    response = complete(client, headers, visit["id"])
    assert response.status_code == 409
    locations = [e["location"] for e in response.json()["errors"]]
    assert locations == ["observations", "dialogue"]
    assert "observation" in response.json()["detail"] and "dialogue" in response.json()["detail"]

    observe(client, headers, visit["id"], notes="Kun noter, ingen scorer")
    hold_dialogue(client, headers, visit["id"])
    unscored = complete(client, headers, visit["id"])
    assert unscored.status_code == 409
    assert [e["location"] for e in unscored.json()["errors"]] == ["observations"]
    assert "scored" in unscored.json()["detail"]
    assert client.get(f"{VISITS}/{visit['id']}", headers=headers).json()["status"] == "planned"


def test_changes_need_the_current_etag(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    headers = world.headers(Role.SUPERVISOR)
    url = f"{VISITS}/{visit['id']}"
    assert client.patch(url, json={"notes": "x"}, headers=headers).status_code == 428
    changed = client.patch(
        url, json={"planned_on": "2026-12-24"}, headers={**headers, "If-Match": f'"{visit["version"]}"'}
    )
    assert changed.status_code == 200 and changed.json()["planned_on"] == "2026-12-24"
    stale = {**headers, "If-Match": f'"{visit["version"]}"'}
    assert client.patch(url, json={"notes": "x"}, headers=stale).status_code == 412
    assert client.post(f"{url}/cancel", json={"reason": "Syg"}, headers=stale).status_code == 412
    observe(client, headers, visit["id"], score_for_percent(DEMO_INSTRUMENT, 75))
    hold_dialogue(client, headers, visit["id"])
    assert complete(client, {**headers, "If-Match": stale["If-Match"]}, visit["id"]).status_code == 412
    assert client.get(url, headers=headers).json()["status"] == "planned"


def test_a_change_checks_impartiality_again(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    admin = world.users[Role.ADMIN]
    declare(client, world, admin, "conflict", "Tidligere ansat i huset")
    url = f"{VISITS}/{visit['id']}"
    headers = world.headers(Role.SUPERVISOR)
    refused = client.patch(url, json={"co_observer_id": str(admin.id)}, headers={**headers, "If-Match": "*"})
    assert refused.status_code == 422
    assert "Tidligere ansat i huset" in errors_at(refused)["body.co_observer_id"]
    no_instrument = client.patch(url, json={"instrument_id": None}, headers={**headers, "If-Match": "*"})
    assert list(errors_at(no_instrument)) == ["body.instrument_id"]


def test_a_planned_visit_is_cancelled_with_a_reason_and_then_stays_as_it_is(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    headers = world.headers(Role.SUPERVISOR)
    url = f"{VISITS}/{visit['id']}"
    cancelled = client.post(
        f"{url}/cancel",
        json={"reason": "Institutionen lukket pga. vandskade"},
        headers={**headers, "If-Match": etag(client, headers, visit["id"])},
    )
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancelled_reason"] == "Institutionen lukket pga. vandskade"
    again = client.post(f"{url}/cancel", json={"reason": "Igen"}, headers={**headers, "If-Match": "*"})
    assert again.status_code == 409
    observe(client, headers, visit["id"], notes="For sent", expect=409)
    assert client.patch(url, json={"notes": "x"}, headers={**headers, "If-Match": "*"}).status_code == 409
    assert client.get(VISITS, params={"status": "cancelled"}, headers=headers).json()["items"][0]["id"] == visit["id"]


def test_only_supervisors_and_the_administration_conduct_visits(client, world: World, instrument_id):
    visit = new_visit(client, world, instrument_id)
    body = {
        "provider_id": str(world.provider.id),
        "kind": "unannounced",
        "planned_on": "2026-12-01",
        "supervisor_id": str(world.users[Role.SUPERVISOR].id),
    }
    for role in (Role.LEADER, Role.STAFF, Role.COMMITTEE):
        headers = world.headers(role)
        assert client.post(VISITS, json=body, headers=headers).status_code == 403, role
        observation = client.post(f"{VISITS}/{visit['id']}/observations", json={"notes": "x"}, headers=headers)
        assert observation.status_code == 403, role
    assert new_visit(client, world, None, kind="unannounced", supervisor_id=world.users[Role.ADMIN].id)


def test_the_audit_trail_records_planning_and_completion(client, world: World, instrument_id):
    response = complete_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=world.users[Role.SUPERVISOR].id,
        instrument_id=instrument_id,
        percent=75,
    )
    assert response.status_code == 200, response.text
    events = client.get(
        "/api/v1/audit-events", params={"entity_id": response.json()["id"]}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    actions = [e["action"] for e in events]
    assert "visits-create" in actions and "visits-complete" in actions and "visits-dialogue" in actions
    completion = next(e for e in events if e["action"] == "visits-complete")
    assert completion["changes"]["status"] == ["planned", "completed"]
    assert completion["actor_id"] == str(world.users[Role.SUPERVISOR].id)
