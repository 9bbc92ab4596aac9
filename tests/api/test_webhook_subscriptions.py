"""Webhook subscriptions: the secret shown once, the address guard (Done when 3), rotation, who sees what."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.clock import now
from api.deps import current_settings
from api.tables import WebhookSubscription
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.visit_data import integration_client
from tests.support.webhook_subscriptions import (
    PUBLIC_URL,
    SUBSCRIPTIONS,
    allow_hosts,
    client_headers,
    fake_dns,
    subscribe,
)

SCOPES = ["providers:read", "visits:read", "reports:read", "webhooks:manage"]
INSTANT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _dns(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_dns(monkeypatch)


@pytest.fixture
def case_system(db: Session, world: World):
    return integration_client(db, world.municipality.id, SCOPES)


def _problem_at_url(response) -> str:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["location"] for e in errors] == ["body.url"], errors
    return errors[0]["detail"]


def test_a_new_subscription_shows_its_standard_webhooks_secret_once_and_never_again(
    client: TestClient, world: World, case_system
) -> None:
    headers = client_headers(world.settings, case_system)
    response = client.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL, "event_types": ["visit.planned"]}, headers=headers)

    assert response.status_code == 201, response.text
    created = response.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert response.headers["Cache-Control"] == "no-store"
    assert created["client_id"] == str(case_system.id) and created["status"] == "active"
    read = client.get(response.headers["Location"], headers=headers)
    listed = client.get(SUBSCRIPTIONS, headers=headers)
    trail = client.get("/api/v1/audit-events", params={"entity_id": created["id"]}, headers=world.headers(Role.ADMIN))
    assert read.status_code == 200 and read.headers["ETag"] == f'"{created["version"]}"'
    assert "secret" not in read.json() and [s["id"] for s in listed.json()["items"]] == [created["id"]]
    assert [e["changes"]["secret"] for e in trail.json()["items"]] == [[None, "<redacted>"]]
    for answer in (read, listed, trail):
        assert secret.removeprefix("whsec_") not in answer.text


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/hook", "127.0.0.1 is a loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("https://10.1.2.3/hook", "10.1.2.3 is a private address"),
        ("https://192.168.1.20/hook", "192.168.1.20 is a private address"),
        ("https://100.64.1.1/hook", "100.64.1.1 is a shared (carrier-grade NAT) address"),
        ("http://[::1]:8080/hook", "::1 is a loopback address"),
        ("https://[fe80::1]/hook", "fe80::1 is a link-local address"),
        ("https://[::ffff:127.0.0.1]/hook", "leads to 127.0.0.1, a loopback address"),
        ("https://rebind.example.dk/hook", "rebind.example.dk resolves to 127.0.0.1: 127.0.0.1 is a loopback address"),
        ("https://split.example.dk/hook", "10.20.30.40 is a private address"),
        ("https://localhost:8443/hook", "names this machine"),
        ("https://nowhere.example.dk/hook", "cannot be resolved"),
        ("http://esdh.example.dk/hook", "must use https"),
    ],
)
def test_a_subscription_to_loopback_metadata_or_a_private_address_is_refused_naming_why(
    client: TestClient, world: World, case_system, url: str, why: str
) -> None:
    response = client.post(SUBSCRIPTIONS, json={"url": url}, headers=client_headers(world.settings, case_system))

    assert why in _problem_at_url(response)


def test_the_loopback_address_is_allowed_when_the_setting_names_it(
    app, client: TestClient, world: World, case_system, settings
) -> None:
    allow_hosts(app, settings, "127.0.0.1")
    headers = client_headers(world.settings, case_system)

    allowed = client.post(SUBSCRIPTIONS, json={"url": "http://127.0.0.1:8765/hook"}, headers=headers)
    other = client.post(SUBSCRIPTIONS, json={"url": "http://127.0.0.2:8765/hook"}, headers=headers)

    assert allowed.status_code == 201, allowed.text
    assert "127.0.0.2 is a loopback address" in _problem_at_url(other)


def test_a_changed_url_is_checked_like_a_new_one(client: TestClient, world: World, case_system) -> None:
    headers = client_headers(world.settings, case_system)
    created = subscribe(client, headers)
    url = f"{SUBSCRIPTIONS}/{created['id']}"
    if_match = {**headers, "If-Match": f'"{created["version"]}"'}

    refused = client.patch(url, json={"url": "http://169.254.169.254/"}, headers=if_match)
    changed = client.patch(url, json={"url": PUBLIC_URL + "/v2", "description": "ESDH, ny adresse"}, headers=if_match)

    assert "169.254.169.254 is a link-local address" in _problem_at_url(refused)
    assert changed.status_code == 200, changed.text
    assert changed.json()["url"] == PUBLIC_URL + "/v2" and changed.json()["description"] == "ESDH, ny adresse"
    assert client.patch(url, json={"description": "x"}, headers=headers).status_code == 428


def test_event_types_about_what_the_client_may_not_read_are_refused_naming_each(
    client: TestClient, world: World, db: Session
) -> None:
    narrow = integration_client(db, world.municipality.id, ["providers:read", "webhooks:manage"])
    body = {"url": PUBLIC_URL, "event_types": ["provider.created", "report.finalised", "concern_notice.received"]}

    response = client.post(SUBSCRIPTIONS, json=body, headers=client_headers(world.settings, narrow))

    assert response.status_code == 422, response.text
    errors = {e["location"]: e["detail"] for e in response.json()["errors"]}
    assert set(errors) == {"body.event_types.1", "body.event_types.2"}
    assert "`reports:read`" in errors["body.event_types.1"]
    assert "no integration client may read" in errors["body.event_types.2"]


def test_an_admin_subscribes_a_client_of_the_municipality_and_must_name_it(
    client: TestClient, world: World, db: Session, case_system
) -> None:
    admin = world.headers(Role.ADMIN)
    foreign = integration_client(db, world.neighbour.id, SCOPES)

    unnamed = client.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL}, headers=admin)
    neighbours = client.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL, "client_id": str(foreign.id)}, headers=admin)
    named = client.post(SUBSCRIPTIONS, json={"url": PUBLIC_URL, "client_id": str(case_system.id)}, headers=admin)

    for refused in (unnamed, neighbours):
        assert refused.status_code == 422 and refused.json()["errors"][0]["location"] == "body.client_id"
    assert named.status_code == 201, named.text
    assert named.json()["client_id"] == str(case_system.id)
    own = client.get(SUBSCRIPTIONS, headers=client_headers(world.settings, case_system)).json()["items"]
    assert [s["id"] for s in own] == [named.json()["id"]]


def test_another_municipality_s_or_another_client_s_subscription_is_not_found(
    client: TestClient, world: World, db: Session, case_system
) -> None:
    created = subscribe(client, client_headers(world.settings, case_system))
    url = f"{SUBSCRIPTIONS}/{created['id']}"
    other_client = client_headers(world.settings, integration_client(db, world.municipality.id, SCOPES))
    neighbour = client_headers(world.settings, integration_client(db, world.neighbour.id, SCOPES))
    neighbour_admin = factories.headers_for(world.settings, world.neighbour_admin)
    if_match = {"If-Match": f'"{created["version"]}"'}

    for headers in (other_client, neighbour, neighbour_admin):
        assert client.get(url, headers=headers).status_code == 404
        assert client.patch(url, json={"description": "x"}, headers={**headers, **if_match}).status_code == 404
        assert client.delete(url, headers={**headers, **if_match}).status_code == 404
        assert client.get(f"{url}/deliveries", headers=headers).status_code == 404
        assert client.get(SUBSCRIPTIONS, headers=headers).json()["items"] == []
    assert client.get(url, headers=world.headers(Role.ADMIN)).status_code == 200


def test_rotation_shows_a_new_secret_once_and_the_previous_one_signs_until_the_overlap_ends(
    app, client: TestClient, world: World, db: Session, case_system
) -> None:
    app.dependency_overrides[now] = lambda: INSTANT
    headers = client_headers(world.settings, case_system)
    created = subscribe(client, headers)
    url = f"{SUBSCRIPTIONS}/{created['id']}/secret-rotations"

    without_etag = client.post(url, headers=headers)
    rotated = client.post(url, headers={**headers, "If-Match": f'"{created["version"]}"'})

    assert without_etag.status_code == 428
    assert rotated.status_code == 200, rotated.text
    body = rotated.json()
    assert body["secret"].startswith("whsec_") and body["secret"] != created["secret"]
    assert datetime.fromisoformat(body["previous_secret_expires_at"]) == INSTANT + timedelta(hours=24)
    assert rotated.headers["Cache-Control"] == "no-store" and rotated.headers["ETag"] == f'"{body["version"]}"'
    row = db.get(WebhookSubscription, uuid.UUID(created["id"]))
    db.refresh(row)
    assert (row.secret, row.previous_secret) == (body["secret"], created["secret"])
    read = client.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=headers)
    assert body["secret"] not in read.text and read.json()["previous_secret_expires_at"]
    trail = client.get("/api/v1/audit-events", params={"entity_id": created["id"]}, headers=world.headers(Role.ADMIN))
    rotation = next(e["changes"] for e in trail.json()["items"] if "previous_secret" in e["changes"])
    assert rotation["secret"] == ["<redacted>", "<redacted>"] and rotation["previous_secret"] == [None, "<redacted>"]


def test_the_overlap_of_a_rotation_is_a_setting(app, client: TestClient, world: World, case_system, settings) -> None:
    app.dependency_overrides[now] = lambda: INSTANT
    short = settings.model_copy(update={"webhook_secret_overlap_hours": 2})
    app.dependency_overrides[current_settings] = lambda: short
    headers = client_headers(world.settings, case_system)
    created = subscribe(client, headers)

    rotated = client.post(
        f"{SUBSCRIPTIONS}/{created['id']}/secret-rotations", headers={**headers, "If-Match": f'"{created["version"]}"'}
    )

    assert datetime.fromisoformat(rotated.json()["previous_secret_expires_at"]) == INSTANT + timedelta(hours=2)


def test_the_client_can_re_enable_a_subscription_disabled_after_failures(
    client: TestClient, world: World, db: Session, case_system
) -> None:
    headers = client_headers(world.settings, case_system)
    created = subscribe(client, headers)
    row = db.get(WebhookSubscription, uuid.UUID(created["id"]))
    row.status, row.disabled_at, row.failing_since = "disabled", INSTANT, INSTANT - timedelta(days=3)
    row.disabled_reason = "Every attempt failed for three days."
    db.add(row)
    db.commit()

    if_match = {**headers, "If-Match": f'"{row.version}"'}
    response = client.patch(f"{SUBSCRIPTIONS}/{created['id']}", json={"status": "active"}, headers=if_match)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "active"
    assert (body["disabled_at"], body["disabled_reason"], body["failing_since"]) == (None, None, None)


def test_a_deleted_subscription_is_gone_with_its_secret(client: TestClient, world: World, case_system) -> None:
    headers = client_headers(world.settings, case_system)
    created = subscribe(client, headers)
    url = f"{SUBSCRIPTIONS}/{created['id']}"

    stale = client.delete(url, headers={**headers, "If-Match": '"99"'})
    deleted = client.delete(url, headers={**headers, "If-Match": f'"{created["version"]}"'})

    assert stale.status_code == 412 and deleted.status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert client.get(SUBSCRIPTIONS, headers=headers).json()["items"] == []
