"""Intensified supervision over HTTP: what a period requires, and the administration's decision to end it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

import api.clock
from api.tables import ActionPlan, RequiredAction
from domain.access import Role
from domain.escalation import ActionKind, EscalationState
from domain.policy import ConcernLevel
from tests.api.conftest import World
from tests.support import escalation_data as data
from tests.support import factories
from tests.support.payloads import PROBLEM

START = date(2026, 1, 12)
PERIODS = "/api/v1/intensified-supervision"
GROUNDS = "Ny vurdering viser ingen bekymring, og handleplanen er gennemført."


@pytest.fixture
def set_today(app):
    def set_to(day: date) -> None:
        app.dependency_overrides[api.clock.today] = lambda: day

    set_to(START)
    return set_to


def end(client, world: World, period_id, grounds: str | None = GROUNDS, role: Role = Role.ADMIN):
    headers = world.headers(role)
    current = client.get(f"{PERIODS}/{period_id}", headers=world.headers(Role.ADMIN))
    body = {} if grounds is None else {"grounds": grounds}
    return client.post(
        f"{PERIODS}/{period_id}/end", json=body, headers={**headers, "If-Match": current.headers["etag"]}
    )


def failing(response) -> set[str]:
    assert response.status_code == 409, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"] == "urn:tilsyn:problem:conflict"
    return {e["location"] for e in response.json()["errors"]}


def test_ending_is_refused_naming_each_unmet_condition_until_all_are_met(client, world: World, db: Session, set_today):
    supervisor = world.users[Role.SUPERVISOR]
    period, _ = data.serious_concern(db, world.provider, supervisor, START)
    plan = data.plan(db, period, supervisor, "approved", approved_on=START + timedelta(days=20))

    # Only the assessment that started it, still serious concern; the plan runs; no grounds.
    set_today(date(2026, 3, 1))
    assert failing(end(client, world, period.id, grounds=None)) == {
        "latest_assessment",
        "latest_assessed_on",
        "action_plan",
        "body.grounds",
    }

    # A later provider-level assessment that still shows concern; grounds too short.
    worse = data.visit(db, world.provider, supervisor, date(2026, 3, 20), kind="intensified")
    data.assessment(db, worse, ConcernLevel.CONCERN, percent=45.0, band_key="inadequate", band_label="utilstrækkelig")
    set_today(date(2026, 4, 1))
    refused = end(client, world, period.id, grounds="ok")
    assert failing(refused) == {"latest_assessment", "action_plan", "body.grounds"}
    assert "bekymring" in refused.json()["detail"]

    # A unit's good assessment does not count for the provider as a whole.
    unit = factories.unit(db, world.provider)
    better = data.visit(db, world.provider, supervisor, date(2026, 5, 4), kind="intensified")
    data.assessment(db, better, ConcernLevel.NONE, unit_id=unit.id)
    set_today(date(2026, 5, 10))
    assert failing(end(client, world, period.id)) == {"latest_assessment", "action_plan"}

    # The provider as a whole now shows no concern, but the plan is not completed.
    data.assessment(db, better, ConcernLevel.NONE, percent=74.0, band_key="good", band_label="god")
    assert failing(end(client, world, period.id)) == {"action_plan"}

    plan.status, plan.completed_on = "completed", date(2026, 5, 8)
    db.add(plan)
    db.commit()
    assert failing(end(client, world, period.id, grounds=" " * 30)) == {"body.grounds"}

    ended = end(client, world, period.id)
    assert ended.status_code == 200, ended.text
    body = ended.json()
    assert body["ended_on"] == "2026-05-10"
    assert body["end_grounds"] == GROUNDS
    assert body["ended_by"] == world.users[Role.ADMIN].full_name
    assert body["open"] is False
    assert body["next_visit_due"] is None
    inform = [a for a in body["required_actions"] if a["kind"] == ActionKind.INFORM_PARENT_BOARD]
    assert [(a["due_on"], a["done"]) for a in inform] == [("2026-06-09", False)]  # the policy's 30 days
    # Tied to the visit that allowed the end, so telling the board about that visit closes it.
    stored = db.exec(
        select(RequiredAction).where(
            RequiredAction.intensified_id == period.id, RequiredAction.kind == "inform_parent_board"
        )
    ).one()
    assert stored.visit_id == better.id

    again = end(client, world, period.id)
    assert failing(again) == {"ended_on"}
    assert "2026-05-10" in again.json()["detail"]


def test_ending_needs_a_new_scored_assessment_without_concern_at_the_provider_and_each_unit_that_caused_it(
    client, world: World, db: Session, set_today
):
    supervisor = world.users[Role.SUPERVISOR]
    west = factories.unit(db, world.provider, name="Afdeling Vest")
    east = factories.unit(db, world.provider, name="Afdeling Øst")
    started_by = data.visit(db, world.provider, supervisor, START)
    data.assessment(db, started_by, ConcernLevel.NONE, percent=55.0)
    data.assessment(db, started_by, ConcernLevel.SERIOUS, unit_id=west.id, percent=25.0)
    data.assessment(db, started_by, ConcernLevel.CONCERN, unit_id=east.id, percent=45.0)
    period = data.intensified(
        db, world.provider, START, started_by=started_by, cause_unit_ids=[str(west.id), str(east.id)]
    )
    data.plan(db, period, supervisor, "completed", completed_on=START + timedelta(days=40))
    west_at, east_at = f"cause_units.{west.id}", f"cause_units.{east.id}"

    # Insufficient observation at the provider; west still ringe; east not assessed since the start.
    first = data.visit(db, world.provider, supervisor, date(2026, 3, 2), kind="intensified")
    data.assessment(db, first, ConcernLevel.NONE, insufficient_observation=True)
    data.assessment(db, first, ConcernLevel.SERIOUS, unit_id=west.id, percent=28.0)
    set_today(date(2026, 3, 3))
    refused = end(client, world, period.id)
    assert failing(refused) == {"latest_assessment.percent", west_at, east_at}
    messages = {e["location"]: e["detail"] for e in refused.json()["errors"]}
    assert "Afdeling Vest" in messages[west_at] and "alvorlig bekymring" in messages[west_at]
    assert "Afdeling Øst" in messages[east_at] and "not been assessed since" in messages[east_at]
    assert "insufficient observation" in messages["latest_assessment.percent"]

    # The provider and east are now fine; west was observed too little to show anything.
    second = data.visit(db, world.provider, supervisor, date(2026, 4, 6), kind="intensified")
    data.assessment(db, second, ConcernLevel.NONE, percent=74.0)
    data.assessment(db, second, ConcernLevel.NONE, unit_id=east.id, percent=71.0)
    data.assessment(db, second, ConcernLevel.NONE, unit_id=west.id, insufficient_observation=True)
    set_today(date(2026, 4, 7))
    refused = end(client, world, period.id)
    assert failing(refused) == {west_at}
    assert "Afdeling Vest" in refused.json()["detail"] and "no score" in refused.json()["detail"]

    third = data.visit(db, world.provider, supervisor, date(2026, 5, 4), kind="intensified")
    data.assessment(db, third, ConcernLevel.NONE, percent=72.0)
    data.assessment(db, third, ConcernLevel.NONE, unit_id=west.id, percent=70.0)
    set_today(date(2026, 5, 5))
    ended = end(client, world, period.id)
    assert ended.status_code == 200, ended.text
    assert ended.json()["cause_units"] == [
        {"id": str(west.id), "name": "Afdeling Vest"},
        {"id": str(east.id), "name": "Afdeling Øst"},
    ]


def test_only_the_administration_ends_intensified_supervision(client, world: World, db: Session, set_today):
    period = data.intensified(db, world.provider, START, state=EscalationState.INTENSIFIED)
    for role in (Role.SUPERVISOR, Role.LEADER, Role.COMMITTEE):
        response = end(client, world, period.id, role=role)
        assert response.status_code == 403, role
        assert "intensified:end" in response.json()["detail"]
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    blind = client.post(f"{PERIODS}/{period.id}/end", json={"grounds": GROUNDS}, headers={**neighbour, "If-Match": "*"})
    assert blind.status_code == 404
    assert client.get(f"{PERIODS}/{period.id}", headers=world.headers(Role.ADMIN)).json()["open"] is True


def test_a_stale_if_match_on_ending_is_412(client, world: World, db: Session, set_today):
    period = data.intensified(db, world.provider, START, state=EscalationState.INTENSIFIED)
    admin = world.headers(Role.ADMIN)
    stale = client.post(f"{PERIODS}/{period.id}/end", json={"grounds": GROUNDS}, headers={**admin, "If-Match": '"9"'})
    assert stale.status_code == 412
    missing = client.post(f"{PERIODS}/{period.id}/end", json={"grounds": GROUNDS}, headers=admin)
    assert missing.status_code == 428


def test_a_period_shows_its_actions_visits_next_visit_and_plans(client, world: World, db: Session, set_today):
    supervisor = world.users[Role.SUPERVISOR]
    period, started_by = data.serious_concern(db, world.provider, supervisor, START)
    set_today(date(2026, 2, 1))
    leader = world.headers(Role.LEADER)

    response = client.get(f"{PERIODS}/{period.id}", headers=leader)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == f'"{response.json()["version"]}"'
    body = response.json()
    assert (body["state"], body["state_label"]) == ("intensified_with_action_plan", "skærpet tilsyn med handleplan")
    assert (body["concern"], body["concern_label"]) == ("serious_concern", "alvorlig bekymring")
    assert body["started_by_visit_id"] == str(started_by.id)
    assert body["visits_since_start"] == []  # the visit that started it is not one under intensified supervision
    assert body["next_visit_due"] == "2026-03-13"  # the policy's first visit within 60 days
    assert [(a["kind"], a["kind_label"], a["done"]) for a in body["required_actions"]] == [
        ("make_action_plan", "udarbejd handleplan", False)
    ]
    assert body["action_plans"] == []

    followed = data.visit(db, world.provider, supervisor, date(2026, 3, 10), kind="intensified")
    data.visit(db, world.other_provider, supervisor, date(2026, 3, 20))  # another provider's visit
    data.visit(db, world.provider, supervisor, None, planned_on=date(2026, 4, 2), kind="intensified")  # not held
    plan = data.plan(db, period, supervisor)
    body = client.get(f"{PERIODS}/{period.id}", headers=leader).json()
    assert [(v["id"], v["held_on"]) for v in body["visits_since_start"]] == [(str(followed.id), "2026-03-10")]
    assert body["next_visit_due"] == "2026-06-08"  # then every 90 days after the last visit
    assert [(p["id"], p["status"], p["status_label"]) for p in body["action_plans"]] == [
        (str(plan.id), "draft", "kladde")
    ]


def test_the_list_is_newest_first_filtered_and_paged(client, world: World, db: Session):
    oldest = data.intensified(db, world.provider, date(2024, 2, 1), ended_on=date(2024, 9, 1), end_grounds=GROUNDS)
    middle = data.intensified(db, world.other_provider, date(2025, 6, 1), state=EscalationState.INTENSIFIED)
    newest = data.intensified(db, world.provider, date(2026, 1, 5))
    data.intensified(db, world.neighbour_provider, date(2026, 1, 6))
    admin = world.headers(Role.ADMIN)

    ids, cursor = [], None
    for _ in range(4):
        page = client.get(PERIODS, params={"limit": 1, **({"cursor": cursor} if cursor else {})}, headers=admin)
        assert page.status_code == 200, page.text
        ids += [p["id"] for p in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            assert "link" not in page.headers
            break
        assert 'rel="next"' in page.headers["link"]
    assert ids == [str(newest.id), str(middle.id), str(oldest.id)]

    running = client.get(PERIODS, params={"open": "true"}, headers=admin).json()["items"]
    assert [p["id"] for p in running] == [str(newest.id), str(middle.id)]
    ended = client.get(PERIODS, params={"open": "false"}, headers=admin).json()["items"]
    assert [(p["id"], p["open"]) for p in ended] == [(str(oldest.id), False)]
    theirs = client.get(PERIODS, params={"provider_id": str(world.other_provider.id)}, headers=admin).json()
    assert [p["id"] for p in theirs["items"]] == [str(middle.id)]
    committee = client.get(PERIODS, headers=world.headers(Role.COMMITTEE)).json()["items"]
    assert len(committee) == 3

    own = client.get(PERIODS, headers=world.headers(Role.PARENT_BOARD)).json()["items"]
    assert [p["id"] for p in own] == [str(newest.id), str(oldest.id)]
    assert client.get(f"{PERIODS}/{middle.id}", headers=world.headers(Role.STAFF)).status_code == 404
    forged = client.get(PERIODS, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=admin)
    assert forged.status_code == 422
    assert forged.json()["errors"][0]["location"] == "query.cursor"


def test_a_neighbour_municipality_sees_nothing(client, world: World, db: Session):
    period = data.intensified(db, world.provider, START)
    plan = data.plan(db, period, world.users[Role.SUPERVISOR])
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(f"{PERIODS}/{period.id}", headers=neighbour).status_code == 404
    assert client.get(PERIODS, headers=neighbour).json()["items"] == []
    assert client.get(f"/api/v1/action-plans/{plan.id}", headers=neighbour).status_code == 404
    assert client.get("/api/v1/action-plans", headers=neighbour).json()["items"] == []


def test_the_audit_trail_shows_the_plan_made_approved_and_the_period_ended(
    client, world: World, db: Session, set_today
):
    period, _ = data.serious_concern(db, world.provider, world.users[Role.SUPERVISOR], START)
    supervisor, admin = world.headers(Role.SUPERVISOR), world.headers(Role.ADMIN)
    created = client.post(f"{PERIODS}/{period.id}/action-plans", json={"leader_name": "Lene Leder"}, headers=supervisor)
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    data.item(db, db.get(ActionPlan, uuid.UUID(created.json()["id"])), "done")
    opened = client.post(
        f"{url}/open-for-comments",
        json={"informed_on": START.isoformat(), "method": "letter", "window_days": 7},
        headers={**supervisor, "If-Match": created.headers["etag"]},
    )
    assert opened.json()["comment_window_ends"] == "2026-01-19"
    set_today(date(2026, 1, 20))
    approved = client.post(f"{url}/approve", headers={**supervisor, "If-Match": opened.headers["etag"]})
    assert approved.status_code == 200, approved.text
    set_today(date(2026, 4, 1))
    completed = client.post(f"{url}/complete", headers={**supervisor, "If-Match": approved.headers["etag"]})
    assert completed.status_code == 200, completed.text
    later = data.visit(db, world.provider, world.users[Role.SUPERVISOR], date(2026, 3, 30), kind="intensified")
    data.assessment(db, later, ConcernLevel.NONE, percent=72.0)
    assert end(client, world, period.id).status_code == 200

    def actions(entity_id) -> list[str]:
        events = client.get("/api/v1/audit-events", params={"entity_id": str(entity_id)}, headers=admin).json()
        return [e["action"] for e in events["items"]]

    plan_actions = actions(created.json()["id"])
    assert "action-plans-create" in plan_actions
    assert "action-plans-approve" in plan_actions
    assert "action-plans-complete" in plan_actions
    assert "intensified-supervision-end" in actions(period.id)
    ended_event = client.get(
        "/api/v1/audit-events", params={"action": "intensified-supervision-end"}, headers=admin
    ).json()["items"]
    assert any(e["changes"].get("end_grounds") == [None, GROUNDS] for e in ended_event)
    assert all(e["actor_name"] == world.users[Role.ADMIN].full_name for e in ended_event)
