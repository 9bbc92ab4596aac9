"""Impartiality (uvildighed, §5a) on every act of supervision, not only on who is assigned to a visit.

A supervisor or admin with a declared conflict of interest with a provider is refused when they plan, conduct or
complete a visit to it, write, approve, follow up or complete its action plan, finalise its report, triage a concern
notice about it or end its intensified supervision. The refusal names the act and the tie (relation, date,
provider, reason) at `header.Authorization`, the caller: a 422 when the tie was known before the thing acted on
was begun, a 409 when it was recorded after (someone impartial must take over). One test per act.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

import api.clock
from domain.access import Role
from domain.escalation import EscalationState
from domain.instruments import DEMO_INSTRUMENT
from tests.api.conftest import World
from tests.support import escalation_data, factories, visit_data
from tests.support import reports as report_flow
from tests.support.workflow import VISITS, complete, etag, hold_dialogue, observe, plan_visit, score_for_percent

TODAY = date(2026, 11, 22)
REASON = "Min søster er pædagog i huset"
DECLARED_ON = "2026-11-01"
PLANS = "/api/v1/action-plans"
NOTICES = "/api/v1/concern-notices"


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[api.clock.today] = lambda: TODAY


def declare_conflict(client, world: World, role: Role) -> None:
    """The administration records that the world's `role` user has a conflict of interest with its provider."""
    response = client.post(
        f"/api/v1/users/{world.users[role].id}/impartiality-declarations",
        json={
            "provider_id": str(world.provider.id),
            "relation": "conflict",
            "reason": REASON,
            "declared_on": DECLARED_ON,
        },
        headers=world.headers(Role.ADMIN),
    )
    assert response.status_code == 201, response.text


def assert_refused(response, status: int, act: str, world: World, role: Role) -> None:
    """Refused for partiality: the act, the person and the tie (relation, since when, which provider) are named."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "urn:tilsyn:problem:" + ("invalid-input" if status == 422 else "conflict")
    [error] = body["errors"]
    assert error["location"] == "header.Authorization" and error["pointer"] is None
    detail = error["detail"]
    assert detail.startswith(f"{world.users[role].full_name} has declared a conflict of interest with ")
    assert f"{world.provider.name} on {DECLARED_ON} ({REASON})" in detail
    assert f"cannot {act} {world.provider.name} impartially" in detail
    assert body["detail"].startswith(detail)


def with_if_match(client, headers: dict, url: str) -> dict:
    current = client.get(url, headers=headers)
    assert current.status_code == 200, current.text
    return {**headers, "If-Match": current.headers["etag"]}


def planned_visit(client, world: World) -> dict:
    """An unannounced visit to the world's provider, planned by its (impartial) supervisor."""
    supervisor = world.users[Role.SUPERVISOR]
    return plan_visit(
        client,
        world.headers(Role.SUPERVISOR),
        provider_id=world.provider.id,
        supervisor_id=supervisor.id,
        kind="unannounced",
    )


# --- Visits -----------------------------------------------------------------------------------------------------


def test_a_conflicted_admin_cannot_plan_a_visit_to_the_provider(client, world: World):
    declare_conflict(client, world, Role.ADMIN)
    body = {"kind": "unannounced", "planned_on": "2026-12-03", "supervisor_id": str(world.users[Role.SUPERVISOR].id)}
    admin = world.headers(Role.ADMIN)

    refused = client.post(VISITS, json={**body, "provider_id": str(world.provider.id)}, headers=admin)

    assert_refused(refused, 422, "plan a visit to", world, Role.ADMIN)
    # The tie is to that provider only.
    assert (
        client.post(VISITS, json={**body, "provider_id": str(world.other_provider.id)}, headers=admin).status_code
        == 201
    )


def test_a_tie_recorded_after_planning_stops_the_supervisor_changing_or_cancelling_the_visit(
    client, db: Session, world: World
):
    visit = planned_visit(client, world)
    url = f"{VISITS}/{visit['id']}"
    declare_conflict(client, world, Role.SUPERVISOR)
    supervisor = world.headers(Role.SUPERVISOR)

    changed = client.patch(url, json={"notes": "Fokus på garderoben"}, headers={**supervisor, "If-Match": "*"})
    assert_refused(changed, 409, "plan a visit to", world, Role.SUPERVISOR)
    assert "someone impartial must take over" in changed.json()["detail"]
    cancelled = client.post(f"{url}/cancel", json={"reason": "Inhabil"}, headers={**supervisor, "If-Match": "*"})
    assert_refused(cancelled, 409, "cancel a visit to", world, Role.SUPERVISOR)

    # The administration hands the visit to an impartial colleague.
    colleague = factories.user(db, world.municipality, Role.SUPERVISOR, full_name="Kirsten Kollega")
    handed = client.patch(
        url, json={"supervisor_id": str(colleague.id)}, headers={**world.headers(Role.ADMIN), "If-Match": "*"}
    )
    assert handed.status_code == 200, handed.text


