"""The demo's network: three municipalities in one of KL's networks, with enough supervision for benchmarks."""

from __future__ import annotations

from sqlmodel import Session, col, func, select

from api.demo import NEIGHBOUR_ADMIN, load_demo_data
from api.demo_network import SUNDBY_ADMIN
from api.services.networks import active_members
from api.tables import Assessment, Network, Provider
from domain.networks import DEFAULT_K, DEFAULT_M


def sign_in(client, email: str, password: str) -> dict[str, str]:
    form = {"grant_type": "password", "username": email, "password": password}
    response = client.post("/api/v1/auth/token", data=form)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_demo_has_three_municipalities_in_one_network_with_enough_assessed_providers(client, db: Session):
    assert load_demo_data(db) is True
    db.commit()
    network = db.exec(select(Network)).one()
    members = active_members(db, network.id)

    assessed = db.exec(
        select(Provider.municipality_id, func.count(func.distinct(Assessment.provider_id)))
        .join(Provider, col(Provider.id) == Assessment.provider_id)
        .where(col(Provider.municipality_id).in_(members), col(Assessment.band_key).is_not(None))
        .group_by(col(Provider.municipality_id))
    ).all()

    assert len(members) == 3
    assert len(assessed) >= DEFAULT_M
    assert sum(n for _, n in assessed) >= DEFAULT_K
    assert all(n >= 5 for _, n in assessed)  # every member contributes, not only Fjordby
    for email, password in ((NEIGHBOUR_ADMIN.email, NEIGHBOUR_ADMIN.password), SUNDBY_ADMIN):
        headers = sign_in(client, email, password)
        listed = client.get("/api/v1/networks", headers=headers).json()["items"]
        assert [(n["id"], n["my_status"]) for n in listed] == [(str(network.id), "accepted")]
        roster = client.get(f"/api/v1/networks/{network.id}/members", headers=headers).json()["items"]
        assert len(roster) == 3


def test_every_demo_member_sees_benchmark_figures_and_no_provider_is_named(client, db: Session):
    assert load_demo_data(db) is True
    db.commit()
    network = db.exec(select(Network)).one()
    fjordby_admin = ("admin@fjordby.example", "demo-admin-pass")
    for email, password in (fjordby_admin, (NEIGHBOUR_ADMIN.email, NEIGHBOUR_ADMIN.password), SUNDBY_ADMIN):
        headers = sign_in(client, email, password)
        response = client.get(f"/api/v1/networks/{network.id}/benchmarks", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["cells"], f"{email} sees no benchmark figure in the demo network"
        names = db.exec(select(Provider.name)).all()
        assert not any(name in response.text for name in names)
