"""Shared practice over HTTP: a member shares its policy with the network, another compares and adopts it as a draft.

Done when 4 of issue 14: a policy shared by one member is adopted by another as a draft version with one call, and
the source is recorded; the adopter then changes the draft and publishes it as any policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from api.clock import today
from api.tables import Municipality, Network, NetworkMembership, UserAccount
from domain.access import Role
from domain.networks import MembershipStatus
from domain.policy import KOLDING_DEFAULT
from tests.api.conftest import World
from tests.api.test_instruments import local_instrument
from tests.support import factories

TODAY = date(2026, 11, 29)
API = "/api/v1"


@pytest.fixture(autouse=True)
def fixed_today(app):
    app.dependency_overrides[today] = lambda: TODAY


@dataclass
class Partnership:
    """World's municipality (A) and its neighbour (B) in one network; a third municipality (C) outside it."""

    network: Network
    outsider: Municipality
    outsider_admin: UserAccount
    neighbour_supervisor: UserAccount

    @property
    def models(self) -> str:
        return f"{API}/networks/{self.network.id}/shared-models"


def _member(db: Session, network: Network, municipality: Municipality) -> NetworkMembership:
    now = datetime(2026, 11, 1, tzinfo=UTC)
    row = NetworkMembership(
        network_id=network.id,
        municipality_id=municipality.id,
        status=MembershipStatus.ACCEPTED,
        invited_at=now,
        responded_at=now,
    )
    db.add(row)
    db.commit()
    return row


@pytest.fixture
def partnership(db: Session, world: World) -> Partnership:
    network = Network(name="Tilsynsnetværk Syd", created_by_municipality_id=world.municipality.id)
    db.add(network)
    db.commit()
    _member(db, network, world.municipality)
    _member(db, network, world.neighbour)
    outsider = factories.municipality(db)
    return Partnership(
        network,
        outsider,
        factories.user(db, outsider, Role.ADMIN),
        factories.user(db, world.neighbour, Role.SUPERVISOR),
    )


def a_admin(world: World) -> dict[str, str]:
    return world.headers(Role.ADMIN)


def b_admin(world: World) -> dict[str, str]:
    return factories.headers_for(world.settings, world.neighbour_admin)


def a_policy(**overrides):
    """A's own policy: a 12-month cycle, two unannounced visits, a stricter band table and a shorter deadline."""
    document = KOLDING_DEFAULT.to_dict()
    document["bands"] = [
        {"key": "good", "label_da": "god", "lower_bound": 75, "concern": "none"},
        {"key": "adequate", "label_da": "tilstrækkelig", "lower_bound": 50, "concern": "none"},
        {"key": "inadequate", "label_da": "utilstrækkelig", "lower_bound": 0, "concern": "serious_concern"},
    ]
    document["deadlines"] = {**document["deadlines"], "action_plan_days": 21}
    return {**document, "cycle_months": 12, "unannounced_visits_per_cycle": 2, **overrides}


def share_a_policy(client, world: World, partnership: Partnership) -> dict:
    body = {"effective_from": "2026-12-01", "note": "Udvalgets beslutning", "policy": a_policy()}
    assert client.post(f"{API}/policy/versions", json=body, headers=a_admin(world)).status_code == 201
    shared = client.post(
        partnership.models,
        json={"kind": "policy", "policy_version": 1, "note": "Kortere cyklus, to uanmeldte besøg"},
        headers=a_admin(world),
    )
    assert shared.status_code == 201, shared.text
    return shared.json()


