"""Concern notices over HTTP: registered and triaged by the supervision, read by the provider's own people
without ever learning who reported, and followed up by an unannounced visit that stays unannounced."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session

from api.clock import today
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories, visit_data
from tests.support.payloads import PROBLEM

TODAY = date(2026, 4, 20)
NOTICES = "/api/v1/concern-notices"
REPORTER = "Mette Forælder"
CONTACT = "mette@example.dk"
PROVIDER_ROLES = (Role.LEADER, Role.STAFF, Role.PARENT_BOARD)
SUPERVISION = (Role.ADMIN, Role.SUPERVISOR)


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


def new_notice(world: World, **overrides) -> dict:
    return {
        "provider_id": str(world.provider.id),
        "received_on": "2026-04-14",
        "source": "parent",
        "reporter_name": REPORTER,
        "reporter_contact": CONTACT,
        "summary": "Børnene er ofte alene på legepladsen om eftermiddagen.",
        **overrides,
    }


def register(client, world: World, role: Role = Role.SUPERVISOR, **overrides) -> dict:
    response = client.post(NOTICES, json=new_notice(world, **overrides), headers=world.headers(role))
    assert response.status_code == 201, response.text
    return response.json()


def if_match(headers: dict, version: int) -> dict:
    return {**headers, "If-Match": f'"{version}"'}


def test_the_supervision_registers_a_notice_and_sees_who_reported(client, world: World):
    response = client.post(NOTICES, json=new_notice(world), headers=world.headers(Role.SUPERVISOR))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "received" and body["status_label"] == "modtaget"
    assert body["reporter_name"] == REPORTER and body["reporter_contact"] == CONTACT
    assert body["reporter_hidden"] is False
    assert body["visit_id"] is None
    assert response.headers["etag"] == '"1"'
    assert response.headers["location"].endswith(f"{NOTICES}/{body['id']}")
    for role in SUPERVISION:
        read = client.get(response.headers["location"], headers=world.headers(role))
        assert read.status_code == 200
        assert read.json()["reporter_name"] == REPORTER and read.json()["reporter_contact"] == CONTACT


@pytest.mark.parametrize("role", PROVIDER_ROLES)
def test_the_providers_own_people_read_the_notice_but_never_who_reported_it(client, world: World, role: Role):
    notice = register(client, world)
    headers = world.headers(role)

    read = client.get(f"{NOTICES}/{notice['id']}", headers=headers)
    assert read.status_code == 200
    body = read.json()
    assert body["summary"] == notice["summary"]
    assert body["source"] == "parent"
    assert body["reporter_name"] is None and body["reporter_contact"] is None
    assert body["reporter_hidden"] is True
    assert REPORTER not in read.text and CONTACT not in read.text

    listed = client.get(NOTICES, headers=headers)
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [n["id"] for n in items] == [notice["id"]]
    assert items[0]["reporter_name"] is None and items[0]["reporter_contact"] is None
    assert items[0]["reporter_hidden"] is True
    assert REPORTER not in listed.text and CONTACT not in listed.text


def test_the_administration_and_supervisors_see_who_reported_in_lists_too(client, world: World):
    notice = register(client, world)
    for role in SUPERVISION:
        items = client.get(NOTICES, headers=world.headers(role)).json()["items"]
        assert [(n["id"], n["reporter_name"], n["reporter_contact"]) for n in items] == [
            (notice["id"], REPORTER, CONTACT)
        ]
        assert items[0]["reporter_hidden"] is False


def test_an_integration_registers_notices_without_seeing_who_reported(client, db: Session, world: World):
    case_system = visit_data.integration_client(db, world.municipality.id, ["concerns:write"])
    headers = factories.client_headers(world.settings, case_system)
    response = client.post(NOTICES, json=new_notice(world), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["reporter_name"] is None and response.json()["reporter_hidden"] is True
    assert REPORTER not in response.text
    stored = client.get(response.headers["location"], headers=world.headers(Role.SUPERVISOR)).json()
    assert stored["reporter_name"] == REPORTER
    assert client.get(NOTICES, headers=headers).status_code == 403  # it may register, not read


def test_provider_roles_see_only_their_own_providers_notices(client, world: World):
    own = register(client, world)
    other = register(client, world, provider_id=str(world.other_provider.id))
    for role in PROVIDER_ROLES:
        headers = world.headers(role)
        assert client.get(f"{NOTICES}/{other['id']}", headers=headers).status_code == 404
        assert [n["id"] for n in client.get(NOTICES, headers=headers).json()["items"]] == [own["id"]]
        filtered = client.get(NOTICES, params={"provider_id": str(world.other_provider.id)}, headers=headers)
        assert filtered.json()["items"] == []
    assert client.get(NOTICES, headers=world.headers(Role.COMMITTEE)).status_code == 403
    assert client.post(NOTICES, json=new_notice(world), headers=world.headers(Role.LEADER)).status_code == 403


def test_a_neighbour_municipality_sees_nothing(client, db: Session, world: World):
    notice = register(client, world)
    neighbour = factories.headers_for(world.settings, world.neighbour_admin)
    url = f"{NOTICES}/{notice['id']}"
    assert client.get(url, headers=neighbour).status_code == 404
    assert client.get(NOTICES, headers=neighbour).json()["items"] == []
    triage = client.post(f"{url}/triage", json={"status": "dismissed", "note": "x"}, headers=if_match(neighbour, 1))
    assert triage.status_code == 404
    # Nor can the neighbour register a concern about our provider.
    foreign = client.post(NOTICES, json=new_notice(world), headers=neighbour)
    assert foreign.status_code == 422
    assert [e["location"] for e in foreign.json()["errors"]] == ["body.provider_id"]


def test_a_notice_is_not_received_in_the_future_and_anonymous_means_no_reporter(client, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    future = client.post(NOTICES, json=new_notice(world, received_on="2026-04-21"), headers=supervisor)
    assert future.status_code == 422
    assert [e["location"] for e in future.json()["errors"]] == ["body.received_on"]
    anonymous = client.post(NOTICES, json=new_notice(world, source="anonymous"), headers=supervisor)
    assert anonymous.status_code == 422
    assert {e["location"] for e in anonymous.json()["errors"]} == {"body.reporter_name", "body.reporter_contact"}
    ok = register(
        client, world, source="anonymous", reporter_name=None, reporter_contact=None, received_on="2026-04-20"
    )
    assert ok["reporter_name"] is None and ok["reporter_hidden"] is False


def test_triage_needs_the_current_etag_and_happens_once(client, world: World):
    notice = register(client, world)
    url = f"{NOTICES}/{notice['id']}/triage"
    supervisor = world.headers(Role.SUPERVISOR)
    body = {"status": "triaged", "note": "Alvorligt nok til et uanmeldt besøg."}

    missing = client.post(url, json=body, headers=supervisor)
    assert missing.status_code == 428 and missing.headers["content-type"] == PROBLEM
    assert client.post(url, json=body, headers=if_match(supervisor, 5)).status_code == 412
    assert client.post(url, json=body, headers=if_match(world.headers(Role.LEADER), 1)).status_code == 403

    triaged = client.post(url, json=body, headers=if_match(supervisor, 1))
    assert triaged.status_code == 200, triaged.text
    assert triaged.json()["status"] == "triaged" and triaged.json()["triage_note"] == body["note"]
    assert triaged.headers["etag"] == '"2"'
    again = client.post(url, json={"status": "dismissed", "note": "Fortrudt."}, headers=if_match(supervisor, 2))
    assert again.status_code == 409
    assert (
        client.post(url, json={"status": "visit_planned", "note": "x"}, headers=if_match(supervisor, 2)).status_code
        == 422
    )


def link(client, world: World, notice: dict, visit, version: int, role: Role = Role.SUPERVISOR):
    return client.post(
        f"{NOTICES}/{notice['id']}/link-visit",
        json={"visit_id": str(visit.id)},
        headers=if_match(world.headers(role), version),
    )


def test_only_an_unannounced_visit_to_the_same_provider_can_be_linked(client, db: Session, world: World):
    notice = register(client, world)
    supervisor_user = world.users[Role.SUPERVISOR]
    announced = visit_data.visit(db, world.provider, supervisor_user, kind="announced", status="planned")
    elsewhere = visit_data.visit(db, world.other_provider, supervisor_user, kind="unannounced", status="planned")
    cancelled = visit_data.visit(db, world.provider, supervisor_user, kind="unannounced", status="cancelled")
    for visit in (announced, elsewhere, cancelled):
        response = link(client, world, notice, visit, 1)
        assert response.status_code == 422, response.text
        assert [e["location"] for e in response.json()["errors"]] == ["body.visit_id"]

    visit = visit_data.visit(db, world.provider, supervisor_user, kind="unannounced", status="planned")
    assert link(client, world, notice, visit, 1, Role.LEADER).status_code == 403
    linked = link(client, world, notice, visit, 1)
    assert linked.status_code == 200, linked.text
    assert linked.json()["status"] == "visit_planned" and linked.json()["visit_id"] == str(visit.id)
    assert link(client, world, notice, visit, 1).status_code == 412
    assert link(client, world, notice, visit, 2).status_code == 409  # already linked to a live visit


def test_a_dismissed_notice_gets_no_visit(client, db: Session, world: World):
    notice = register(client, world)
    supervisor = world.headers(Role.SUPERVISOR)
    dismissed = client.post(
        f"{NOTICES}/{notice['id']}/triage",
        json={"status": "dismissed", "note": "Forholdet er allerede løst."},
        headers=if_match(supervisor, 1),
    )
    assert dismissed.status_code == 200
    visit = visit_data.visit(db, world.provider, world.users[Role.SUPERVISOR], kind="unannounced", status="planned")
    assert link(client, world, notice, visit, 2).status_code == 409


def test_the_planned_unannounced_visit_is_not_revealed_to_the_provider(client, db: Session, world: World):
    notice = register(client, world)
    client.post(
        f"{NOTICES}/{notice['id']}/triage",
        json={"status": "triaged", "note": "Uanmeldt besøg."},
        headers=if_match(world.headers(Role.SUPERVISOR), 1),
    )
    visit = visit_data.visit(db, world.provider, world.users[Role.SUPERVISOR], kind="unannounced", status="planned")
    assert link(client, world, notice, visit, 2).status_code == 200
    url = f"{NOTICES}/{notice['id']}"

    for role in PROVIDER_ROLES:
        headers = world.headers(role)
        read = client.get(url, headers=headers).json()
        assert read["visit_id"] is None and read["status"] == "triaged", role
        assert str(visit.id) not in client.get(NOTICES, headers=headers).text
        # Filtering by status does not give it away either.
        planned = client.get(NOTICES, params={"status": "visit_planned"}, headers=headers).json()["items"]
        assert planned == []
        triaged = client.get(NOTICES, params={"status": "triaged"}, headers=headers).json()["items"]
        assert [n["id"] for n in triaged] == [notice["id"]]
    supervisor_view = client.get(url, headers=world.headers(Role.SUPERVISOR)).json()
    assert supervisor_view["visit_id"] == str(visit.id) and supervisor_view["status"] == "visit_planned"

    visit.status, visit.held_on = "completed", date(2026, 4, 17)  # the visit has been held: nothing left to hide
    db.add(visit)
    db.commit()
    held = client.get(url, headers=world.headers(Role.LEADER)).json()
    assert held["visit_id"] == str(visit.id) and held["status"] == "visit_planned"
    planned = client.get(NOTICES, params={"status": "visit_planned"}, headers=world.headers(Role.LEADER)).json()
    assert [n["id"] for n in planned["items"]] == [notice["id"]]


def test_a_cancelled_visit_can_be_replaced(client, db: Session, world: World):
    notice = register(client, world)
    supervisor_user = world.users[Role.SUPERVISOR]
    first = visit_data.visit(db, world.provider, supervisor_user, kind="unannounced", status="planned")
    assert link(client, world, notice, first, 1).status_code == 200
    first.status = "cancelled"
    db.add(first)
    db.commit()
    second = visit_data.visit(db, world.provider, supervisor_user, kind="unannounced", status="planned")
    relinked = link(client, world, notice, second, 2)
    assert relinked.status_code == 200
    assert relinked.json()["visit_id"] == str(second.id)


def test_notices_are_listed_newest_first_and_filtered(client, world: World):
    supervisor = world.headers(Role.SUPERVISOR)
    march = register(client, world, received_on="2026-03-02")
    april = register(client, world, received_on="2026-04-02")
    other = register(client, world, received_on="2026-04-10", provider_id=str(world.other_provider.id))
    client.post(
        f"{NOTICES}/{march['id']}/triage",
        json={"status": "dismissed", "note": "Løst."},
        headers=if_match(supervisor, 1),
    )

    first = client.get(NOTICES, params={"limit": 2}, headers=supervisor)
    assert [n["id"] for n in first.json()["items"]] == [other["id"], april["id"]]
    assert 'rel="next"' in first.headers["link"]
    second = client.get(NOTICES, params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=supervisor)
    assert [n["id"] for n in second.json()["items"]] == [march["id"]]
    assert second.json()["next_cursor"] is None

    def ids(**params) -> list[str]:
        return [n["id"] for n in client.get(NOTICES, params=params, headers=supervisor).json()["items"]]

    assert ids(provider_id=str(world.provider.id)) == [april["id"], march["id"]]
    assert ids(status="dismissed") == [march["id"]]
    assert ids(received_from="2026-04-01", received_to="2026-04-05") == [april["id"]]
    bad = client.get(NOTICES, params={"cursor": "not-a-cursor"}, headers=supervisor)
    assert bad.status_code == 422 and [e["location"] for e in bad.json()["errors"]] == ["query.cursor"]


def test_the_audit_trail_records_the_registration(client, world: World):
    notice = register(client, world)
    events = client.get(
        "/api/v1/audit-events", params={"entity_id": notice["id"]}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    assert [e["action"] for e in events] == ["concern-notices-create"]
    assert events[0]["entity_type"] == "concern_notice"
    assert events[0]["actor_id"] == str(world.users[Role.SUPERVISOR].id)
