"""Action plans over HTTP (§5b stk. 4-5): made with the leader, commented on by the parent board, approved, done."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

import api.clock
from api.tables import ActionPlan, ActionPlanComment, RequiredAction
from domain.access import Role
from domain.escalation import EscalationState
from domain.policy import ConcernLevel
from domain.providers import ProviderKind
from tests.api.conftest import World
from tests.support import escalation_data as data
from tests.support import factories
from tests.support.payloads import PROBLEM

START = date(2026, 3, 2)
PLANS = "/api/v1/action-plans"


@pytest.fixture
def set_today(app):
    def set_to(day: date) -> None:
        app.dependency_overrides[api.clock.today] = lambda: day

    set_to(START)
    return set_to


@pytest.fixture
def episode(db: Session, world: World):
    row, _ = data.serious_concern(db, world.provider, world.users[Role.SUPERVISOR], START, START + timedelta(days=21))
    return row


def new_item(**overrides) -> dict:
    return {
        "goal": "Børnene oplever et rigt sprogmiljø ved måltiderne",
        "actions": "Personalet sidder med ved bordene og taler med børnene.",
        "owner": "Pædagogisk leder",
        "deadline": "2026-06-30",
        "success_criterion": "Observeret i alle grupper ved næste tilsyn.",
        **overrides,
    }


def with_etag(headers: dict, response) -> dict:
    return {**headers, "If-Match": response.headers["etag"]}


def create_plan(client, world: World, episode, role: Role = Role.SUPERVISOR, **body):
    return client.post(
        f"/api/v1/intensified-supervision/{episode.id}/action-plans",
        json={"leader_name": "Lene Leder", **body},
        headers=world.headers(role),
    )


def plan_out_for_comment(client, world: World, episode, set_today, informed_on: date = START) -> str:
    """A plan with one goal that the parent board was told about on `informed_on` (window: 14 days)."""
    set_today(informed_on)
    created = create_plan(client, world, episode)
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    supervisor = world.headers(Role.SUPERVISOR)
    assert client.post(f"{url}/items", json=new_item(), headers=supervisor).status_code == 201
    current = client.get(url, headers=supervisor)
    opened = client.post(
        f"{url}/open-for-comments",
        json={"informed_on": informed_on.isoformat(), "method": "meeting"},
        headers=with_etag(supervisor, current),
    )
    assert opened.status_code == 200, opened.text
    return url


def test_a_plan_is_made_commented_on_by_the_parent_board_approved_and_completed(
    client, world: World, db: Session, episode, set_today
):
    supervisor, leader, board = (world.headers(r) for r in (Role.SUPERVISOR, Role.LEADER, Role.PARENT_BOARD))

    created = create_plan(client, world, episode, summary="Sprogmiljøet styrkes i alle grupper.")
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["status"] == "draft"
    assert plan["due_on"] == (START + timedelta(days=21)).isoformat()  # the deadline escalation set
    assert plan["supervisor_id"] == str(world.users[Role.SUPERVISOR].id)
    url = created.headers["location"]
    assert url.endswith(f"{PLANS}/{plan['id']}")

    # The leader writes the goals with the supervisor.
    first = client.post(f"{url}/items", json=new_item(), headers=leader)
    second = client.post(f"{url}/items", json=new_item(goal="Flere små legegrupper om formiddagen"), headers=leader)
    assert first.status_code == second.status_code == 201, first.text
    assert first.json()["status"] == "open"
    assert client.get(first.headers["location"], headers=leader).json()["goal"] == new_item()["goal"]

    set_today(START + timedelta(days=3))
    opened = client.post(
        f"{url}/open-for-comments",
        json={"informed_on": "2026-03-05", "method": "meeting", "note": "Bestyrelsesmøde"},
        headers=with_etag(leader, client.get(url, headers=leader)),
    )
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "comment"
    assert opened.json()["comment_window_ends"] == "2026-03-19"  # the policy's 14 days from being informed
    assert [(n["informed_on"], n["method"]) for n in opened.json()["parent_board_notices"]] == [
        ("2026-03-05", "meeting")
    ]

    set_today(date(2026, 3, 12))
    comment = client.post(f"{url}/comments", json={"text": "Vi bakker op om planen."}, headers=board)
    assert comment.status_code == 201, comment.text
    comments = client.get(f"{url}/comments", headers=world.headers(Role.STAFF)).json()["items"]
    assert [c["text"] for c in comments] == ["Vi bakker op om planen."]
    assert comments[0]["author_name"] == world.users[Role.PARENT_BOARD].full_name

    # The board has spoken, so the plan can be approved before its window ends.
    approved = client.post(f"{url}/approve", headers=with_etag(supervisor, client.get(url, headers=supervisor)))
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_on"] == "2026-03-12"
    assert approved.json()["approved_by"] == world.users[Role.SUPERVISOR].full_name
    assert approved.json()["comments"][0]["text"] == "Vi bakker op om planen."
    made = db.exec(select(RequiredAction).where(RequiredAction.intensified_id == episode.id)).one()
    db.refresh(made)
    assert made.done_on == date(2026, 3, 12)

    # The leader keeps the goals' status up to date; then the plan is followed up and completed.
    set_today(date(2026, 6, 30))
    for item, status in ((first, "done"), (second, "dropped")):
        changed = client.patch(item.headers["location"], json={"status": status}, headers=with_etag(leader, item))
        assert changed.status_code == 200, changed.text
        assert changed.json()["status"] == status
    followed = client.post(
        f"{url}/follow-up",
        json={"followed_up_on": "2026-06-30", "note": "Sprogmiljøet er tydeligt bedre."},
        headers=with_etag(leader, client.get(url, headers=leader)),
    )
    assert followed.status_code == 200, followed.text
    completed = client.post(f"{url}/complete", headers=with_etag(supervisor, followed))
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "completed"
    assert completed.json()["completed_on"] == "2026-06-30"
    assert completed.json()["followed_up_on"] == "2026-06-30"

    period = client.get(f"/api/v1/intensified-supervision/{episode.id}", headers=board).json()
    assert [(p["id"], p["status"]) for p in period["action_plans"]] == [(plan["id"], "completed")]
    assert [a["done"] for a in period["required_actions"]] == [True]


def test_the_parent_board_cannot_comment_after_its_window(client, world: World, episode, set_today):
    url = plan_out_for_comment(client, world, episode, set_today)
    set_today(START + timedelta(days=15))
    late = client.post(f"{url}/comments", json={"text": "For sent?"}, headers=world.headers(Role.PARENT_BOARD))
    assert late.status_code == 409
    assert late.headers["content-type"] == PROBLEM
    assert [e["location"] for e in late.json()["errors"]] == ["comment_window_ends"]
    assert "2026-03-16" in late.json()["detail"]


def test_the_parent_board_comments_only_on_a_plan_out_for_comment(client, world: World, episode, set_today):
    created = create_plan(client, world, episode)
    early = client.post(
        f"{created.headers['location']}/comments", json={"text": "Hej"}, headers=world.headers(Role.PARENT_BOARD)
    )
    assert early.status_code == 409
    assert early.json()["errors"][0]["location"] == "status"


def test_only_the_providers_own_parent_board_may_comment(client, world: World, db: Session, episode, set_today):
    url = plan_out_for_comment(client, world, episode, set_today)
    staff = client.post(f"{url}/comments", json={"text": "Fra personalet"}, headers=world.headers(Role.STAFF))
    assert staff.status_code == 403
    assert "action-plans:comment" in staff.json()["detail"]
    assert client.post(f"{url}/comments", json={"text": "x"}, headers=world.headers(Role.LEADER)).status_code == 403

    other, _ = data.serious_concern(db, world.other_provider, world.users[Role.SUPERVISOR], START)
    other_plan = data.plan(
        db, other, world.users[Role.SUPERVISOR], "comment", comment_window_ends=START + timedelta(14)
    )
    foreign = client.post(
        f"{PLANS}/{other_plan.id}/comments", json={"text": "Ikke vores"}, headers=world.headers(Role.PARENT_BOARD)
    )
    assert foreign.status_code == 404
    assert db.exec(select(ActionPlanComment).where(ActionPlanComment.plan_id == other_plan.id)).first() is None


def test_a_leader_cannot_approve(client, world: World, episode, set_today):
    url = plan_out_for_comment(client, world, episode, set_today)
    set_today(START + timedelta(days=20))
    leader = world.headers(Role.LEADER)
    refused = client.post(f"{url}/approve", headers=with_etag(leader, client.get(url, headers=leader)))
    assert refused.status_code == 403
    assert client.get(url, headers=leader).json()["status"] == "comment"


def test_approval_waits_for_the_window_unless_the_board_has_commented(client, world: World, episode, set_today):
    url = plan_out_for_comment(client, world, episode, set_today)
    supervisor = world.headers(Role.SUPERVISOR)
    set_today(START + timedelta(days=14))  # the last day of the window, and no comment
    early = client.post(f"{url}/approve", headers=with_etag(supervisor, client.get(url, headers=supervisor)))
    assert early.status_code == 409
    assert "from 2026-03-17" in early.json()["detail"]
    set_today(START + timedelta(days=15))
    approved = client.post(f"{url}/approve", headers=with_etag(supervisor, client.get(url, headers=supervisor)))
    assert approved.status_code == 200, approved.text


def test_a_plan_is_completed_only_when_every_goal_is_done_or_dropped(
    client, world: World, db: Session, episode, set_today
):
    supervisor = world.headers(Role.SUPERVISOR)
    approved = data.plan(db, episode, world.users[Role.SUPERVISOR], "approved", approved_on=START)
    done = data.item(db, approved, "done")
    started = data.item(db, approved, "in_progress")
    untouched = data.item(db, approved, "open")
    url = f"{PLANS}/{approved.id}"
    refused = client.post(f"{url}/complete", headers=with_etag(supervisor, client.get(url, headers=supervisor)))
    assert refused.status_code == 409
    assert sorted(e["location"] for e in refused.json()["errors"]) == sorted(
        [f"items.{started.id}", f"items.{untouched.id}"]
    )
    assert f"items.{done.id}" not in refused.text
    assert client.get(url, headers=supervisor).json()["status"] == "approved"


def test_once_approved_only_a_goals_status_changes(client, world: World, db: Session, episode):
    leader = world.headers(Role.LEADER)
    approved = data.plan(db, episode, world.users[Role.SUPERVISOR], "approved", approved_on=START)
    item = data.item(db, approved)
    item_url = f"{PLANS}/{approved.id}/items/{item.id}"
    current = client.get(item_url, headers=leader)
    rewritten = client.patch(item_url, json={"goal": "Noget andet"}, headers=with_etag(leader, current))
    assert rewritten.status_code == 409
    assert [e["location"] for e in rewritten.json()["errors"]] == ["body.goal"]
    assert client.post(f"{PLANS}/{approved.id}/items", json=new_item(), headers=leader).status_code == 409
    plan_now = client.get(f"{PLANS}/{approved.id}", headers=leader)
    assert (
        client.patch(f"{PLANS}/{approved.id}", json={"summary": "Ny"}, headers=with_etag(leader, plan_now)).status_code
        == 409
    )
    progressed = client.patch(item_url, json={"status": "in_progress"}, headers=with_etag(leader, current))
    assert progressed.status_code == 200, progressed.text
    assert progressed.json()["status_label"] == "i gang"


def test_a_plan_goes_to_the_parent_board_only_with_a_goal(client, world: World, episode):
    supervisor = world.headers(Role.SUPERVISOR)
    created = create_plan(client, world, episode)
    opened = client.post(
        f"{created.headers['location']}/open-for-comments",
        json={"informed_on": START.isoformat(), "method": "email"},
        headers=with_etag(supervisor, created),
    )
    assert opened.status_code == 409
    assert opened.json()["errors"][0]["location"] == "items"


def test_a_plan_needs_serious_concern_and_only_one_runs_at_a_time(client, world: World, db: Session, set_today):
    supervisor = world.users[Role.SUPERVISOR]
    concern_only = data.intensified(
        db, world.provider, START, state=EscalationState.INTENSIFIED, concern=ConcernLevel.CONCERN
    )
    refused = create_plan(client, world, concern_only)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["location"] == "state"

    serious = data.intensified(db, world.other_provider, START)
    earlier = data.plan(db, serious, supervisor, "approved")
    second = create_plan(client, world, serious)
    assert second.status_code == 409
    assert str(earlier.id) in second.json()["detail"]
    earlier.status = "completed"
    db.add(earlier)
    db.commit()
    again = create_plan(client, world, serious)
    assert again.status_code == 201, again.text
    # No deadline from escalation: the policy's 30 days from the start of intensified supervision.
    assert again.json()["due_on"] == (START + timedelta(days=30)).isoformat()


def test_a_plan_cannot_be_made_for_ended_intensified_supervision(client, world: World, db: Session):
    ended = data.intensified(db, world.provider, START, ended_on=START + timedelta(days=90), end_grounds="x" * 30)
    response = create_plan(client, world, ended)
    assert response.status_code == 409
    assert db.exec(select(ActionPlan).where(ActionPlan.intensified_id == ended.id)).first() is None


def test_a_leaders_plan_is_written_with_the_supervisor_of_the_visit(client, world: World, db: Session, episode):
    by_leader = create_plan(client, world, episode, Role.LEADER, due_on="2026-03-20")
    assert by_leader.status_code == 201, by_leader.text
    assert by_leader.json()["supervisor_id"] == str(world.users[Role.SUPERVISOR].id)
    assert by_leader.json()["due_on"] == "2026-03-20"

    # Intensified supervision not started by a visit (e.g. moved over from an older system): no supervisor to name.
    without_visit = data.intensified(db, world.other_provider, START)
    leader_there = factories.user(db, world.municipality, Role.LEADER, world.other_provider)
    response = client.post(
        f"/api/v1/intensified-supervision/{without_visit.id}/action-plans",
        json={"leader_name": "Anden Leder"},
        headers=factories.headers_for(world.settings, leader_there),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "started_by_visit_id"
    by_admin = create_plan(client, world, without_visit, Role.ADMIN)
    assert by_admin.json()["supervisor_id"] == str(world.users[Role.ADMIN].id)


def test_a_stale_or_missing_if_match_changes_nothing(client, world: World, episode, set_today):
    supervisor = world.headers(Role.SUPERVISOR)
    url = plan_out_for_comment(client, world, episode, set_today)
    old = client.get(url, headers=supervisor)
    renamed = client.patch(url, json={"leader_name": "Lis Leder"}, headers=with_etag(supervisor, old))
    assert renamed.status_code == 200, renamed.text
    set_today(START + timedelta(days=20))
    stale = client.post(f"{url}/approve", headers=with_etag(supervisor, old))
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:tilsyn:problem:precondition-failed"
    assert client.patch(url, json={"leader_name": "X"}, headers=with_etag(supervisor, old)).status_code == 412
    assert client.post(f"{url}/approve", headers=supervisor).status_code == 428
    item_url = f"{url}/items/{client.get(url, headers=supervisor).json()['items'][0]['id']}"
    item = client.get(item_url, headers=supervisor)
    assert client.patch(item_url, json={"owner": "A"}, headers=with_etag(supervisor, item)).status_code == 200
    assert client.patch(item_url, json={"owner": "B"}, headers=with_etag(supervisor, item)).status_code == 412
    after = client.get(url, headers=supervisor).json()
    assert (after["status"], after["leader_name"], after["items"][0]["owner"]) == ("comment", "Lis Leder", "A")


def test_plans_are_invisible_outside_the_municipality_and_the_own_provider(client, world: World, db: Session, episode):
    own = data.plan(db, episode, world.users[Role.SUPERVISOR])
    other_period = data.intensified(db, world.other_provider, START)
    other = data.plan(db, other_period, world.users[Role.SUPERVISOR])
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(f"{PLANS}/{own.id}", headers=neighbour).status_code == 404
    assert client.get(f"{PLANS}/{own.id}/comments", headers=neighbour).status_code == 404
    assert client.post(f"{PLANS}/{own.id}/items", json=new_item(), headers=neighbour).status_code == 404
    assert client.get(PLANS, headers=neighbour).json()["items"] == []
    assert create_plan_as(client, neighbour, episode).status_code == 404

    staff = world.headers(Role.STAFF)
    assert [p["id"] for p in client.get(PLANS, headers=staff).json()["items"]] == [str(own.id)]
    assert client.get(f"{PLANS}/{other.id}", headers=staff).status_code == 404
    listed = client.get(PLANS, params={"provider_id": str(world.other_provider.id)}, headers=world.headers(Role.ADMIN))
    assert [p["id"] for p in listed.json()["items"]] == [str(other.id)]
    drafts = client.get(PLANS, params={"status": "approved"}, headers=world.headers(Role.ADMIN))
    assert drafts.json()["items"] == []
    assert client.get(PLANS, headers=world.headers(Role.COMMITTEE)).status_code == 403


def create_plan_as(client, headers: dict, episode):
    return client.post(
        f"/api/v1/intensified-supervision/{episode.id}/action-plans", json={"leader_name": "N"}, headers=headers
    )


NO_BOARD = (
    "Dagtilbuddet har ingen forældrebestyrelse; handleplanen godkendes uden kommentering (dagtilbudsloven §5b, stk. 5)."
)


def test_a_plan_for_a_provider_without_a_parent_board_is_approved_without_a_comment_window(
    client, world: World, db: Session, set_today
):
    childminding = factories.provider(
        db, world.municipality, kind=ProviderKind.PRIVATE_CHILDMINDING, has_parent_board=False
    )
    period, _ = data.serious_concern(db, childminding, world.users[Role.SUPERVISOR], START, START + timedelta(days=21))
    supervisor = world.headers(Role.SUPERVISOR)

    created = create_plan(client, world, period)
    assert created.status_code == 201, created.text
    assert created.json()["no_parent_board_reason"] == NO_BOARD
    url = created.headers["location"]
    no_goals = client.post(f"{url}/approve", headers=with_etag(supervisor, created))
    assert no_goals.status_code == 409 and [e["location"] for e in no_goals.json()["errors"]] == ["items"]
    assert client.post(f"{url}/items", json=new_item(), headers=supervisor).status_code == 201
    # There is no board to inform, so no window to open.
    current = client.get(url, headers=supervisor)
    sent = client.post(
        f"{url}/open-for-comments",
        json={"informed_on": START.isoformat(), "method": "meeting"},
        headers=with_etag(supervisor, current),
    )
    assert sent.status_code == 409 and NO_BOARD in sent.json()["detail"]

    approved = client.post(f"{url}/approve", headers=with_etag(supervisor, current))

    assert approved.status_code == 200, approved.text
    plan = approved.json()
    assert plan["status"] == "approved" and plan["approved_on"] == START.isoformat()
    assert plan["comment_window_ends"] is None and plan["parent_board_notices"] == []
    assert plan["no_parent_board_reason"] == NO_BOARD
    listed = client.get(PLANS, params={"provider_id": str(childminding.id)}, headers=supervisor).json()["items"]
    assert [p["no_parent_board_reason"] for p in listed] == [NO_BOARD]
    # The required plan is made, as for any approved plan.
    action = db.exec(select(RequiredAction).where(RequiredAction.intensified_id == period.id)).one()
    db.refresh(action)
    assert action.done_on == START


def test_a_plan_for_a_provider_with_a_parent_board_still_waits_for_its_comments(
    client, world: World, episode, set_today
):
    supervisor = world.headers(Role.SUPERVISOR)
    created = create_plan(client, world, episode)
    url = created.headers["location"]
    assert created.json()["no_parent_board_reason"] is None
    assert client.post(f"{url}/items", json=new_item(), headers=supervisor).status_code == 201

    direct = client.post(f"{url}/approve", headers=with_etag(supervisor, client.get(url, headers=supervisor)))

    assert direct.status_code == 409
    assert [e["location"] for e in direct.json()["errors"]] == ["status"]
    assert "parent board is informed and may comment first" in direct.json()["detail"]
    assert client.get(url, headers=supervisor).json()["status"] == "draft"