def test_a_policy_shared_by_one_member_is_adopted_by_another_as_a_draft_with_its_source(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    a_version = client.get(f"{API}/policy/versions/1", headers=a_admin(world)).json()

    # B sees it, named by its sharer, and adopts it with one call.
    listed = client.get(partnership.models, headers=b_admin(world)).json()["items"]
    assert [(m["id"], m["municipality"]["name"], m["is_own"]) for m in listed] == [
        (model["id"], world.municipality.name, False)
    ]
    adopted = client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world))
    assert adopted.status_code == 201, adopted.text
    draft = adopted.json()["policy_draft"]
    assert draft["state"] == "draft" and draft["problems"] == []
    assert draft["policy"] == a_version["policy"]  # the content equals A's shared version
    assert draft["source"] == {
        "network_id": str(partnership.network.id),
        "model_id": model["id"],
        "municipality": {
            "id": str(world.municipality.id),
            "name": world.municipality.name,
            "kommunekode": world.municipality.kommunekode,
        },
        "version": 1,
    }
    location = adopted.headers["location"]
    assert location.endswith(f"/api/v1/policy/drafts/{draft['id']}")
    # A draft is never in force: B still works under the default.
    assert client.get(f"{API}/policy", headers=b_admin(world)).json()["is_default"] is True

    # B changes it (back to a 24-month cycle) and publishes it as its own version 1.
    read = client.get(location, headers=b_admin(world))
    changed = {**draft["policy"], "cycle_months": 24}
    updated = client.put(
        location,
        json={"note": "Syds model med vores cyklus", "policy": changed},
        headers={**b_admin(world), "If-Match": read.headers["etag"]},
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["source"]["model_id"] == model["id"]  # changing it keeps the source
    published = client.post(
        f"{location}/publish",
        json={"effective_from": "2027-01-01"},
        headers={**b_admin(world), "If-Match": updated.headers["etag"]},
    )
    assert published.status_code == 200, published.text
    assert published.json()["state"] == "published" and published.json()["published_version"] == 1
    b_version = client.get(f"{API}/policy/versions/1", headers=b_admin(world)).json()
    assert b_version["policy"] == changed
    assert b_version["note"] == "Syds model med vores cyklus"

    # The audit trail shows the adoption, with its source, in B's trail (and not in A's).
    trail = client.get(f"{API}/audit-events", params={"action": "shared-models-adopt"}, headers=b_admin(world)).json()
    (event,) = trail["items"]
    assert event["entity_type"] == "policy_draft"
    assert event["changes"]["source_model_id"][1] == model["id"]
    assert event["changes"]["source_municipality_id"][1] == str(world.municipality.id)
    a_trail = client.get(f"{API}/audit-events", params={"action": "shared-models-adopt"}, headers=a_admin(world)).json()
    assert a_trail["items"] == []


def test_a_published_draft_never_changes_again(client, world: World, partnership: Partnership):
    model = share_a_policy(client, world, partnership)
    draft = client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world)).json()["policy_draft"]
    url = f"{API}/policy/drafts/{draft['id']}"
    etag = client.get(url, headers=b_admin(world)).headers["etag"]
    published = client.post(
        f"{url}/publish", json={"effective_from": "2027-01-01"}, headers={**b_admin(world), "If-Match": etag}
    )
    again = client.put(
        url, json={"policy": a_policy()}, headers={**b_admin(world), "If-Match": published.headers["etag"]}
    )
    assert again.status_code == 409


def test_publishing_a_draft_is_validated_as_any_policy_with_every_problem_listed(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    draft = client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world)).json()["policy_draft"]
    url = f"{API}/policy/drafts/{draft['id']}"
    broken = {**draft["policy"], "cycle_months": 36}
    broken["bands"] = [{**b, "lower_bound": 10 if b["lower_bound"] == 0 else b["lower_bound"]} for b in broken["bands"]]
    etag = client.get(url, headers=b_admin(world)).headers["etag"]
    saved = client.put(url, json={"policy": broken}, headers={**b_admin(world), "If-Match": etag})
    assert saved.status_code == 200
    assert {p["location"] for p in saved.json()["problems"]} >= {"cycle_months", "bands"}

    refused = client.post(
        f"{url}/publish",
        json={"effective_from": "2027-01-01"},
        headers={**b_admin(world), "If-Match": saved.headers["etag"]},
    )
    assert refused.status_code == 422
    assert {e["location"] for e in refused.json()["errors"]} >= {"draft.policy.cycle_months", "draft.policy.bands"}
    assert client.get(f"{API}/policy/versions", headers=b_admin(world)).json()["items"] == []
    too_early = client.post(
        f"{url}/publish",
        json={"effective_from": "2026-01-01"},
        headers={**b_admin(world), "If-Match": saved.headers["etag"]},
    )
    assert too_early.status_code == 422


