"""A year of supervision of one provider, told over HTTP only: issue 4's done-when, shown together.

1. 45 % -> intensified supervision with a follow-up visit due by the policy.
2. 25 % -> intensified supervision and an action plan with its deadline; the parent board comments; the plan is
   approved and completed.
3. Ending intensified supervision is refused (409, naming the condition) until a later assessment shows no concern
   and the plan is completed; then the administration ends it with grounds.
4. A supervisor who is the provider's leader, or declared a conflict, cannot be assigned (422 with the reason).
5. A leader cannot see a planned unannounced visit to their own provider; a parent board cannot read who reported
   a concern notice.
6. The same POST with the same Idempotency-Key creates one visit; the audit trail shows every step above.

The database is touched only to arrange people and providers (the `world` fixture, one factory call per extra
person), to store the demo instrument, and to count visit rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlmodel import Session, func, select

from api.tables import Visit
from domain.access import Role
from domain.policy import KOLDING_DEFAULT
from tests.api.conftest import World
from tests.support.story import (
    API,
    Calendar,
    audit_trail,
    current_etag,
    declare,
    error_locations,
    person,
    problem,
    send_matching,
)
from tests.support.workflow import VISITS, complete, demo_instrument_id, hold_dialogue, observe, score_for_percent

DAYS = KOLDING_DEFAULT.deadlines
PERIODS = f"{API}/intensified-supervision"
PLANS = f"{API}/action-plans"
NOTICES = f"{API}/concern-notices"
GROUNDS = "Besøget 1. april viser ingen bekymring (god, 75 %), og handleplanen er gennemført."


def visits_to(db: Session, provider_id) -> int:
    return db.exec(select(func.count()).select_from(Visit).where(Visit.provider_id == provider_id)).one()


def planned(client, headers, **body) -> dict:
    """POST a visit body (ids as strings) and return the created visit."""
    response = client.post(VISITS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_year_of_supervision_of_one_provider(client, app, db: Session, world: World):
    calendar = Calendar(app)
    admin, supervisor = world.headers(Role.ADMIN), world.headers(Role.SUPERVISOR)
    leader, parent_board = world.headers(Role.LEADER), world.headers(Role.PARENT_BOARD)
    provider, other = str(world.provider.id), str(world.other_provider.id)
    supervisor_id = str(world.users[Role.SUPERVISOR].id)

    # --- Act 0: impartiality (point 4). The administration records two ties to the provider. ---------------------
    calendar.to(date(2026, 1, 5))
    conflicted = person(db, world.municipality, Role.SUPERVISOR, "Mette Inhabil")
    former_leader = person(db, world.municipality, Role.SUPERVISOR, "Lone Tidligere Leder")
    conflict_reason = "Søster er pædagog i huset"
    declare(
        client,
        admin,
        user_id=conflicted.id,
        provider_id=provider,
        relation="conflict",
        reason=conflict_reason,
        on=calendar.today,
    )
    declare(
        client,
        admin,
        user_id=former_leader.id,
        provider_id=provider,
        relation="leader",
        reason="Konstitueret leder af huset i foråret",
        on=calendar.today,
    )
    instrument_id = demo_instrument_id(db, world.municipality.id)
    instrument = client.get(f"{API}/instruments/{instrument_id}", headers=supervisor).json()
    announced = {
        "provider_id": provider,
        "kind": "announced",
        "planned_on": "2026-02-02",
        "instrument_id": instrument_id,
    }

    # Either of them as supervisor or as co-observer is refused, and every reason is named at its field.
    for lead, second in ((conflicted, former_leader), (former_leader, conflicted)):
        refused = client.post(
            VISITS,
            json={**announced, "supervisor_id": str(lead.id), "co_observer_id": str(second.id)},
            headers=admin,
        )
        errors = {e["location"]: e["detail"] for e in problem(refused, 422)["errors"]}
        assert set(errors) == {"body.supervisor_id", "body.co_observer_id"}
        assert lead.full_name in errors["body.supervisor_id"]
        assert f"{second.full_name} (co-observer)" in errors["body.co_observer_id"]
        assert "impartially" in refused.json()["detail"]
    conflict_message = problem(
        client.post(VISITS, json={**announced, "supervisor_id": str(conflicted.id)}, headers=admin), 422
    )["errors"][0]
    assert conflict_message["location"] == "body.supervisor_id"
    assert "conflict of interest" in conflict_message["detail"]
    assert conflict_reason in conflict_message["detail"]
    leader_message = problem(
        client.post(
            VISITS,
            json={**announced, "supervisor_id": supervisor_id, "co_observer_id": str(former_leader.id)},
            headers=admin,
        ),
        422,
    )["errors"][0]
    assert leader_message["location"] == "body.co_observer_id"
    assert "is leader at" in leader_message["detail"]
    assert "Lone Tidligere Leder (co-observer)" in leader_message["detail"]
    # The provider's own leader account is ruled out too, without any declaration.
    own_leader = client.post(
        VISITS,
        json={**announced, "supervisor_id": supervisor_id, "co_observer_id": str(world.users[Role.LEADER].id)},
        headers=admin,
    )
    assert error_locations(own_leader, 422) == {"body.co_observer_id"}
    assert visits_to(db, world.provider.id) == 0

    # --- Act 1: the announced visit, planned twice with one Idempotency-Key (point 6, first half). --------------
    keyed = {**supervisor, "Idempotency-Key": "fjordby-announced-2026-02-02"}
    body = {**announced, "supervisor_id": supervisor_id}
    first = client.post(VISITS, json=body, headers=keyed)
    retry = client.post(VISITS, json=body, headers=keyed)
    assert (first.status_code, retry.status_code) == (201, 201), retry.text
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert retry.headers["location"] == first.headers["location"]
    assert visits_to(db, world.provider.id) == 1
    visit_id = first.json()["id"]

    # --- Act 2: 25 % is serious concern (point 2 starts) ... -----------------------------------------------------
    held = calendar.to(date(2026, 2, 2))
    observe(client, supervisor, visit_id, score_for_percent(instrument, 25))
    hold_dialogue(client, supervisor, visit_id, held.isoformat())
    done = complete(client, supervisor, visit_id, held.isoformat())
    assert done.status_code == 200, done.text
    result = done.json()
    provider_assessment = result["assessments"][0]
    assert provider_assessment["unit_id"] is None
    assert (provider_assessment["percent"], provider_assessment["band_key"]) == (25.0, "poor")
    assert provider_assessment["concern"] == "serious_concern"
    escalation = result["escalation"]
    assert (escalation["previous_state"], escalation["state"]) == ("normal", "intensified_with_action_plan")
    due = {a["kind"]: a["due_on"] for a in escalation["actions"]}
    plan_due = held + timedelta(days=DAYS.action_plan_days)
    assert due["make_action_plan"] == plan_due.isoformat() == "2026-03-04"
    period_id = escalation["intensified_supervision_id"]
    period_url = f"{PERIODS}/{period_id}"
    period = client.get(period_url, headers=leader).json()
    assert (period["open"], period["state"], period["concern"]) == (
        True,
        "intensified_with_action_plan",
        "serious_concern",
    )
    assert period["started_on"] == "2026-02-02"
    assert period["started_by_visit_id"] == visit_id
    required = {a["kind"]: (a["due_on"], a["done"]) for a in period["required_actions"]}
    assert required["make_action_plan"] == ("2026-03-04", False)
    assert required["schedule_follow_up_visit"] == (
        (held + timedelta(days=DAYS.intensified_first_visit_days)).isoformat(),
        False,
    )

    # ... and 45 % at the other provider is concern: intensified supervision and a follow-up visit (point 1).
    other_held = calendar.to(date(2026, 2, 3))
    other_visit = planned(client, supervisor, **{**body, "provider_id": other, "planned_on": other_held.isoformat()})
    observe(client, supervisor, other_visit["id"], score_for_percent(instrument, 45))
    hold_dialogue(client, supervisor, other_visit["id"], other_held.isoformat())
    other_done = complete(client, supervisor, other_visit["id"], other_held.isoformat())
    assert other_done.status_code == 200, other_done.text
    other_result = other_done.json()
    other_assessment = other_result["assessments"][0]
    assert (other_assessment["percent"], other_assessment["band_key"]) == (45.0, "inadequate")
    assert other_assessment["concern"] == "concern"
    assert other_result["escalation"]["state"] == "intensified"
    follow_up_due = (other_held + timedelta(days=DAYS.intensified_first_visit_days)).isoformat()
    assert follow_up_due == "2026-04-04"
    other_actions = {a["kind"]: a["due_on"] for a in other_result["escalation"]["actions"]}
    assert other_actions["schedule_follow_up_visit"] == follow_up_due
    assert "make_action_plan" not in other_actions  # concern, not serious concern: no plan
    other_period = client.get(f"{PERIODS}/{other_result['escalation']['intensified_supervision_id']}", headers=admin)
    assert (other_period.json()["state"], other_period.json()["next_visit_due"]) == ("intensified", follow_up_due)
    due_list = client.get(f"{API}/due", params={"provider_id": other, "within_days": 90}, headers=admin).json()
    listed = [(i["kind"], i["due_on"], i["reference_type"]) for i in due_list["items"]]
    assert ("schedule_follow_up_visit", follow_up_due, "required_action") in listed

    # --- Act 3: a parent's concern leads to an unannounced visit the provider must not learn of (point 5). -------
    calendar.to(date(2026, 2, 5))
    received = client.post(
        NOTICES,
        json={
            "provider_id": provider,
            "received_on": "2026-02-05",
            "source": "parent",
            "reporter_name": "Anders Forælder",
            "reporter_contact": "anders@example.dk",
            "summary": "Børnene i vuggestuen er ofte alene i garderoben ved afhentning.",
        },
        headers=supervisor,
    )
    assert received.status_code == 201, received.text
    notice_url = f"{NOTICES}/{received.json()['id']}"
    surprise = planned(
        client,
        supervisor,
        provider_id=provider,
        kind="unannounced",
        planned_on="2026-03-10",
        supervisor_id=supervisor_id,
    )
    linked = send_matching(
        client, "POST", supervisor, f"{notice_url}/link-visit", {"visit_id": surprise["id"]}, read_url=notice_url
    )
    assert linked.status_code == 200, linked.text
    assert (linked.json()["status"], linked.json()["visit_id"]) == ("visit_planned", surprise["id"])

    leaders_list = client.get(VISITS, params={"provider_id": provider}, headers=leader)
    assert leaders_list.status_code == 200, leaders_list.text
    assert [v["id"] for v in leaders_list.json()["items"]] == [visit_id]
    assert client.get(f"{VISITS}/{surprise['id']}", headers=leader).status_code == 404
    leaders_notice = client.get(notice_url, headers=leader).json()
    assert (leaders_notice["status"], leaders_notice["visit_id"]) == ("triaged", None)
    boards_notice = client.get(notice_url, headers=parent_board)
    assert boards_notice.status_code == 200, boards_notice.text
    assert (boards_notice.json()["reporter_name"], boards_notice.json()["reporter_contact"]) == (None, None)
    assert boards_notice.json()["reporter_hidden"] is True
    supervisors_notice = client.get(notice_url, headers=supervisor).json()
    assert supervisors_notice["reporter_name"] == "Anders Forælder"
    assert supervisors_notice["reporter_hidden"] is False

    # --- Act 4: the action plan, the parent board's say, and the end of intensified supervision (points 2-3). ----
    calendar.to(date(2026, 2, 10))
    made = client.post(
        f"{period_url}/action-plans",
        json={"leader_name": world.users[Role.LEADER].full_name, "summary": "Tryghed og nærvær i overgangene."},
        headers=supervisor,
    )
    assert made.status_code == 201, made.text
    plan_url = f"{PLANS}/{made.json()['id']}"
    assert (made.json()["status"], made.json()["due_on"]) == ("draft", plan_due.isoformat())
    goal = {"owner": "Dagtilbudsleder", "deadline": "2026-03-20", "success_criterion": "Ses ved næste tilsynsbesøg."}
    items = []
    for who, text in (
        (supervisor, "En voksen i garderoben ved hver afhentning."),
        (leader, "Faste pladser i overgangene."),
    ):
        added = client.post(
            f"{plan_url}/items", json={**goal, "goal": text, "actions": "Vagtplan og personalemøde."}, headers=who
        )
        assert added.status_code == 201, added.text
        items.append(added.json()["id"])
    opened = send_matching(
        client,
        "POST",
        supervisor,
        f"{plan_url}/open-for-comments",
        {"informed_on": "2026-02-10", "method": "meeting"},
        read_url=plan_url,
    )
    assert opened.status_code == 200, opened.text
    window_ends = date(2026, 2, 10) + timedelta(days=DAYS.parent_board_comment_days)
    assert opened.json()["comment_window_ends"] == window_ends.isoformat()

    calendar.to(window_ends)
    comment = client.post(
        f"{plan_url}/comments", json={"text": "Vi bakker op og vil gerne høre om det i juni."}, headers=parent_board
    )
    assert comment.status_code == 201, comment.text
    calendar.to(window_ends + timedelta(days=1))
    late = client.post(f"{plan_url}/comments", json={"text": "Og én ting mere."}, headers=parent_board)
    assert error_locations(late, 409) == {"comment_window_ends"}
    approved = send_matching(client, "POST", admin, f"{plan_url}/approve", read_url=plan_url)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert [c["text"] for c in approved.json()["comments"]] == ["Vi bakker op og vil gerne høre om det i juni."]
    made_plan = [
        a for a in client.get(period_url, headers=admin).json()["required_actions"] if a["kind"] == "make_action_plan"
    ]
    assert [a["done_on"] for a in made_plan] == [calendar.today.isoformat()]

    def end_it():
        return send_matching(client, "POST", admin, f"{period_url}/end", {"grounds": GROUNDS}, read_url=period_url)

    refused = end_it()
    assert error_locations(refused, 409) == {"latest_assessment", "latest_assessed_on", "action_plan"}
    assert "alvorlig bekymring" in refused.json()["detail"]

    calendar.to(date(2026, 3, 20))
    for item_id in items:
        item_url = f"{plan_url}/items/{item_id}"
        finished = send_matching(client, "PATCH", leader, item_url, {"status": "done"})
        assert finished.status_code == 200, finished.text
    completed = send_matching(client, "POST", admin, f"{plan_url}/complete", read_url=plan_url)
    assert completed.status_code == 200, completed.text
    assert (completed.json()["status"], completed.json()["completed_on"]) == ("completed", "2026-03-20")
    still = end_it()
    assert error_locations(still, 409) == {"latest_assessment", "latest_assessed_on"}  # the assessment only

    recheck_day = calendar.to(date(2026, 4, 1))
    recheck = planned(client, supervisor, **{**body, "planned_on": recheck_day.isoformat()})
    observe(client, supervisor, recheck["id"], score_for_percent(instrument, 75))
    hold_dialogue(client, supervisor, recheck["id"], recheck_day.isoformat())
    good = complete(client, supervisor, recheck["id"], recheck_day.isoformat())
    assert good.status_code == 200, good.text
    assert (good.json()["assessments"][0]["band_key"], good.json()["assessments"][0]["concern"]) == ("good", "none")
    # Only the administration ends it: a good score leaves the provider where it is.
    assert good.json()["escalation"]["state"] == "intensified_with_action_plan"
    assert good.json()["escalation"]["intensified_supervision_id"] == period_id

    calendar.to(date(2026, 4, 2))
    ended = end_it()
    assert ended.status_code == 200, ended.text
    assert (ended.json()["open"], ended.json()["ended_on"]) == (False, "2026-04-02")
    assert ended.json()["end_grounds"] == GROUNDS
    assert ended.json()["ended_by"] == world.users[Role.ADMIN].full_name
    assert client.get(period_url, headers=leader).json()["open"] is False
    assert current_etag(client, admin, period_url) == ended.headers["etag"]

    # --- Act 5: the audit trail shows every step, the idempotent pair once (point 6, second half). --------------
    events, pages = audit_trail(client, admin, page_size=10)
    assert pages > 1  # the trail was paged through by its Link header
    assert len({e["id"] for e in events}) == len(events)
    actions = Counter(e["action"] for e in events)
    for action in (
        "impartiality-declarations-create",
        "visits-create",
        "observations-create",
        "visits-dialogue",
        "visits-complete",
        "concern-notices-create",
        "concern-notices-link-visit",
        "action-plans-create",
        "action-plan-items-create",
        "action-plans-open-for-comments",
        "action-plan-comments-create",
        "action-plans-approve",
        "action-plan-items-update",
        "action-plans-complete",
        "intensified-supervision-end",
    ):
        assert actions[action] >= 1, f"{action} is missing from the audit trail: {sorted(actions)}"
    created_visits = [e["entity_id"] for e in events if e["action"] == "visits-create"]
    assert created_visits.count(visit_id) == 1
    assert sorted(created_visits) == sorted([visit_id, other_visit["id"], surprise["id"], recheck["id"]])
    assert actions["impartiality-declarations-create"] == 2
    assert actions["action-plan-items-create"] == 2
    assert actions["action-plan-comments-create"] == 1  # the late comment was refused and left no trace
    ended_events = [e for e in events if e["action"] == "intensified-supervision-end"]
    # One change to the period: the two refused attempts wrote nothing.
    assert [e["entity_id"] for e in ended_events if e["entity_type"] == "intensified_supervision"] == [period_id]
    assert {e["actor_id"] for e in ended_events} == {str(world.users[Role.ADMIN].id)}
