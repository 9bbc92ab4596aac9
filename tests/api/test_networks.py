"""Networks of municipalities: invitations, acceptance, leaving, limits, participants and tenant isolation."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlmodel import Session

from api.services.networks import active_members
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.networks import NETWORKS, create_network, invite, join, move


@pytest.fixture
def third(db: Session, world: World):  # type: ignore[no-untyped-def]
    """A third municipality with an admin: (municipality, admin headers)."""
    municipality = factories.municipality(db)
    admin = factories.user(db, municipality, Role.ADMIN)
    return municipality, factories.headers_for(world.settings, admin)


def neighbour_admin(world: World) -> dict[str, str]:
    return factories.headers_for(world.settings, world.neighbour_admin)


def members(db: Session, network_id: str) -> list[uuid.UUID]:
    db.expire_all()
    return active_members(db, uuid.UUID(network_id))


def test_the_creating_municipality_is_the_networks_first_member(client, db: Session, world: World):
    network = create_network(client, world.headers(Role.ADMIN))

    assert network["my_status"] == "accepted"
    assert (network["k_min_providers"], network["m_min_municipalities"]) == (10, 3)
    assert members(db, network["id"]) == [world.municipality.id]
    listed = client.get(NETWORKS, headers=world.headers(Role.SUPERVISOR)).json()["items"]
    assert [n["id"] for n in listed] == [network["id"]]


def test_an_invited_municipality_counts_only_once_its_admin_accepts(client, db: Session, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)

    invited = invite(client, admin, network["id"], world.neighbour.kommunekode)
    assert invited.status_code == 201, invited.text
    assert invited.json()["status"] == "invited"
    assert members(db, network["id"]) == [world.municipality.id]
    assert client.get(NETWORKS, headers=neighbour).json()["items"][0]["my_status"] == "invited"

    accepted = move(client, neighbour, network["id"], "accept", named_beside_figures=True)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["named_beside_figures"] is True
    assert set(members(db, network["id"])) == {world.municipality.id, world.neighbour.id}


def test_a_declined_invitation_shows_the_municipality_nothing_more(client, db: Session, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    invite(client, admin, network["id"], world.neighbour.kommunekode)

    assert move(client, neighbour, network["id"], "decline").json()["status"] == "declined"

    assert members(db, network["id"]) == [world.municipality.id]
    assert client.get(f"{NETWORKS}/{network['id']}", headers=neighbour).status_code == 404
    assert client.get(NETWORKS, headers=neighbour).json()["items"] == []
    assert move(client, neighbour, network["id"], "accept").status_code == 404


def test_leaving_takes_the_municipality_out_of_the_active_members_at_once(client, db: Session, world: World, third):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    join(client, admin, network["id"], third[0].kommunekode, third[1])
    assert len(members(db, network["id"])) == 3

    left = move(client, neighbour, network["id"], "leave")

    assert left.status_code == 200, left.text
    assert left.json()["left_at"] is not None
    assert set(members(db, network["id"])) == {world.municipality.id, third[0].id}
    # also for a figure "as the network stood" on a day before it left
    assert world.neighbour.id not in active_members(
        db, uuid.UUID(network["id"]), on=date.fromisoformat(left.json()["left_at"][:10])
    )
    assert client.get(f"{NETWORKS}/{network['id']}/meetings", headers=neighbour).status_code == 404


def test_a_municipality_that_left_can_be_invited_again(client, db: Session, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    move(client, neighbour, network["id"], "leave")

    assert invite(client, admin, network["id"], world.neighbour.kommunekode).json()["status"] == "invited"
    assert move(client, neighbour, network["id"], "accept").status_code == 200
    assert world.neighbour.id in members(db, network["id"])


def test_an_invitation_of_a_municipality_already_invited_is_a_conflict(client, world: World):
    admin = world.headers(Role.ADMIN)
    network = create_network(client, admin)
    invite(client, admin, network["id"], world.neighbour.kommunekode)

    assert invite(client, admin, network["id"], world.neighbour.kommunekode).status_code == 409
    assert invite(client, admin, network["id"], world.municipality.kommunekode).status_code == 409


def test_an_unknown_kommunekode_is_refused_naming_it(client, world: World):
    network = create_network(client, world.headers(Role.ADMIN))
    response = invite(client, world.headers(Role.ADMIN), network["id"], "999")
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.kommunekode"]


def test_accepting_without_the_memberships_etag_is_refused(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    invite(client, admin, network["id"], world.neighbour.kommunekode)
    url = f"{NETWORKS}/{network['id']}/membership/accept"

    assert client.post(url, json={}, headers=neighbour).status_code == 428
    assert client.post(url, json={}, headers={**neighbour, "If-Match": '"99"'}).status_code == 412
    assert move(client, neighbour, network["id"], "leave").status_code == 409  # not a member yet


def test_a_thirteenth_municipality_is_refused(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    network = create_network(client, admin)
    for _ in range(11):
        assert invite(client, admin, network["id"], factories.municipality(db).kommunekode).status_code == 201

    response = invite(client, admin, network["id"], world.neighbour.kommunekode)

    assert response.status_code == 422
    assert "at most 12" in response.json()["detail"]


def test_a_network_may_start_small_with_advice_not_refusal(client, world: World):
    network = create_network(client, world.headers(Role.ADMIN))
    listed = client.get(f"{NETWORKS}/{network['id']}/members", headers=world.headers(Role.ADMIN)).json()
    assert len(listed["items"]) == 1
    assert any("8-12" in line for line in listed["advice"])


@pytest.mark.parametrize(
    ("fields", "location"),
    [({"k_min_providers": 4}, "body.k_min_providers"), ({"m_min_municipalities": 1}, "body.m_min_municipalities")],
)
def test_benchmark_thresholds_below_the_floor_are_refused(client, world: World, fields: dict, location: str):
    admin = world.headers(Role.ADMIN)
    response = client.post(NETWORKS, json={"name": "For lille", **fields}, headers=admin)
    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == [location]

    network = create_network(client, admin, k_min_providers=5, m_min_municipalities=2)
    url = f"{NETWORKS}/{network['id']}"
    etag = client.get(url, headers=admin).headers["etag"]
    assert client.patch(url, json=fields, headers={**admin, "If-Match": etag}).status_code == 422
    raised = client.patch(url, json={"k_min_providers": 20}, headers={**admin, "If-Match": etag})
    assert raised.json()["k_min_providers"] == 20


def test_only_the_creating_municipality_changes_the_network(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    url = f"{NETWORKS}/{network['id']}"
    etag = client.get(url, headers=neighbour).headers["etag"]

    assert client.patch(url, json={"k_min_providers": 5}, headers={**neighbour, "If-Match": etag}).status_code == 403


def test_a_non_member_sees_404_for_everything_of_the_network(client, db: Session, world: World, third):
    admin = world.headers(Role.ADMIN)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour_admin(world))
    outsider = third[1]
    base = f"{NETWORKS}/{network['id']}"
    any_etag = {**outsider, "If-Match": "*"}

    requests = [
        ("GET", base, None),
        ("PATCH", base, {"name": "Overtaget"}),
        ("GET", f"{base}/members", None),
        ("GET", f"{base}/membership", None),
        ("POST", f"{base}/membership/accept", {}),
        ("POST", f"{base}/membership/leave", {}),
        ("PATCH", f"{base}/membership", {"named_beside_figures": True}),
        ("POST", f"{base}/invitations", {"kommunekode": third[0].kommunekode}),
        ("GET", f"{base}/participants", None),
        ("PUT", f"{base}/participants", {"participants": []}),
        ("GET", f"{base}/meetings", None),
        ("POST", f"{base}/meetings", {"held_on": "2027-02-01", "title": "Møde"}),
        ("GET", f"{base}/material", None),
        ("POST", f"{base}/material", {"title": "Vores koncept", "kind": "note", "body": "Tekst"}),
    ]
    seen = {(m, u): client.request(m, u, json=b, headers=any_etag).status_code for m, u, b in requests}

    assert set(seen.values()) == {404}, seen
    assert client.get(NETWORKS, headers=outsider).json()["items"] == []
    assert third[0].id not in members(db, network["id"])


def test_a_role_without_networks_read_and_no_network_role_is_refused(client, world: World):
    create_network(client, world.headers(Role.ADMIN))
    for role in (Role.STAFF, Role.LEADER, Role.PARENT_BOARD, Role.COMMITTEE):
        assert client.get(NETWORKS, headers=world.headers(role)).status_code == 403
    assert client.post(NETWORKS, json={"name": "X"}, headers=world.headers(Role.SUPERVISOR)).status_code == 403


def test_participants_are_named_only_from_ones_own_municipality(client, db: Session, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    url = f"{NETWORKS}/{network['id']}/participants"
    foreign = factories.user(db, world.neighbour, Role.SUPERVISOR)

    response = client.put(url, json={"participants": [{"user_id": str(foreign.id)}]}, headers=admin)

    assert response.status_code == 422
    assert [e["location"] for e in response.json()["errors"]] == ["body.participants.0.user_id"]
    staff = client.put(url, json={"participants": [{"user_id": str(world.users[Role.STAFF].id)}]}, headers=admin)
    assert staff.status_code == 422


def test_a_sixth_participant_of_one_municipality_is_refused(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    network = create_network(client, admin)
    people = [factories.user(db, world.municipality, Role.SUPERVISOR) for _ in range(6)]
    url = f"{NETWORKS}/{network['id']}/participants"

    six = client.put(url, json={"participants": [{"user_id": str(p.id)} for p in people]}, headers=admin)
    five = client.put(url, json={"participants": [{"user_id": str(p.id)} for p in people[:5]]}, headers=admin)

    assert six.status_code == 422
    assert five.status_code == 200
    assert len(five.json()["items"]) == 5


def test_another_municipalitys_participants_show_as_a_count_never_by_name(client, db: Session, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    theirs = factories.user(db, world.neighbour, Role.SUPERVISOR, full_name="Hemmelig Naboperson")
    url = f"{NETWORKS}/{network['id']}/participants"
    assert client.put(url, json={"participants": [{"user_id": str(theirs.id)}]}, headers=neighbour).status_code == 200

    mine = client.get(url, headers=admin).json()["items"]
    listed = client.get(f"{NETWORKS}/{network['id']}/members", headers=admin)

    assert mine == []
    assert "Hemmelig" not in listed.text
    counts = {m["municipality_id"]: m["participants"] for m in listed.json()["items"]}
    assert counts[str(world.neighbour.id)] == 1


def test_a_leader_named_as_participant_reads_the_network_until_the_municipality_leaves(
    client, db: Session, world: World
):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, neighbour)
    join(client, neighbour, network["id"], world.municipality.kommunekode, admin)
    leader = world.headers(Role.LEADER)
    url = f"{NETWORKS}/{network['id']}"
    named = {"participants": [{"user_id": str(world.users[Role.LEADER].id), "role": "coordinator"}]}
    assert client.get(url, headers=leader).status_code == 403
    assert client.put(f"{url}/participants", json=named, headers=admin).status_code == 200

    assert client.get(url, headers=leader).status_code == 200
    notes = client.post(f"{url}/meetings", json={"held_on": "2027-03-01", "title": "Møde 1"}, headers=leader)
    assert notes.status_code == 201
    assert [n["id"] for n in client.get(NETWORKS, headers=leader).json()["items"]] == [network["id"]]

    move(client, admin, network["id"], "leave")
    assert client.get(url, headers=leader).status_code == 403
    assert client.get(f"{url}/participants", headers=admin).status_code == 404


def test_meetings_keep_shared_notes_that_members_change_with_if_match(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    url = f"{NETWORKS}/{network['id']}/meetings"
    created = client.post(
        url, json={"held_on": "2027-02-01", "title": "Opstart", "agenda": "1. Selvevaluering"}, headers=admin
    )
    assert created.status_code == 201
    meeting = f"{url}/{created.json()['id']}"

    assert client.patch(meeting, json={"notes": "Vi deler koncepter."}, headers=neighbour).status_code == 428
    noted = client.patch(
        meeting, json={"notes": "Vi deler koncepter."}, headers={**neighbour, "If-Match": created.headers["etag"]}
    )
    assert noted.status_code == 200, noted.text

    listed = client.get(url, headers=world.headers(Role.SUPERVISOR)).json()["items"]
    assert [(m["title"], m["notes"]) for m in listed] == [("Opstart", "Vi deler koncepter.")]
    # a supervisor who is no participant reads, but does not write
    assert (
        client.post(
            url, json={"held_on": "2027-03-01", "title": "X"}, headers=world.headers(Role.SUPERVISOR)
        ).status_code
        == 403
    )


def test_shared_material_shows_the_sharing_municipalitys_name(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    join(client, admin, network["id"], world.neighbour.kommunekode, neighbour)
    url = f"{NETWORKS}/{network['id']}/material"
    link = {"title": "Tilsynskoncept", "kind": "link", "link": "https://example.dk/koncept.pdf"}

    assert client.post(url, json={"title": "Uden link", "kind": "link"}, headers=neighbour).status_code == 422
    assert client.post(url, json=link, headers=neighbour).status_code == 201

    items = client.get(url, headers=admin).json()["items"]
    assert [(i["title"], i["shared_by_municipality_name"]) for i in items] == [("Tilsynskoncept", world.neighbour.name)]


def test_an_invited_municipality_sees_the_members_but_not_the_meetings(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    invite(client, admin, network["id"], world.neighbour.kommunekode)
    base = f"{NETWORKS}/{network['id']}"

    assert client.get(f"{base}/members", headers=neighbour).status_code == 200
    assert client.get(f"{base}/meetings", headers=neighbour).status_code == 404
    assert client.get(f"{base}/material", headers=neighbour).status_code == 404


def test_an_invitation_is_audited_in_the_inviting_municipalitys_trail(client, world: World):
    admin, neighbour = world.headers(Role.ADMIN), neighbour_admin(world)
    network = create_network(client, admin)
    invite(client, admin, network["id"], world.neighbour.kommunekode)

    def network_actions(headers: dict[str, str]) -> set[str]:
        events = client.get("/api/v1/audit-events", headers=headers).json()["items"]
        return {e["action"] for e in events if e["entity_type"].startswith("network")}

    assert "networks-invitations-create" in network_actions(admin)
    assert network_actions(neighbour) == set()  # the inviter's admin is a person of another municipality
    move(client, neighbour, network["id"], "accept")
    assert network_actions(neighbour) == {"networks-membership-accept"}