def test_the_comparison_shows_each_field_of_a_shared_policy_beside_your_own_equal_or_different(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    response = client.get(f"{partnership.models}/compare", params={"models": model["id"]}, headers=b_admin(world))
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(c["key"], c["municipality"], c["version_label"], c["is_own"]) for c in body["columns"]] == [
        ("own", world.neighbour.name, "0", True),
        (model["id"], world.municipality.name, "1", False),
    ]
    rows = {r["key"]: r for r in body["rows"]}
    assert rows["cycle_months"]["values"] == [24, 12] and rows["cycle_months"]["equal"] is False
    assert rows["announced_visits_per_cycle"]["equal"] is True
    assert rows["unannounced_visits_per_cycle"]["values"] == [1, 2]
    assert rows["deadlines.action_plan_days"]["values"] == [30, 21]
    assert rows["deadlines.report_final_days"]["equal"] is True
    good = rows["bands.good"]
    assert good["values"][0] == {"label_da": "god", "lower_bound": 70, "upper_bound": 90, "concern": "none"}
    assert good["values"][1] == {"label_da": "god", "lower_bound": 75, "upper_bound": 100, "concern": "none"}
    assert rows["bands.excellent"]["values"][1] is None  # A has no such band
    assert rows["conversation_types.learning_conversation"]["equal"] is True
    assert {r["group"] for r in body["rows"]} == {
        "cycle",
        "visits",
        "bands",
        "deadlines",
        "conversation_types",
        "other",
    }
    assert body["different"] == sum(not r["equal"] for r in body["rows"]) >= 5


def test_a_municipality_outside_the_network_sees_none_of_it(client, world: World, partnership: Partnership):
    model = share_a_policy(client, world, partnership)
    outsider = factories.headers_for(world.settings, partnership.outsider_admin)
    base = partnership.models
    assert client.get(base, headers=outsider).status_code == 404
    assert client.get(f"{base}/{model['id']}", headers=outsider).status_code == 404
    assert client.get(f"{base}/compare", params={"models": model["id"]}, headers=outsider).status_code == 404
    assert client.post(f"{base}/{model['id']}/adopt", headers=outsider).status_code == 404
    assert client.post(base, json={"kind": "policy", "policy_version": 1}, headers=outsider).status_code == 404


def test_a_member_that_left_sees_no_models_and_its_own_stop_being_listed(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    membership = f"{API}/networks/{partnership.network.id}/membership"
    etag = client.get(membership, headers=a_admin(world)).headers["etag"]
    left = client.post(f"{membership}/leave", headers={**a_admin(world), "If-Match": etag})
    assert left.status_code == 200, left.text

    assert client.get(partnership.models, headers=a_admin(world)).status_code == 404
    assert client.get(partnership.models, headers=b_admin(world)).json()["items"] == []
    assert client.get(f"{partnership.models}/{model['id']}", headers=b_admin(world)).status_code == 404
    assert client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world)).status_code == 404
    compared = client.get(f"{partnership.models}/compare", params={"models": model["id"]}, headers=b_admin(world))
    assert compared.status_code == 404


def test_a_withdrawn_model_is_neither_listed_nor_adoptable(client, world: World, partnership: Partnership):
    model = share_a_policy(client, world, partnership)
    url = f"{partnership.models}/{model['id']}"
    etag = client.get(url, headers=b_admin(world)).headers["etag"]
    assert client.delete(url, headers={**b_admin(world), "If-Match": etag}).status_code == 403  # not B's to withdraw
    assert client.delete(url, headers=a_admin(world)).status_code == 428
    assert client.delete(url, headers={**a_admin(world), "If-Match": etag}).status_code == 204

    assert client.get(partnership.models, headers=b_admin(world)).json()["items"] == []
    assert client.get(url, headers=b_admin(world)).status_code == 404
    assert client.post(f"{url}/adopt", headers=b_admin(world)).status_code == 404
    assert client.get(f"{API}/policy/drafts", headers=b_admin(world)).json()["items"] == []


