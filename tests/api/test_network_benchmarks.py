"""Anonymised benchmarks across a network over HTTP: who sees them, what flows in, and what never leaks.

Four municipalities, six providers each with imported KIDS history in the period, in a network at the floor
(k = 5 providers, m = 2 municipalities). The home municipality (the `world`'s) is a member; so are B, C and D.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event
from sqlmodel import Session

import api.clock
from api.tables import (
    HistoricalAssessment,
    IntensifiedSupervision,
    Municipality,
    Network,
    NetworkMembership,
    NetworkParticipant,
    Provider,
    Report,
    UserAccount,
    Visit,
)
from domain.access import Role
from domain.networks import MembershipStatus, NetworkRole
from tests.api.conftest import World
from tests.support import factories, trend_data

TODAY = date(2026, 6, 15)
ASSESSED = date(2025, 9, 1)
PER_MEMBER = 6


@pytest.fixture(autouse=True)
def today(app) -> date:
    app.dependency_overrides[api.clock.today] = lambda: TODAY
    return TODAY


@dataclass
class Net:
    network: Network
    members: dict[str, Municipality]  # "A" (the world's), "B", "C", "D"
    memberships: dict[str, NetworkMembership]
    providers: dict[str, list[Provider]]
    people: dict[str, list[UserAccount]]

    @property
    def url(self) -> str:
        return f"/api/v1/networks/{self.network.id}/benchmarks"


def _providers(db: Session, municipality: Municipality, existing: list[Provider]) -> list[Provider]:
    made = list(existing)
    while len(made) < PER_MEMBER:
        made.append(factories.provider(db, municipality))
    for i, p in enumerate(made):
        percent = 80.0 if i % 2 else 60.0  # half god, half tilstrækkelig
        trend_data.imported(db, p, ASSESSED, {"leg": percent, "relationer": percent})
    return made


@pytest.fixture
def net(db: Session, world: World) -> Net:
    members = {"A": world.municipality, "B": world.neighbour}
    members |= {name: factories.municipality(db) for name in "CD"}
    network = Network(name="Trekantområdets tilsynsnetværk", created_by_municipality_id=world.municipality.id)
    network.k_min_providers, network.m_min_municipalities = 5, 2
    db.add(network)
    db.commit()
    now = datetime(2026, 1, 5, tzinfo=UTC)
    memberships = {}
    for name, m in members.items():
        memberships[name] = NetworkMembership(
            network_id=network.id,
            municipality_id=m.id,
            status=MembershipStatus.ACCEPTED,
            invited_at=now,
            responded_at=now,
            named_beside_figures=name == "B",
        )
        db.add(memberships[name])
    db.commit()
    existing = {"A": [world.provider, world.other_provider], "B": [world.neighbour_provider]}
    providers = {name: _providers(db, m, existing.get(name, [])) for name, m in members.items()}
    people = {"B": [world.neighbour_admin]}
    people |= {name: [factories.user(db, members[name], Role.SUPERVISOR, full_name="Birte Naboen")] for name in "CD"}
    return Net(network, members, memberships, providers, people)


def _participant(db: Session, net: Net, user: UserAccount) -> None:
    db.add(NetworkParticipant(membership_id=net.memberships["A"].id, user_id=user.id, role=NetworkRole.PARTICIPANT))
    db.commit()


def _cell(body: dict, measure: str, **where) -> dict | None:
    wanted = {"part_kind": None, "provider_kind": None, "band_key": None} | where
    found = [c for c in body["cells"] if c["measure"] == measure and all(c[k] == v for k, v in wanted.items())]
    return found[0] if found else None


def test_a_member_sees_the_networks_figure_with_its_own_beside_it(client, world: World, net: Net):
    response = client.get(net.url, headers=world.headers(Role.ADMIN))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["k_min_providers"], body["m_min_municipalities"], body["members"]) == (5, 2, 4)
    total = _cell(body, "bands")
    assert (total["network"]["providers"], total["network"]["municipalities"]) == (24, 4)
    assert total["own"]["providers"] == PER_MEMBER
    good = _cell(body, "bands", band_key="good")
    assert (good["network"]["providers"], good["network"]["value"], good["band_label"]) == (12, 50.0, "god")
    assert (good["own"]["providers"], good["own"]["value"]) == (3, 50.0)


def test_a_municipality_outside_the_network_is_told_nothing(client, db: Session, world: World, net: Net):
    outsider = factories.municipality(db)
    admin = factories.user(db, outsider, Role.ADMIN)

    headers = factories.headers_for(world.settings, admin)

    response = client.get(net.url, headers=headers)
    nowhere = client.get(f"/api/v1/networks/{uuid.uuid4()}/benchmarks", headers=headers)

    assert (response.status_code, nowhere.status_code) == (404, 404)
    assert response.json()["detail"] == nowhere.json()["detail"]
    assert net.network.name not in response.text


def test_a_member_that_left_stops_flowing_into_every_figure_at_once(client, db: Session, world: World, net: Net):
    before = client.get(net.url, headers=world.headers(Role.ADMIN)).json()
    net.memberships["D"].status = MembershipStatus.LEFT
    net.memberships["D"].left_at = datetime(2026, 6, 15, tzinfo=UTC)
    db.add(net.memberships["D"])
    db.commit()

    after = client.get(net.url, headers=world.headers(Role.ADMIN)).json()

    assert _cell(before, "bands")["network"]["providers"] == 4 * PER_MEMBER
    assert after["members"] == 3
    assert all(c["network"]["municipalities"] <= 3 for c in after["cells"])
    assert _cell(after, "bands")["network"]["providers"] == 3 * PER_MEMBER  # the same period, D's history gone
    assert _cell(after, "intensified")["network"]["providers"] == 3 * PER_MEMBER
    # ... and the municipality that left sees the network no more.
    headers = factories.headers_for(world.settings, net.people["D"][0])
    assert client.get(net.url, headers=headers).status_code == 404


def test_the_administration_and_supervisors_read_it_and_other_roles_only_as_named_participants(
    client, db: Session, world: World, net: Net
):
    seen = {role: client.get(net.url, headers=world.headers(role)).status_code for role in world.users}
    assert seen == {role: 200 if role in (Role.ADMIN, Role.SUPERVISOR) else 403 for role in world.users}

    _participant(db, net, world.users[Role.LEADER])
    assert client.get(net.url, headers=world.headers(Role.LEADER)).status_code == 200


def test_names_stand_only_beside_the_totals_of_members_that_agreed(client, world: World, net: Net):
    body = client.get(net.url, headers=world.headers(Role.ADMIN)).json()

    assert _cell(body, "intensified")["named"] == [
        {"municipality_id": str(net.members["B"].id), "name": net.members["B"].name}
    ]
    assert all(c["named"] == [] for c in body["cells"] if c["band_key"] is not None)
    for name in "CD":
        assert net.members[name].name not in json.dumps(body)


def test_no_role_of_one_municipality_reads_a_provider_id_or_any_name_of_another(
    client, db: Session, world: World, net: Net
):
    """Done when (issue 14, 2): every role of A, as a named participant too, reads no provider id or name, and no
    person's name, of B, C or D through the benchmark endpoint."""
    for role in (Role.LEADER, Role.STAFF, Role.PARENT_BOARD, Role.COMMITTEE):
        _participant(db, net, world.users[role])
    forbidden = [str(p.id) for name in "BCD" for p in net.providers[name]]
    forbidden += [p.name for name in "BCD" for p in net.providers[name]]
    forbidden += [u.full_name for name in "BCD" for u in net.people[name]] + [
        str(u.id) for name in "BCD" for u in net.people[name]
    ]
    forbidden += [str(net.members[name].id) for name in "CD"] + [net.members[name].name for name in "CD"]
    forbidden += [p.name for p in net.providers["A"]] + [str(p.id) for p in net.providers["A"]]  # not even A's own
    for period in ({}, {"period_from": "2025-01-01", "period_to": "2025-12-31"}):
        for role in world.users:
            response = client.get(net.url, headers=world.headers(role), params=period)
            assert response.status_code == 200, (role, response.text)
            assert response.json()["cells"], role
            leaks = [text for text in forbidden if text in response.text]
            assert leaks == [], (role, leaks)


# Every history table a benchmark reads: none of their rows may become an object (set-based, columns only).
HISTORY = (HistoricalAssessment, IntensifiedSupervision, Provider, Report, Visit)


@pytest.fixture
def loaded() -> Iterator[Counter]:
    counts: Counter = Counter()

    def count(target, _context) -> None:
        counts[type(target).__name__] += 1

    for table in HISTORY:
        event.listen(table, "load", count)
    yield counts
    for table in HISTORY:
        event.remove(table, "load", count)


def test_the_benchmark_reads_the_members_history_as_columns_never_as_objects(
    client, world: World, net: Net, loaded: Counter
):
    response = client.get(net.url, headers=world.headers(Role.ADMIN))

    assert response.status_code == 200
    assert loaded == Counter()