def test_a_conflicted_admin_cannot_record_an_observation_at_the_visit(client, world: World):
    visit = planned_visit(client, world)
    declare_conflict(client, world, Role.ADMIN)

    refused = observe(client, world.headers(Role.ADMIN), visit["id"], notes="Børnene leger i små grupper.", expect=409)

    assert_refused(refused, 409, "record an observation at a visit to", world, Role.ADMIN)
    observe(client, world.headers(Role.SUPERVISOR), visit["id"], notes="Børnene leger i små grupper.")


def test_a_conflicted_admin_cannot_record_the_dialogue_of_the_visit(client, world: World):
    visit = planned_visit(client, world)
    declare_conflict(client, world, Role.ADMIN)
    admin = world.headers(Role.ADMIN)
    body = {"held_on": "2026-11-20", "participants": ["Dagtilbudsleder"], "summary": "Om overgange."}

    refused = client.put(f"{VISITS}/{visit['id']}/dialogue", json=body, headers={**admin, "If-Match": "*"})

    assert_refused(refused, 409, "record the dialogue of a visit to", world, Role.ADMIN)
    assert client.get(f"{VISITS}/{visit['id']}", headers=admin).json()["dialogue_held_on"] is None


def test_a_conflicted_admin_cannot_complete_the_visit(client, db: Session, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    visit = planned_visit(client, world)
    observe(client, supervisor, visit["id"], notes="Børnene leger i små grupper; de voksne er nærværende.")
    hold_dialogue(client, supervisor, visit["id"])
    declare_conflict(client, world, Role.ADMIN)

    refused = complete(client, world.headers(Role.ADMIN), visit["id"])

    assert_refused(refused, 409, "complete a visit to", world, Role.ADMIN)
    assert client.get(f"{VISITS}/{visit['id']}", headers=supervisor).json()["status"] == "planned"
    assert complete(client, supervisor, visit["id"]).status_code == 200


# --- Action plans -----------------------------------------------------------------------------------------------


@pytest.fixture
def episode(db: Session, world: World):
    row, _ = escalation_data.serious_concern(db, world.provider, world.users[Role.SUPERVISOR], TODAY)
    return row


def start_plan(client, world: World, episode, role: Role):
    return client.post(
        f"/api/v1/intensified-supervision/{episode.id}/action-plans",
        json={"leader_name": "Lene Leder"},
        headers=world.headers(role),
    )


def test_a_conflicted_supervisor_cannot_start_the_action_plan(client, world: World, episode):
    declare_conflict(client, world, Role.SUPERVISOR)

    assert_refused(
        start_plan(client, world, episode, Role.SUPERVISOR), 422, "write the action plan for", world, Role.SUPERVISOR
    )
    # A leader starts it with the supervisor of the visit behind it, who is the conflicted one.
    by_leader = start_plan(client, world, episode, Role.LEADER)
    assert by_leader.status_code == 422
    assert "the plan's supervisor" in by_leader.json()["detail"] and REASON in by_leader.json()["detail"]
    assert start_plan(client, world, episode, Role.ADMIN).status_code == 201


def test_a_conflicted_supervisor_cannot_edit_the_plan_or_its_goals_but_the_leader_still_co_writes(
    client, db: Session, world: World, episode
):
    plan = escalation_data.plan(db, episode, world.users[Role.ADMIN])
    goal = escalation_data.item(db, plan)
    url = f"{PLANS}/{plan.id}"
    declare_conflict(client, world, Role.SUPERVISOR)
    supervisor = {**world.headers(Role.SUPERVISOR), "If-Match": "*"}
    item = {
        "goal": "Flere små legegrupper",
        "actions": "Grupperne deles om formiddagen.",
        "owner": "Pædagogisk leder",
        "deadline": "2027-03-31",
        "success_criterion": "Set ved næste besøg.",
    }

    for response in (
        client.patch(url, json={"summary": "Sproget styrkes."}, headers=supervisor),
        client.post(f"{url}/items", json=item, headers=supervisor),
        client.patch(f"{url}/items/{goal.id}", json={"owner": "Leder"}, headers=supervisor),
        client.post(
            f"{url}/open-for-comments", json={"informed_on": "2026-11-22", "method": "meeting"}, headers=supervisor
        ),
    ):
        assert_refused(response, 409, "write the action plan for", world, Role.SUPERVISOR)
    assert client.post(f"{url}/items", json=item, headers=world.headers(Role.LEADER)).status_code == 201


def test_a_conflicted_admin_cannot_approve_the_plan(client, db: Session, world: World, episode):
    declare_conflict(client, world, Role.ADMIN)
    plan = escalation_data.plan(
        db, episode, world.users[Role.SUPERVISOR], "comment", comment_window_ends=TODAY - timedelta(days=1)
    )
    escalation_data.item(db, plan)
    url = f"{PLANS}/{plan.id}"

    refused = client.post(f"{url}/approve", headers={**world.headers(Role.ADMIN), "If-Match": "*"})

    assert_refused(refused, 422, "approve the action plan for", world, Role.ADMIN)
    approved = client.post(f"{url}/approve", headers={**world.headers(Role.SUPERVISOR), "If-Match": "*"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_a_conflicted_admin_cannot_follow_up_or_complete_the_plan(client, db: Session, world: World, episode):
    plan = escalation_data.plan(db, episode, world.users[Role.SUPERVISOR], "approved", approved_on=TODAY)
    escalation_data.item(db, plan, status="done")
    url = f"{PLANS}/{plan.id}"
    declare_conflict(client, world, Role.ADMIN)
    admin = {**world.headers(Role.ADMIN), "If-Match": "*"}

    followed = client.post(f"{url}/follow-up", json={"followed_up_on": "2026-11-22", "note": "På vej."}, headers=admin)
    assert_refused(followed, 409, "follow up the action plan for", world, Role.ADMIN)
    completed = client.post(f"{url}/complete", headers=admin)
    assert_refused(completed, 409, "complete the action plan for", world, Role.ADMIN)
    assert client.get(url, headers=admin).json()["status"] == "approved"


# --- Reports, concern notices, intensified supervision ---------------------------------------------------------


def test_a_conflicted_supervisor_cannot_finalise_the_report(client, app, db: Session, world: World):
    supervisor, leader = world.headers(Role.SUPERVISOR), world.headers(Role.LEADER)
    visit = report_flow.completed_visit(client, db, world)
    report_flow.set_today(app, report_flow.SENT_ON)
    report = report_flow.draft(client, supervisor, visit["id"])
    assert report_flow.send(client, supervisor, report["id"]).status_code == 200
    assert report_flow.comment(client, leader, report["id"], "Tak for dialogen.").status_code == 200
    declare_conflict(client, world, Role.SUPERVISOR)

    refused = report_flow.finalise(client, supervisor, report["id"])

    assert_refused(refused, 409, "finalise the report on", world, Role.SUPERVISOR)
    assert report_flow.finalise(client, world.headers(Role.ADMIN), report["id"]).status_code == 200


def test_a_conflicted_supervisor_cannot_triage_a_concern_notice_nor_link_a_visit_to_it(
    client, db: Session, world: World
):
    declare_conflict(client, world, Role.SUPERVISOR)
    supervisor = world.headers(Role.SUPERVISOR)
    # Registering a notice as it was received is no judgement of the provider: anyone in the supervision may.
    registered = client.post(
        NOTICES,
        json={
            "provider_id": str(world.provider.id),
            "received_on": "2026-11-20",
            "source": "parent",
            "summary": "Børnene er ofte alene på legepladsen om eftermiddagen.",
        },
        headers=supervisor,
    )
    assert registered.status_code == 201, registered.text
    url = f"{NOTICES}/{registered.json()['id']}"
    visit = visit_data.visit(db, world.provider, world.users[Role.ADMIN], kind="unannounced", status="planned")

    triage = {"status": "triaged", "note": "Et uanmeldt besøg er på sin plads."}
    refused = client.post(f"{url}/triage", json=triage, headers={**supervisor, "If-Match": "*"})
    assert_refused(refused, 422, "triage a concern notice about", world, Role.SUPERVISOR)
    linked = client.post(f"{url}/link-visit", json={"visit_id": str(visit.id)}, headers={**supervisor, "If-Match": "*"})
    assert_refused(linked, 422, "link a visit to a concern notice about", world, Role.SUPERVISOR)
    admin = {**world.headers(Role.ADMIN), "If-Match": "*"}
    assert client.post(f"{url}/triage", json=triage, headers=admin).status_code == 200


def test_a_conflicted_admin_cannot_end_intensified_supervision(client, db: Session, world: World):
    period = escalation_data.intensified(
        db, world.provider, TODAY - timedelta(days=90), state=EscalationState.INTENSIFIED
    )
    declare_conflict(client, world, Role.ADMIN)
    url = f"/api/v1/intensified-supervision/{period.id}"

    refused = client.post(
        f"{url}/end",
        json={"grounds": "Ny vurdering viser ingen bekymring."},
        headers=with_if_match(client, world.headers(Role.ADMIN), url),
    )

    assert_refused(refused, 409, "end the intensified supervision of", world, Role.ADMIN)
    assert client.get(url, headers=world.headers(Role.ADMIN)).json()["open"] is True


def test_the_refusal_for_partiality_comes_before_the_acts_own_rules(client, world: World):
    """The check comes before the act's own rules: a partial person learns that first, not what else is missing."""
    visit = planned_visit(client, world)
    declare_conflict(client, world, Role.SUPERVISOR)
    scores = score_for_percent(DEMO_INSTRUMENT, 75)  # the visit has no instrument: a 422 of its own otherwise

    refused = observe(client, world.headers(Role.SUPERVISOR), visit["id"], scores, expect=409)

    assert_refused(refused, 409, "record an observation at a visit to", world, Role.SUPERVISOR)
    assert etag(client, world.headers(Role.SUPERVISOR), visit["id"]) == '"1"'
