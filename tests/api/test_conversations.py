"""Continuous supervision (løbende tilsyn): conversations with a provider's leadership and what was agreed in them.

Done-when 5 of issue 12: a follow-up agreed in a læringssamtale shows in `/due` and in the next visit's evidence.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

import api.clock
from api.demo import load_demo_data
from api.tables import PolicyVersion, UserAccount
from domain.access import Role
from domain.policy import KOLDING_DEFAULT
from tests.api.conftest import World
from tests.support import factories
from tests.support import overview_data as data

TODAY = date(2026, 6, 15)
DUE = "/api/v1/due"


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


def conversations_url(provider_id: Any) -> str:
    return f"/api/v1/providers/{provider_id}/conversations"


def laeringssamtale(**overrides: Any) -> dict[str, Any]:
    return {
        "type_key": "learning_conversation",
        "held_on": "2026-06-01",
        "participants": ["leader", "deputy_leader", "administration", "network_group"],
        "topics": ["Sprogarbejdet i vuggestuen", "Sygefravær"],
        "data_looked_at": ["sick_leave", "KIDS 2025"],
        "notes": "Ledelsesteamet vil styrke sprogarbejdet i vuggestuen.",
        "follow_ups": [
            {
                "description": "Lav en plan for sprogarbejdet i vuggestuen",
                "owner_role": "leader",
                "due_on": "2026-07-01",
            }
        ],
        **overrides,
    }


def record(client, world: World, role: Role = Role.SUPERVISOR, provider_id: Any = None, **overrides: Any):
    url = conversations_url(provider_id or world.provider.id)
    return client.post(url, json=laeringssamtale(**overrides), headers=world.headers(role))


def recorded(client, world: World, **overrides: Any) -> dict[str, Any]:
    response = record(client, world, **overrides)
    assert response.status_code == 201, response.text
    return response.json()


def locations(response) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["location"] for e in response.json()["errors"]]


def follow_up_items(client, world: World, role: Role = Role.SUPERVISOR, **params: Any) -> list[dict[str, Any]]:
    response = client.get(DUE, params=params, headers=world.headers(role))
    assert response.status_code == 200, response.text
    return [i for i in response.json()["items"] if i["kind"] == "conversation_follow_up"]


def complete(client, world: World, conversation: dict, role: Role = Role.SUPERVISOR, done_on: str = "2026-06-10"):
    follow_up = conversation["follow_ups"][0]
    url = f"/api/v1/conversations/{conversation['id']}/follow-ups/{follow_up['id']}/complete"
    headers = world.headers(role, **{"If-Match": f'"{follow_up["version"]}"'})
    return client.post(url, json={"done_on": done_on, "note": "Planen er lavet."}, headers=headers)


# --- Done-when 5 -------------------------------------------------------------------------------------------------


def test_a_follow_up_agreed_in_a_laeringssamtale_shows_in_due_and_in_the_next_visits_evidence(
    client, world: World, db: Session
):
    supervisor = world.users[Role.SUPERVISOR]
    data.visit(db, world.provider, supervisor, planned_on=date(2026, 3, 1))  # the previous completed visit
    recorded(client, world, held_on="2026-02-01", follow_ups=[])  # before it: the last visit's evidence
    conversation = recorded(client, world)
    next_visit = data.visit(db, world.provider, supervisor, status="planned", planned_on=date(2026, 9, 1))

    for role in (Role.SUPERVISOR, Role.ADMIN, Role.LEADER):
        [item] = follow_up_items(client, world, role)
        assert item["due_on"] == "2026-07-01" and item["status"] == "due_soon" and item["overdue"] is False
        assert item["provider_id"] == str(world.provider.id)
        assert item["reference_type"] == "conversation_follow_up"
        assert item["reference_id"] == conversation["follow_ups"][0]["id"]
        assert "læringssamtale" in item["description"] and "sprogarbejdet" in item["description"]
        assert item["kind_label"] == "opfølgning aftalt i løbende tilsyn"

    evidence = client.get(f"/api/v1/visits/{next_visit.id}/evidence", headers=world.headers(Role.SUPERVISOR))
    assert evidence.status_code == 200, evidence.text
    [shown] = evidence.json()["conversations"]
    assert shown["id"] == conversation["id"] and shown["type_label"] == "læringssamtale"
    assert shown["topics"] == ["Sprogarbejdet i vuggestuen", "Sygefravær"]
    assert shown["data_looked_at"] == ["sick_leave", "KIDS 2025"]
    assert [f["description"] for f in shown["open_follow_ups"]] == ["Lav en plan for sprogarbejdet i vuggestuen"]
    assert shown["open_follow_ups"][0]["owner_role_label"] == "dagtilbudsleder"


def test_an_open_follow_up_past_its_day_is_overdue_in_due(client, world: World, app):
    recorded(client, world)
    app.dependency_overrides[api.clock.today] = lambda: date(2026, 7, 2)
    [item] = follow_up_items(client, world)
    assert item["status"] == "overdue" and item["overdue"] is True


def test_a_follow_up_marked_done_leaves_due_and_shows_in_the_timeline(client, world: World):
    conversation = recorded(client, world)
    response = complete(client, world, conversation)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "done" and response.json()["done_on"] == "2026-06-10"
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    assert follow_up_items(client, world) == []

    again = complete(client, world, {**conversation, "follow_ups": [response.json()]})
    assert again.status_code == 409, again.text

    timeline = client.get(f"/api/v1/providers/{world.provider.id}/timeline", headers=world.headers(Role.SUPERVISOR))
    events = [(e["on"], e["kind"]) for e in timeline.json()["events"]]
    assert ("2026-06-10", "conversation_follow_up_done") in events
    assert ("2026-06-01", "conversation_held") in events
    held = next(e for e in timeline.json()["events"] if e["kind"] == "conversation_held")
    assert held["title"].startswith("Læringssamtale held") and held["entity_id"] == conversation["id"]


def test_marking_a_follow_up_done_needs_the_follow_ups_etag(client, world: World):
    conversation = recorded(client, world)
    follow_up = conversation["follow_ups"][0]
    url = f"/api/v1/conversations/{conversation['id']}/follow-ups/{follow_up['id']}/complete"
    body = {"done_on": "2026-06-10"}
    assert client.post(url, json=body, headers=world.headers(Role.SUPERVISOR)).status_code == 428
    stale = world.headers(Role.SUPERVISOR, **{"If-Match": '"99"'})
    assert client.post(url, json=body, headers=stale).status_code == 412
    assert len(follow_up_items(client, world)) == 1


def test_a_follow_up_cannot_be_done_before_its_conversation_or_in_the_future(client, world: World):
    conversation = recorded(client, world)
    assert locations(complete(client, world, conversation, done_on="2026-05-31")) == ["body.done_on"]
    assert locations(complete(client, world, conversation, done_on="2026-06-16")) == ["body.done_on"]


# --- what a conversation may be ----------------------------------------------------------------------------------


def test_a_type_not_in_the_policy_is_422_naming_the_field(client, world: World):
    response = record(client, world, type_key="mus_samtale")
    assert locations(response) == ["body.type_key"]
    assert "learning_conversation" in response.json()["errors"][0]["detail"]
    assert follow_up_items(client, world) == []


def test_the_type_must_be_in_the_policy_in_force_on_the_day_the_conversation_was_held(
    client, world: World, db: Session
):
    # From 1 May the municipality holds only læringssamtaler: sparring before then was a type, after it is not.
    only = [{"key": "learning_conversation", "label_da": "læringssamtale", "frequency": "yearly"}]
    document = {**KOLDING_DEFAULT.to_dict(), "conversation_types": only}
    db.add(
        PolicyVersion(
            municipality_id=world.municipality.id,
            number=1,
            effective_from=date(2026, 5, 1),
            document=document,
            created_by="test",
        )
    )
    db.commit()
    assert record(client, world, type_key="sparring", held_on="2026-04-20", follow_ups=[]).status_code == 201
    assert locations(record(client, world, type_key="sparring", held_on="2026-05-02")) == ["body.type_key"]


def test_a_policy_version_saved_before_conversation_types_existed_reads_as_koldings_list(
    client, world: World, db: Session
):
    document = KOLDING_DEFAULT.to_dict()
    del document["conversation_types"]
    db.add(
        PolicyVersion(
            municipality_id=world.municipality.id,
            number=1,
            effective_from=date(2026, 1, 1),
            document=document,
            created_by="test",
        )
    )
    db.commit()
    policy = client.get("/api/v1/policy", headers=world.headers(Role.LEADER)).json()
    assert policy["number"] == 1
    keys = [t["key"] for t in policy["policy"]["conversation_types"]]
    assert keys[:2] == ["learning_conversation", "learning_conversation_follow_up"] and "new_leader_status" in keys
    assert record(client, world, type_key="new_leader_status").status_code == 201


def test_a_policy_with_two_conversation_types_of_one_key_is_refused(client, world: World):
    twice = [{"key": "sparring", "label_da": "sparring"}, {"key": "sparring", "label_da": "sparring igen"}]
    body = {
        "effective_from": "2026-07-01",
        "policy": {**KOLDING_DEFAULT.to_dict(), "conversation_types": twice},
    }
    response = client.post("/api/v1/policy/versions", json=body, headers=world.headers(Role.ADMIN))
    assert locations(response) == ["body.policy.conversation_types"]


def test_a_conversation_in_the_future_or_a_follow_up_due_before_it_is_422_naming_each(client, world: World):
    follow_ups = [
        {"description": "Før samtalen", "owner_role": "leader", "due_on": "2026-05-01"},
        {
            "description": "To ejere",
            "owner_role": "leader",
            "owner_user_id": str(world.users[Role.ADMIN].id),
            "due_on": "2026-09-01",
        },
        {"description": "Ingen ejer", "due_on": "2026-09-01"},
        {"description": "Nabokommunens bruger", "owner_user_id": str(world.neighbour_admin.id), "due_on": "2026-09-01"},
    ]
    assert sorted(locations(record(client, world, follow_ups=follow_ups))) == [
        "body.follow_ups.0.due_on",
        "body.follow_ups.1.owner_role",
        "body.follow_ups.2.owner_role",
        "body.follow_ups.3.owner_user_id",
    ]
    assert locations(record(client, world, held_on="2026-06-16", follow_ups=[])) == ["body.held_on"]


def test_participants_are_roles_never_names(client, world: World):
    assert locations(record(client, world, participants=["Anne Hansen"])) == ["body.participants.0"]


def test_a_change_needs_if_match_and_is_checked_against_the_policy(client, world: World):
    soon = [{"description": "Send referatet", "owner_role": "supervisor", "due_on": "2026-06-05"}]
    conversation = recorded(client, world, follow_ups=soon)
    url = f"/api/v1/conversations/{conversation['id']}"
    assert client.patch(url, json={"topics": ["Trivsel"]}, headers=world.headers(Role.SUPERVISOR)).status_code == 428
    headers = world.headers(Role.SUPERVISOR, **{"If-Match": f'"{conversation["version"]}"'})
    assert locations(client.patch(url, json={"type_key": "mus_samtale"}, headers=headers)) == ["body.type_key"]
    # A follow-up agreed in it falls due on 5 June: the conversation cannot move after that.
    assert locations(client.patch(url, json={"held_on": "2026-06-10"}, headers=headers)) == ["body.held_on"]
    changed = client.patch(url, json={"type_key": "sparring", "topics": ["Trivsel"]}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["type_label"] == "sparringssamtale" and changed.json()["topics"] == ["Trivsel"]
    assert changed.headers["ETag"] == f'"{conversation["version"] + 1}"'
    read = client.get(url, headers=world.headers(Role.LEADER))
    assert read.json()["type_key"] == "sparring" and read.headers["ETag"] == changed.headers["ETag"]


def test_recording_and_completing_are_in_the_audit_trail(client, world: World):
    conversation = recorded(client, world)
    complete(client, world, conversation)
    events = client.get("/api/v1/audit-events", headers=world.headers(Role.ADMIN)).json()["items"]
    done = [(e["entity_type"], e["action"]) for e in events]
    assert ("supervision_conversation", "conversations-create") in done
    assert ("conversation_follow_up", "conversations-create") in done
    assert ("conversation_follow_up", "conversations-follow-ups-complete") in done


# --- who sees and does what --------------------------------------------------------------------------------------


def test_only_the_administration_and_supervisors_record_conversations(client, world: World):
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        assert record(client, world, role).status_code == 403, role


def test_staff_parent_boards_and_the_committee_do_not_read_them(client, world: World):
    conversation = recorded(client, world)
    for role in (Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        headers = world.headers(role)
        assert client.get(conversations_url(world.provider.id), headers=headers).status_code == 403, role
        assert client.get(f"/api/v1/conversations/{conversation['id']}", headers=headers).status_code in (403, 404)


def test_a_leader_sees_only_their_own_providers_conversations(client, world: World):
    own = recorded(client, world)
    other = recorded(client, world, provider_id=world.other_provider.id)
    leader = world.headers(Role.LEADER)
    listed = client.get(conversations_url(world.provider.id), headers=leader)
    assert [c["id"] for c in listed.json()["items"]] == [own["id"]]
    assert client.get(conversations_url(world.other_provider.id), headers=leader).status_code == 404
    assert client.get(f"/api/v1/conversations/{other['id']}", headers=leader).status_code == 404
    assert [i["provider_id"] for i in follow_up_items(client, world, Role.LEADER)] == [str(world.provider.id)]
    assert len(follow_up_items(client, world, Role.SUPERVISOR)) == 2


def test_a_leader_marks_done_what_the_leader_owns_and_nothing_else(client, world: World):
    admin_owned = [{"description": "Send data", "owner_role": "administration", "due_on": "2026-07-01"}]
    theirs = recorded(client, world, follow_ups=admin_owned)
    assert complete(client, world, theirs, Role.LEADER).status_code == 403
    mine = recorded(client, world)
    assert complete(client, world, mine, Role.LEADER).status_code == 200
    assert [i["reference_id"] for i in follow_up_items(client, world)] == [theirs["follow_ups"][0]["id"]]


def test_another_municipalitys_conversations_are_404(client, world: World):
    conversation = recorded(client, world)
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(f"/api/v1/conversations/{conversation['id']}", headers=neighbour).status_code == 404
    assert client.get(conversations_url(world.provider.id), headers=neighbour).status_code == 404
    assert record(client, world, Role.SUPERVISOR, provider_id=world.neighbour_provider.id).status_code == 404
    items = client.get(DUE, headers=neighbour).json()["items"]
    assert not [i for i in items if i["kind"] == "conversation_follow_up"]


def test_mine_shows_a_supervisor_the_follow_ups_they_own(client, world: World):
    supervisor = world.users[Role.SUPERVISOR]
    owned = [{"description": "Send nøgletal", "owner_user_id": str(supervisor.id), "due_on": "2026-07-01"}]
    recorded(client, world, provider_id=world.other_provider.id, follow_ups=owned)
    recorded(client, world)  # the leader's, at a provider the supervisor does not supervise
    [item] = follow_up_items(client, world, mine="true")
    assert item["provider_id"] == str(world.other_provider.id)
    assert supervisor.full_name in item["description"]


# --- the evidence of a held visit --------------------------------------------------------------------------------


def test_a_held_visit_gets_the_conversations_since_the_previous_visit_with_what_was_open_on_its_day(
    client, world: World, db: Session
):
    supervisor = world.users[Role.SUPERVISOR]
    data.visit(db, world.provider, supervisor, planned_on=date(2026, 1, 10))
    recorded(client, world, held_on="2026-01-05")  # before the previous visit
    same_day = recorded(client, world, held_on="2026-01-10", follow_ups=[])  # on the previous visit's day
    done_before = recorded(client, world, held_on="2026-02-01")
    done_after = recorded(client, world, held_on="2026-03-01")
    assert complete(client, world, done_before, done_on="2026-03-15").status_code == 200
    assert complete(client, world, done_after, done_on="2026-05-01").status_code == 200
    recorded(client, world, held_on="2026-04-01")  # on the visit's own day: the next visit's
    visit = data.visit(db, world.provider, supervisor, planned_on=date(2026, 4, 1))

    evidence = client.get(f"/api/v1/visits/{visit.id}/evidence", headers=world.headers(Role.SUPERVISOR)).json()
    shown = {c["id"]: [f["id"] for f in c["open_follow_ups"]] for c in evidence["conversations"]}
    assert list(shown) == [done_after["id"], done_before["id"], same_day["id"]]  # newest first
    assert shown[done_before["id"]] == []  # done on 15 March, before the visit
    assert shown[done_after["id"]] == [done_after["follow_ups"][0]["id"]]  # still open on 1 April
    assert [c["held_on"] for c in evidence["conversations"]][-1] == "2026-01-10"
    assert all(date.fromisoformat(c["held_on"]) < date(2026, 4, 1) for c in evidence["conversations"])


def test_the_demo_leader_has_an_open_follow_up_from_a_laeringssamtale(client, db: Session, settings, app):
    app.dependency_overrides[api.clock.today] = api.clock.today  # the demo counts from the real today
    assert load_demo_data(db) is True
    leader = db.exec(select(UserAccount).where(UserAccount.email == "leader@fjordby.example")).one()
    response = client.get(DUE, headers=factories.headers_for(settings, leader))
    assert response.status_code == 200, response.text
    [item] = [i for i in response.json()["items"] if i["kind"] == "conversation_follow_up"]
    assert "læringssamtale" in item["description"] and item["provider_id"] == str(leader.provider_id)