def test_supervisors_of_members_read_and_compare_but_only_an_admin_shares_and_adopts(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    supervisor = factories.headers_for(world.settings, partnership.neighbour_supervisor)
    assert client.get(partnership.models, headers=supervisor).status_code == 200
    assert client.get(f"{partnership.models}/{model['id']}", headers=supervisor).json()["policy"]["cycle_months"] == 12
    assert client.post(f"{partnership.models}/{model['id']}/adopt", headers=supervisor).status_code == 403
    leader = world.headers(Role.LEADER)
    assert client.get(partnership.models, headers=leader).status_code == 403
    shared_again = client.post(
        partnership.models, json={"kind": "policy", "policy_version": 1}, headers=world.headers(Role.SUPERVISOR)
    )
    assert shared_again.status_code == 403


def test_a_member_cannot_adopt_its_own_model_nor_share_one_version_twice(
    client, world: World, partnership: Partnership
):
    model = share_a_policy(client, world, partnership)
    assert client.post(f"{partnership.models}/{model['id']}/adopt", headers=a_admin(world)).status_code == 409
    twice = client.post(partnership.models, json={"kind": "policy", "policy_version": 1}, headers=a_admin(world))
    assert twice.status_code == 409
    unknown = client.post(partnership.models, json={"kind": "policy", "policy_version": 7}, headers=a_admin(world))
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["location"] == "body.policy_version"


def test_a_local_instrument_is_shared_as_own_work_and_adopted_as_a_new_version(
    client, world: World, partnership: Partnership
):
    created = client.post(f"{API}/instruments", json=local_instrument(), headers=a_admin(world)).json()
    body = {"kind": "instrument", "instrument_id": created["id"]}
    unconfirmed = client.post(partnership.models, json=body, headers=a_admin(world))
    assert unconfirmed.status_code == 422 and unconfirmed.json()["errors"][0]["location"] == "body.own_work"
    model = client.post(partnership.models, json={**body, "own_work": True}, headers=a_admin(world)).json()
    assert model["version_label"] == "fjordby-lokal 2026" and model["instrument"]["areas"] == created["areas"]

    adopted = client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world))
    assert adopted.status_code == 201, adopted.text
    instrument = client.get(adopted.headers["location"], headers=b_admin(world)).json()
    assert (instrument["key"], instrument["version"], instrument["areas"]) == (
        "fjordby-lokal",
        "2026",
        created["areas"],
    )
    again = client.post(f"{partnership.models}/{model['id']}/adopt", headers=b_admin(world))
    assert again.status_code == 409
    renamed = client.post(
        f"{partnership.models}/{model['id']}/adopt", json={"instrument_version": "2026-syd"}, headers=b_admin(world)
    )
    assert renamed.status_code == 201 and renamed.json()["instrument"]["version"] == "2026-syd"
    compared = client.get(f"{partnership.models}/compare", params={"models": model["id"]}, headers=b_admin(world))
    assert compared.status_code == 422


def test_a_draft_started_at_home_has_no_source_is_another_municipalitys_404_and_can_be_discarded(
    client, world: World, partnership: Partnership
):
    created = client.post(
        f"{API}/policy/drafts", json={"note": "Næste version", "policy": a_policy()}, headers=a_admin(world)
    )
    assert created.status_code == 201, created.text
    assert created.json()["source"] is None and created.json()["state"] == "draft"
    url = created.headers["location"]
    assert client.get(url, headers=b_admin(world)).status_code == 404
    assert client.get(url, headers=world.headers(Role.SUPERVISOR)).status_code == 403
    assert client.delete(url, headers={**a_admin(world), "If-Match": created.headers["etag"]}).status_code == 204
    assert client.get(f"{API}/policy/drafts", headers=a_admin(world)).json()["items"] == []
