"""Idempotency-Key: a retried POST gets the first answer back and creates nothing a second time."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, func, select

import api.services.providers as providers_service
from api.idempotency import ABANDONED_AFTER, KEY_LIFETIME, purge_expired
from api.tables import AuditEvent, IdempotencyRecord, Provider
from api.tables.base import utcnow
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM, new_provider

PROVIDERS = "/api/v1/providers"


def providers_named(db: Session, name: str) -> int:
    return db.exec(select(func.count()).select_from(Provider).where(Provider.name == name)).one()


def keyed(world: World, key: str, role: Role = Role.ADMIN) -> dict[str, str]:
    return world.headers(role, **{"Idempotency-Key": key})


def assert_key_problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == f"urn:tilsyn:problem:{slug}"
    assert body["status"] == status
    assert body["instance"] == PROVIDERS
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_a_retry_with_the_same_key_and_body_returns_the_first_response_and_creates_one_provider(
    client, db: Session, world: World
):
    body = new_provider(name="Børnehuset Gentaget")
    first = client.post(PROVIDERS, json=body, headers=keyed(world, "create-gentaget-1"))
    second = client.post(PROVIDERS, json=body, headers=keyed(world, "create-gentaget-1"))

    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert second.headers["idempotent-replayed"] == "true"
    assert second.json() == first.json()
    assert second.content == first.content
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-type"] == first.headers["content-type"]
    assert second.headers["x-request-id"] != first.headers["x-request-id"]  # the replay is its own request
    assert providers_named(db, "Børnehuset Gentaget") == 1


def test_the_audit_trail_shows_one_creation_for_a_replayed_pair(client, db: Session, world: World):
    body = new_provider(name="Børnehuset Revideret")
    first = client.post(PROVIDERS, json=body, headers=keyed(world, "audit-pair"))
    client.post(PROVIDERS, json=body, headers=keyed(world, "audit-pair"))

    events = client.get(
        "/api/v1/audit-events", params={"entity_id": first.json()["id"]}, headers=world.headers(Role.ADMIN)
    ).json()["items"]
    assert [e["action"] for e in events] == ["providers-create"]
    # and the key's own bookkeeping is not in the trail
    assert (
        db.exec(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == "idempotency_record")
        ).one()
        == 0
    )


def test_the_same_key_with_another_body_is_422_naming_the_header(client, db: Session, world: World):
    assert client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "reused")).status_code == 201
    other = new_provider(name="Et andet navn", dagtilbudsnummer="654322")

    response = client.post(PROVIDERS, json=other, headers=keyed(world, "reused"))

    body = assert_key_problem(response, 422, "invalid-input")
    assert [e["location"] for e in body["errors"]] == ["header.Idempotency-Key"]
    assert providers_named(db, "Et andet navn") == 0


def test_the_same_key_on_another_path_is_422(client, world: World):
    created = client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "one-key"))
    units = f"{created.headers['location']}/units"

    response = client.post(units, json={"name": "Afdeling Vest", "kind": "department"}, headers=keyed(world, "one-key"))

    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "header.Idempotency-Key"


def test_a_retry_while_the_first_request_is_in_flight_is_409(client, db: Session, world: World):
    admin = world.users[Role.ADMIN]
    db.add(IdempotencyRecord(subject=str(admin.id), key="slow", method="POST", path=PROVIDERS, body_hash="0" * 64))
    db.commit()

    response = client.post(PROVIDERS, json=new_provider(name="Børnehuset Venter"), headers=keyed(world, "slow"))

    body = assert_key_problem(response, 409, "conflict")
    assert body["detail"] == "A request with this key is still being processed; retry later."
    assert providers_named(db, "Børnehuset Venter") == 0


def test_keys_are_per_caller(client, db: Session, world: World):
    second_admin = factories.user(db, world.municipality, Role.ADMIN)
    first = client.post(PROVIDERS, json=new_provider(name="Børnehuset A"), headers=keyed(world, "shared-key"))
    second = client.post(
        PROVIDERS,
        json=new_provider(name="Børnehuset B", dagtilbudsnummer="654399"),
        headers=factories.headers_for(world.settings, second_admin, **{"Idempotency-Key": "shared-key"}),
    )

    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert second.json()["id"] != first.json()["id"]
    records = db.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "shared-key")).all()
    assert {r.subject for r in records} == {str(world.users[Role.ADMIN].id), str(second_admin.id)}


def test_a_422_answer_is_stored_and_replayed(client, db: Session, world: World):
    bad = new_provider(name="Børnehuset Forkert", postal_code="71")
    first = client.post(PROVIDERS, json=bad, headers=keyed(world, "bad-postal-code"))
    second = client.post(PROVIDERS, json=bad, headers=keyed(world, "bad-postal-code"))

    assert first.status_code == second.status_code == 422
    assert second.headers["idempotent-replayed"] == "true"
    assert second.headers["content-type"] == PROBLEM
    assert second.json() == first.json()  # the first request's problem document, request id and all
    record = db.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "bad-postal-code")).one()
    assert (record.state, record.response_status) == ("completed", 422)


def test_a_stored_response_keeps_status_body_and_headers(client, db: Session, world: World):
    created = client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "kept"))

    record = db.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "kept")).one()
    assert record.state == "completed"
    assert record.subject == str(world.users[Role.ADMIN].id)
    assert (record.method, record.path, record.response_status) == ("POST", PROVIDERS, 201)
    assert record.response_body == created.json()
    assert record.response_headers["location"] == created.headers["location"]
    assert record.completed_at is not None


def test_without_a_key_every_post_runs(client, db: Session, world: World):
    admin = world.headers(Role.ADMIN)
    first = client.post(PROVIDERS, json=new_provider(name="Børnehuset Uden"), headers=admin)
    second = client.post(PROVIDERS, json=new_provider(name="Børnehuset Uden"), headers=admin)

    assert first.status_code == 201
    assert second.status_code == 409  # the same dagtilbudsnummer: the route ran again and refused
    assert "idempotent-replayed" not in second.headers
    assert db.exec(select(func.count()).select_from(IdempotencyRecord)).one() == 0


def test_a_malformed_key_is_400_naming_the_header(client, db: Session, world: World):
    for key in (b"", b"x" * 201, "nøgle".encode(), b"tab\there"):
        headers = {**world.headers(Role.ADMIN), "Idempotency-Key": key}
        response = client.post(PROVIDERS, json=new_provider(name="Børnehuset Nøgle"), headers=headers)
        body = assert_key_problem(response, 400, "bad-request")
        assert [e["location"] for e in body["errors"]] == ["header.Idempotency-Key"], key
    assert providers_named(db, "Børnehuset Nøgle") == 0
    assert client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "x" * 200)).status_code == 201


def test_without_a_valid_token_the_key_is_ignored_and_the_route_answers_401(client, db: Session):
    for headers in ({"Idempotency-Key": "anon"}, {"Idempotency-Key": "anon", "Authorization": "Bearer nonsense"}):
        response = client.post(PROVIDERS, json=new_provider(), headers=headers)
        assert response.status_code == 401
    assert db.exec(select(func.count()).select_from(IdempotencyRecord)).one() == 0


def test_a_key_is_not_kept_after_a_server_error(client, db: Session, world: World, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    with monkeypatch.context() as patched:
        patched.setattr(providers_service, "create_provider", explode)
        failed = client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "after-500"))
    assert failed.status_code == 500
    assert db.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "after-500")).first() is None

    retried = client.post(PROVIDERS, json=new_provider(), headers=keyed(world, "after-500"))
    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers


def test_gets_are_untouched_by_a_key(client, db: Session, world: World):
    response = client.get(PROVIDERS, headers=keyed(world, "read"))
    assert response.status_code == 200
    assert db.exec(select(func.count()).select_from(IdempotencyRecord)).one() == 0


def test_a_response_holding_a_secret_is_never_stored_so_a_retry_runs_again(client, db: Session, world: World):
    body = {"name": "ESDH-arkivering", "scopes": ["providers:read"]}
    first = client.post("/api/v1/clients", json=body, headers=keyed(world, "new-client"))
    second = client.post("/api/v1/clients", json=body, headers=keyed(world, "new-client"))

    assert first.status_code == second.status_code == 201
    assert "idempotent-replayed" not in second.headers
    assert first.json()["id"] != second.json()["id"]
    assert db.exec(select(func.count()).select_from(IdempotencyRecord)).one() == 0


def test_a_marker_left_in_flight_by_a_dead_process_does_not_block_the_key_forever(client, db: Session, world: World):
    admin = world.users[Role.ADMIN]
    long_ago = utcnow() - ABANDONED_AFTER - timedelta(seconds=1)
    db.add(
        IdempotencyRecord(
            subject=str(admin.id), key="crashed", method="POST", path=PROVIDERS, body_hash="0" * 64, created_at=long_ago
        )
    )
    db.commit()

    response = client.post(PROVIDERS, json=new_provider(name="Børnehuset Igen"), headers=keyed(world, "crashed"))

    assert response.status_code == 201, response.text
    assert providers_named(db, "Børnehuset Igen") == 1


def test_a_key_is_remembered_for_a_day_and_then_may_be_reused(client, db: Session, world: World):
    first = client.post(PROVIDERS, json=new_provider(name="Børnehuset Dag 1"), headers=keyed(world, "daily"))
    assert first.status_code == 201
    record = db.exec(select(IdempotencyRecord).where(IdempotencyRecord.key == "daily")).one()
    record.completed_at = utcnow() - KEY_LIFETIME - timedelta(seconds=1)
    db.add(record)
    db.commit()

    reused = client.post(
        PROVIDERS, json=new_provider(name="Børnehuset Dag 2", dagtilbudsnummer="654322"), headers=keyed(world, "daily")
    )

    assert reused.status_code == 201, reused.text  # not a 422: the old use of the key has lapsed
    assert providers_named(db, "Børnehuset Dag 2") == 1


def test_the_purge_removes_only_expired_keys(db: Session, world: World):
    now = utcnow()
    subject = str(world.users[Role.ADMIN].id)
    fresh = IdempotencyRecord(subject=subject, key="fresh", method="POST", path=PROVIDERS, body_hash="0" * 64)
    stale = IdempotencyRecord(
        subject=subject, key="stale", method="POST", path=PROVIDERS, body_hash="0" * 64,
        state="completed", completed_at=now - KEY_LIFETIME - timedelta(minutes=1),
    )  # fmt: skip
    db.add_all([fresh, stale])
    db.commit()

    assert purge_expired(db, now) == 1
    db.commit()
    assert [r.key for r in db.exec(select(IdempotencyRecord))] == ["fresh"]


def test_a_new_clients_secret_is_marked_never_to_be_stored(client, world: World):
    response = client.post(
        "/api/v1/clients", json={"name": "ESDH", "scopes": ["providers:read"]}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
