"""After a visit over HTTP: the leader's follow-up dialogue, the parent board informed, and recommendations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from api.clock import today
from api.tables import RequiredAction
from domain.access import Role
from domain.escalation import ActionKind
from tests.api.conftest import World
from tests.support import factories, visit_data
from tests.support.payloads import PROBLEM

TODAY = date(2026, 4, 20)
V1 = "/api/v1"


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


def dialogue_body(**overrides) -> dict:
    return {
        "held_on": "2026-03-24",
        "participants": ["Dagtilbudsleder Anne Hansen", "Pædagogisk konsulent"],
        "summary": "Vi gennemgik vurderingen: gode relationer, sproglige aktiviteter kan styrkes.",
        "agreed_follow_up": "Sprogindsats i vuggestuen fra maj.",
        **overrides,
    }


def dialogue_url(visit) -> str:
    return f"{V1}/visits/{visit.id}/follow-up-dialogue"


def completed(db: Session, world: World, provider=None, **kw):
    return visit_data.visit(db, provider or world.provider, world.users[Role.SUPERVISOR], **kw)


# The follow-up dialogue


@pytest.mark.parametrize(("kind", "number"), [("announced", 1), ("unannounced", 2), ("intensified", 2)])
def test_the_leader_records_the_dialogue_numbered_by_the_visit_kind(client, db, world: World, kind, number):
    visit = completed(db, world, kind=kind)
    leader = world.headers(Role.LEADER)

    response = client.put(dialogue_url(visit), json=dialogue_body(), headers=leader)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] == number
    assert body["visit_id"] == str(visit.id)
    assert body["participants"] == ["Dagtilbudsleder Anne Hansen", "Pædagogisk konsulent"]
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(dialogue_url(visit))

    again = client.get(dialogue_url(visit), headers=world.headers(Role.PARENT_BOARD))
    assert again.status_code == 200
    assert again.json()["summary"] == body["summary"]
    assert again.headers["etag"] == '"1"'


def test_a_leader_cannot_record_or_read_another_providers_dialogue(client, db, world: World):
    other_visit = completed(db, world, provider=world.other_provider)
    leader = world.headers(Role.LEADER)

    assert client.put(dialogue_url(other_visit), json=dialogue_body(), headers=leader).status_code == 404
    assert client.get(dialogue_url(other_visit), headers=leader).status_code == 404
    # The supervision can, and the leader's failed attempt left nothing behind.
    assert client.get(dialogue_url(other_visit), headers=world.headers(Role.SUPERVISOR)).status_code == 404
    created = client.put(dialogue_url(other_visit), json=dialogue_body(), headers=world.headers(Role.SUPERVISOR))
    assert created.status_code == 201


def test_staff_parent_board_and_committee_may_not_record_the_dialogue(client, db, world: World):
    visit = completed(db, world)
    for role in (Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        response = client.put(dialogue_url(visit), json=dialogue_body(), headers=world.headers(role))
        assert response.status_code == 403, role
        assert response.headers["content-type"] == PROBLEM
        assert "follow-up:write" in response.json()["detail"]
    assert client.get(dialogue_url(visit), headers=world.headers(Role.ADMIN)).status_code == 404


def test_there_is_no_dialogue_until_one_is_recorded(client, db, world: World):
    visit = completed(db, world)
    response = client.get(dialogue_url(visit), headers=world.headers(Role.ADMIN))
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM


def test_only_a_completed_visit_has_a_dialogue(client, db, world: World):
    for status in ("planned", "cancelled"):
        visit = completed(db, world, status=status)
        response = client.put(dialogue_url(visit), json=dialogue_body(), headers=world.headers(Role.SUPERVISOR))
        assert response.status_code == 409, status
        assert "completed" in response.json()["detail"]


def test_the_dialogue_cannot_be_held_before_the_visit_or_in_the_future(client, db, world: World):
    visit = completed(db, world)  # held on 2026-03-10
    supervisor = world.headers(Role.SUPERVISOR)
    for held_on in ("2026-03-09", "2026-04-21"):
        response = client.put(dialogue_url(visit), json=dialogue_body(held_on=held_on), headers=supervisor)
        assert response.status_code == 422, held_on
        assert [e["location"] for e in response.json()["errors"]] == ["body.held_on"]
    on_the_day = client.put(dialogue_url(visit), json=dialogue_body(held_on="2026-03-10"), headers=supervisor)
    assert on_the_day.status_code == 201


def test_at_least_one_participant_is_named(client, db, world: World):
    visit = completed(db, world)
    response = client.put(dialogue_url(visit), json=dialogue_body(participants=[]), headers=world.headers(Role.LEADER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.participants"


def test_replacing_the_dialogue_needs_its_current_etag(client, db, world: World):
    visit = completed(db, world, kind="unannounced")
    leader = world.headers(Role.LEADER)
    first = client.put(dialogue_url(visit), json=dialogue_body(), headers=leader)
    assert first.status_code == 201
    changed = dialogue_body(summary="Rettet referat.", agreed_follow_up=None)

    assert client.put(dialogue_url(visit), json=changed, headers=leader).status_code == 428
    assert client.put(dialogue_url(visit), json=changed, headers={**leader, "If-Match": '"7"'}).status_code == 412
    assert client.get(dialogue_url(visit), headers=leader).json()["summary"] == dialogue_body()["summary"]

    replaced = client.put(dialogue_url(visit), json=changed, headers={**leader, "If-Match": first.headers["etag"]})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["summary"] == "Rettet referat."
    assert replaced.json()["agreed_follow_up"] is None
    assert replaced.json()["number"] == 2
    assert replaced.headers["etag"] == '"2"'
    assert "location" not in replaced.headers


# The parent board informed


def notices_url(visit) -> str:
    return f"{V1}/visits/{visit.id}/parent-board-notices"


def test_informing_the_parent_board_marks_the_visits_required_action_done(client, db, world: World):
    visit = completed(db, world)
    inform = visit_data.required_action(db, visit)
    other_kind = visit_data.required_action(db, visit, ActionKind.SCHEDULE_FOLLOW_UP_VISIT)
    other_visit = completed(db, world)
    elsewhere = visit_data.required_action(db, other_visit)

    response = client.post(
        notices_url(visit),
        json={"informed_on": "2026-04-02", "method": "meeting", "note": "Orienteret på bestyrelsesmødet."},
        headers=world.headers(Role.LEADER),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["method"] == "meeting" and body["method_label"] == "bestyrelsesmøde"
    assert body["provider_id"] == str(world.provider.id)

    done = {a.id: a.done_on for a in db.exec(select(RequiredAction).execution_options(populate_existing=True))}
    assert done[inform.id] == date(2026, 4, 2)
    assert done[other_kind.id] is None
    assert done[elsewhere.id] is None

    listed = client.get(notices_url(visit), headers=world.headers(Role.PARENT_BOARD))
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()["items"]] == [body["id"]]
    one = client.get(response.headers["location"], headers=world.headers(Role.STAFF))
    assert one.status_code == 200 and one.json()["note"] == "Orienteret på bestyrelsesmødet."
    assert client.get(notices_url(other_visit), headers=world.headers(Role.ADMIN)).json()["items"] == []


def test_a_provider_without_a_parent_board_cannot_inform_one(client, db, world: World):
    provider = factories.provider(db, world.municipality, has_parent_board=False)
    visit = completed(db, world, provider=provider)
    response = client.post(
        notices_url(visit), json={"informed_on": "2026-04-02", "method": "email"}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 409
    assert "parent board" in response.json()["detail"]


def test_the_parent_board_is_informed_after_a_completed_visit_on_a_real_day(client, db, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    planned = completed(db, world, status="planned")
    body = {"informed_on": "2026-04-02", "method": "letter"}
    assert client.post(notices_url(planned), json=body, headers=supervisor).status_code == 409
    visit = completed(db, world)
    for day in ("2026-03-01", "2026-05-01"):
        response = client.post(notices_url(visit), json={**body, "informed_on": day}, headers=supervisor)
        assert response.status_code == 422, day
    bad_method = client.post(notices_url(visit), json={**body, "method": "pigeon"}, headers=supervisor)
    assert bad_method.status_code == 422
    assert client.post(notices_url(visit), json=body, headers=world.headers(Role.PARENT_BOARD)).status_code == 403


# Recommendations


def recommendation_url(recommendation_id) -> str:
    return f"{V1}/recommendations/{recommendation_id}"


def provider_recommendations(provider) -> str:
    return f"{V1}/providers/{provider.id}/recommendations"


def test_a_supervisor_writes_a_recommendation_from_a_held_visit(client, db, world: World):
    visit = completed(db, world)
    body = {"text": "Styrk sprogarbejdet i vuggestuen.", "owner": "Dagtilbudsleder", "due_on": "2026-09-01"}

    response = client.post(f"{V1}/visits/{visit.id}/recommendations", json=body, headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["status"] == "open" and created["status_label"] == "åben"
    assert created["overdue"] is False
    assert created["provider_id"] == str(world.provider.id)
    assert response.headers["location"].endswith(recommendation_url(created["id"]))
    read = client.get(response.headers["location"], headers=world.headers(Role.LEADER))
    assert read.status_code == 200 and read.headers["etag"] == '"1"'

    # Held but not yet completed is enough; planned and not held, or cancelled, is not.
    being_written = completed(db, world, status="planned", held_on=date(2026, 4, 1))
    url = f"{V1}/visits/{being_written.id}/recommendations"
    assert client.post(url, json=body, headers=world.headers(Role.ADMIN)).status_code == 201
    for status in ("planned", "cancelled"):
        not_held = completed(db, world, status=status)
        url = f"{V1}/visits/{not_held.id}/recommendations"
        assert client.post(url, json=body, headers=world.headers(Role.ADMIN)).status_code == 409, status
    before = client.post(
        f"{V1}/visits/{visit.id}/recommendations",
        json={**body, "due_on": "2026-03-01"},
        headers=world.headers(Role.ADMIN),
    )
    assert before.status_code == 422
    leader = client.post(f"{V1}/visits/{visit.id}/recommendations", json=body, headers=world.headers(Role.LEADER))
    assert leader.status_code == 403


def test_the_leader_keeps_the_status_up_to_date_but_cannot_rewrite_the_recommendation(client, db, world: World):
    row = visit_data.recommendation(db, completed(db, world))
    url = recommendation_url(row.id)
    leader = world.headers(Role.LEADER)

    progress = client.patch(
        url,
        json={"status": "in_progress", "status_note": "Sprogpakken er bestilt."},
        headers={**leader, "If-Match": '"1"'},
    )
    assert progress.status_code == 200, progress.text
    assert progress.json()["status"] == "in_progress"
    assert progress.json()["status_note"] == "Sprogpakken er bestilt."
    assert progress.headers["etag"] == '"2"'

    rewrite = client.patch(
        url, json={"text": "Noget lettere.", "status": "done"}, headers={**leader, "If-Match": '"2"'}
    )
    assert rewrite.status_code == 403
    assert rewrite.headers["content-type"] == PROBLEM
    assert "`text`" in rewrite.json()["detail"]
    assert [e["location"] for e in rewrite.json()["errors"]] == ["body.text"]
    unchanged = client.get(url, headers=leader).json()
    assert unchanged["text"] == "Styrk sprogarbejdet i vuggestuen." and unchanged["status"] == "in_progress"

    supervisor = client.patch(
        url,
        json={"text": "Styrk sprogarbejdet i hele huset.", "due_on": "2026-10-01"},
        headers={**world.headers(Role.SUPERVISOR), "If-Match": '"2"'},
    )
    assert supervisor.status_code == 200
    assert supervisor.json()["text"] == "Styrk sprogarbejdet i hele huset."


def test_staff_and_other_providers_leaders_cannot_touch_a_recommendation(client, db, world: World):
    row = visit_data.recommendation(db, completed(db, world, provider=world.other_provider))
    own = visit_data.recommendation(db, completed(db, world))
    body = {"status": "done"}
    leader = {**world.headers(Role.LEADER), "If-Match": '"1"'}
    assert client.patch(recommendation_url(row.id), json=body, headers=leader).status_code == 404
    assert client.get(recommendation_url(row.id), headers=world.headers(Role.LEADER)).status_code == 404
    staff = client.patch(
        recommendation_url(own.id), json=body, headers={**world.headers(Role.STAFF), "If-Match": '"1"'}
    )
    assert staff.status_code == 403
    assert client.get(recommendation_url(own.id), headers=world.headers(Role.STAFF)).status_code == 200


def test_dropping_a_recommendation_needs_a_reason(client, db, world: World):
    row = visit_data.recommendation(db, completed(db, world))
    leader = {**world.headers(Role.LEADER), "If-Match": '"1"'}
    response = client.patch(recommendation_url(row.id), json={"status": "dropped"}, headers=leader)
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.status_note"]
    dropped = client.patch(
        recommendation_url(row.id),
        json={"status": "dropped", "status_note": "Afløst af handleplanens punkt 2."},
        headers=leader,
    )
    assert dropped.status_code == 200
    assert dropped.json()["status_label"] == "opgivet"


def test_a_stale_or_missing_etag_changes_nothing(client, db, world: World):
    row = visit_data.recommendation(db, completed(db, world))
    url = recommendation_url(row.id)
    supervisor = world.headers(Role.SUPERVISOR)
    assert client.patch(url, json={"owner": "Souschef"}, headers=supervisor).status_code == 428
    first = client.patch(url, json={"owner": "Souschef"}, headers={**supervisor, "If-Match": '"1"'})
    assert first.status_code == 200
    stale = client.patch(url, json={"owner": "Pædagog"}, headers={**supervisor, "If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert client.get(url, headers=supervisor).json()["owner"] == "Souschef"


def test_the_overdue_filter_shows_what_is_past_due_and_still_to_do(client, db, world: World):
    visit = completed(db, world)
    late_open = visit_data.recommendation(db, visit, due_on=date(2026, 4, 1))
    late_in_progress = visit_data.recommendation(db, visit, due_on=date(2026, 4, 19), status="in_progress")
    visit_data.recommendation(db, visit, due_on=date(2026, 4, 2), status="done")
    visit_data.recommendation(db, visit, due_on=date(2026, 4, 3), status="dropped", status_note="Afløst.")
    due_today = visit_data.recommendation(db, visit, due_on=TODAY)
    visit_data.recommendation(db, completed(db, world, provider=world.other_provider), due_on=date(2026, 4, 1))
    url = provider_recommendations(world.provider)
    leader = world.headers(Role.LEADER)

    overdue = client.get(url, params={"overdue": "true"}, headers=leader)
    assert overdue.status_code == 200
    assert [r["id"] for r in overdue.json()["items"]] == [str(late_open.id), str(late_in_progress.id)]
    assert all(r["overdue"] for r in overdue.json()["items"])

    rest = client.get(url, params={"overdue": "false"}, headers=leader).json()["items"]
    assert len(rest) == 3 and not any(r["overdue"] for r in rest)
    assert str(due_today.id) in {r["id"] for r in rest}

    open_only = client.get(url, params={"status": "open", "overdue": "true"}, headers=leader).json()["items"]
    assert [r["id"] for r in open_only] == [str(late_open.id)]


def test_recommendations_are_listed_soonest_due_a_page_at_a_time(client, db, world: World):
    visit = completed(db, world)
    days = [date(2026, 7, 1), date(2026, 5, 1), date(2026, 6, 1)]
    for day in days:
        visit_data.recommendation(db, visit, due_on=day)
    url = provider_recommendations(world.provider)
    supervisor = world.headers(Role.SUPERVISOR)
    first = client.get(url, params={"limit": 2}, headers=supervisor)
    assert [r["due_on"] for r in first.json()["items"]] == ["2026-05-01", "2026-06-01"]
    assert 'rel="next"' in first.headers["link"]
    second = client.get(url, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=supervisor)
    assert [r["due_on"] for r in second.json()["items"]] == ["2026-07-01"]
    assert second.json()["next_cursor"] is None
    by_visit = client.get(url, params={"visit_id": str(completed(db, world).id)}, headers=supervisor)
    assert by_visit.json()["items"] == []


def test_a_neighbour_municipality_sees_none_of_it(client, db, world: World):
    visit = completed(db, world)
    client.put(dialogue_url(visit), json=dialogue_body(), headers=world.headers(Role.LEADER))
    row = visit_data.recommendation(db, visit)
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    assert client.get(dialogue_url(visit), headers=neighbour).status_code == 404
    assert client.get(notices_url(visit), headers=neighbour).status_code == 404
    assert client.get(recommendation_url(row.id), headers=neighbour).status_code == 404
    assert client.get(provider_recommendations(world.provider), headers=neighbour).status_code == 404
    patch = client.patch(recommendation_url(row.id), json={"owner": "X"}, headers={**neighbour, "If-Match": "*"})
    assert patch.status_code == 404
    put = client.put(dialogue_url(visit), json=dialogue_body(), headers={**neighbour, "If-Match": "*"})
    assert put.status_code == 404


def test_the_audit_trail_shows_who_updated_a_recommendation(client, db, world: World):
    row = visit_data.recommendation(db, completed(db, world))
    response = client.patch(
        recommendation_url(row.id), json={"status": "done"}, headers={**world.headers(Role.LEADER), "If-Match": '"1"'}
    )
    assert response.status_code == 200
    events = client.get(
        f"{V1}/audit-events", params={"entity_id": str(row.id)}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    assert [e["action"] for e in events] == ["recommendations-update"]
    assert events[0]["actor_id"] == str(world.users[Role.LEADER].id)
    assert events[0]["changes"]["status"] == ["open", "done"]


def test_the_follow_up_dialogue_closes_the_visits_development_plan_action(client, db, world: World):
    # Without this, every visit with no concern would leave a "feed the development plan" item due forever.
    visit = completed(db, world)
    feed = visit_data.required_action(db, visit, ActionKind.FEED_DEVELOPMENT_PLAN)
    inform = visit_data.required_action(db, visit)

    body = dialogue_body()
    response = client.put(dialogue_url(visit), json=body, headers=world.headers(Role.LEADER))
    assert response.status_code == 201, response.text

    done = {a.id: a.done_on for a in db.exec(select(RequiredAction).execution_options(populate_existing=True))}
    assert done[feed.id] == date.fromisoformat(body["held_on"])
    assert done[inform.id] is None  # informing the parent board is its own step
