"""Sign-in abuse: the token endpoint limits failures per account and per client address, with backoff.

Time is moved with the app's clock (api.clock.now), never slept through.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.clock import now
from api.config import Settings
from api.deps import current_settings
from api.passwords import hash_password
from api.tables import UserAccount
from domain.access import Role
from tests.api.conftest import World
from tests.support import factories
from tests.support.payloads import PROBLEM

TOKEN = "/api/v1/auth/token"
EVENTS = "/api/v1/audit-events"
PASSWORD = "korrekt-hest-batteri-haefteklamme"
WRONG = "forkert-kodeord"


class Clock:
    """The instant the app sees; tests move it forward instead of sleeping."""

    def __init__(self) -> None:
        self.instant = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.instant

    def advance(self, seconds: float) -> None:
        self.instant += timedelta(seconds=seconds)


@pytest.fixture
def clock(app) -> Clock:
    clock = Clock()
    app.dependency_overrides[now] = clock
    return clock


def use_settings(app, settings: Settings, **changes: object) -> Settings:
    changed = settings.model_copy(update=changes)
    app.dependency_overrides[current_settings] = lambda: changed
    return changed


def person(db: Session, world: World, role: Role = Role.SUPERVISOR) -> UserAccount:
    provider = world.provider if role.is_provider_bound else None
    return factories.user(db, world.municipality, role, provider, password_hash=hash_password(PASSWORD))


def sign_in(client: TestClient, username: str, password: str):
    return client.post(TOKEN, data={"grant_type": "password", "username": username, "password": password})


def fail(client: TestClient, username: str, times: int) -> list[int]:
    return [sign_in(client, username, WRONG).status_code for _ in range(times)]


def assert_too_many(response, retry_after: int | None = None) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["type"] == "urn:tilsyn:problem:too-many-attempts"
    assert body["error"] == "invalid_grant"  # the OAuth code, like the endpoint's other problems
    assert "access_token" not in body
    seconds = int(response.headers["retry-after"])
    assert seconds >= 1
    if retry_after is not None:
        assert seconds == retry_after


# --- per account ----------------------------------------------------------------------------------------------


def test_the_eleventh_wrong_password_within_a_minute_answers_429_with_retry_after(
    client, world: World, db: Session, clock: Clock
):
    user = person(db, world)
    statuses = []
    for _ in range(10):
        statuses.append(sign_in(client, user.email, WRONG).status_code)
        clock.advance(5)
    assert statuses == [400] * 10
    eleventh = sign_in(client, user.email, WRONG)
    assert_too_many(eleventh, retry_after=60 - 5)  # locked for a minute from the tenth failure, 5 s ago


def test_while_locked_even_the_right_password_is_refused_until_the_backoff_passes(
    client, world: World, db: Session, clock: Clock
):
    user = person(db, world)
    assert fail(client, user.email, 10) == [400] * 10
    assert_too_many(sign_in(client, user.email, PASSWORD), retry_after=60)
    clock.advance(59)
    assert_too_many(sign_in(client, user.email, PASSWORD), retry_after=1)
    clock.advance(1)
    assert sign_in(client, user.email, PASSWORD).status_code == 200


def test_a_success_clears_the_accounts_failures(client, world: World, db: Session, clock: Clock):
    user = person(db, world)
    assert fail(client, user.email, 9) == [400] * 9
    assert sign_in(client, user.email, PASSWORD).status_code == 200
    assert fail(client, user.email, 9) == [400] * 9  # a fresh count: nine more do not lock
    assert sign_in(client, user.email, PASSWORD).status_code == 200


def test_each_further_lockout_in_a_streak_doubles_up_to_the_maximum(client, world: World, db: Session, clock: Clock):
    user = person(db, world)
    fail(client, user.email, 10)
    waits = []
    for _ in range(6):
        response = sign_in(client, user.email, WRONG)
        assert response.status_code == 429
        waits.append(int(response.headers["retry-after"]))
        clock.advance(waits[-1])
        assert sign_in(client, user.email, WRONG).status_code == 400  # one try once the lock has passed
    assert waits == [60, 120, 240, 480, 900, 900]


def test_failures_spread_over_more_than_a_minute_never_lock(client, world: World, db: Session, clock: Clock):
    user = person(db, world)
    for _ in range(25):
        assert sign_in(client, user.email, WRONG).status_code == 400
        clock.advance(7)
    assert sign_in(client, user.email, PASSWORD).status_code == 200


def test_an_unknown_user_gets_exactly_the_answers_of_a_wrong_password(
    client, world: World, db: Session, clock: Clock, monkeypatch: pytest.MonkeyPatch
):
    hashes = Counter()
    real_scrypt = hashlib.scrypt

    def counting_scrypt(*args, **kwargs):
        hashes["scrypt"] += 1
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting_scrypt)
    user = person(db, world)

    def answers(username: str) -> list[tuple]:
        seen = []
        for _ in range(11):
            before = hashes["scrypt"]
            response = sign_in(client, username, WRONG)
            body = {k: v for k, v in response.json().items() if k != "request_id"}
            headers = {k: v for k, v in response.headers.items() if k not in {"x-request-id", "content-length"}}
            seen.append((response.status_code, headers, body, hashes["scrypt"] - before))
        return seen

    known, unknown = answers(user.email), answers("nobody-by-that-name@test.example")
    assert known == unknown
    # The same work, so the same time: one password hash per checked attempt, none once locked.
    assert [work for *_, work in known] == [1] * 10 + [0]
    assert known[-1][0] == 429


def test_a_lockout_is_audited_for_the_account_without_a_signed_in_actor(
    client, world: World, db: Session, clock: Clock
):
    user = person(db, world)
    fail(client, user.email, 11)
    response = client.get(
        EVENTS, params={"entity_id": str(user.id), "action": "sign-in.locked"}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 200, response.text
    [event] = response.json()["items"]  # one lockout, one event: the refused eleventh attempt adds none
    assert event["entity_type"] == "user_account"
    assert event["actor_type"] == "system"
    assert event["actor_id"] == "sign-in-limit"
    assert event["changes"]["_verb"] == "locked"
    assert event["changes"]["failures"] == 10
    assert event["changes"]["locked_until"].startswith("2026-12-01T09:01:00")


# --- an admin lifts a lockout ---------------------------------------------------------------------------------


def test_an_admin_lifts_a_users_lockout_and_the_user_signs_in_at_once(client, world: World, db: Session, clock: Clock):
    user = person(db, world)
    fail(client, user.email, 10)
    assert_too_many(sign_in(client, user.email, PASSWORD))

    lifted = client.delete(f"/api/v1/users/{user.id}/sign-in-lockout", headers=world.headers(Role.ADMIN))
    assert lifted.status_code == 204, lifted.text
    assert sign_in(client, user.email, PASSWORD).status_code == 200

    events = client.get(
        EVENTS,
        params={"entity_id": str(user.id), "action": "sign-in.lockout-lifted"},
        headers=world.headers(Role.ADMIN),
    ).json()["items"]
    assert [e["actor_id"] for e in events] == [str(world.users[Role.ADMIN].id)]


def test_only_an_admin_of_the_users_municipality_can_lift_a_lockout(client, world: World, db: Session, clock: Clock):
    user = person(db, world)
    fail(client, user.email, 10)
    path = f"/api/v1/users/{user.id}/sign-in-lockout"
    neighbour = client.delete(path, headers=factories.headers_for(world.settings, world.neighbour_admin))
    assert neighbour.status_code == 404, neighbour.text
    assert client.delete(path, headers=world.headers(Role.SUPERVISOR)).status_code == 403
    assert_too_many(sign_in(client, user.email, PASSWORD))  # still locked


# --- per client address ---------------------------------------------------------------------------------------


def test_too_many_failures_from_one_address_lock_every_account_tried_from_it(
    app, client, world: World, db: Session, clock: Clock
):
    use_settings(app, world.settings, sign_in_address_attempts=5)
    user = person(db, world)
    statuses = [sign_in(client, f"guess-{n}@test.example", WRONG).status_code for n in range(5)]
    assert statuses == [400] * 5  # five different accounts, one failure each: only the address adds up
    assert_too_many(sign_in(client, user.email, PASSWORD), retry_after=60)
    clock.advance(60)
    assert sign_in(client, user.email, PASSWORD).status_code == 200  # an address's lockout simply expires


def test_a_success_does_not_clear_the_addresss_failures(app, client, world: World, db: Session, clock: Clock):
    use_settings(app, world.settings, sign_in_address_attempts=5)
    user = person(db, world)
    for n in range(4):
        assert sign_in(client, f"guess-{n}@test.example", WRONG).status_code == 400
        assert sign_in(client, user.email, PASSWORD).status_code == 200
    assert sign_in(client, "guess-5@test.example", WRONG).status_code == 400
    assert_too_many(sign_in(client, user.email, PASSWORD))


# --- client credentials ---------------------------------------------------------------------------------------


def create_client(client: TestClient, world: World) -> dict:
    response = client.post(
        "/api/v1/clients", json={"name": "ESDH", "scopes": ["providers:read"]}, headers=world.headers(Role.ADMIN)
    )
    assert response.status_code == 201, response.text
    return response.json()


def client_token(client: TestClient, client_id: str, secret: str):
    return client.post(
        TOKEN, data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    )


def test_client_credentials_are_locked_after_ten_wrong_secrets_and_an_admin_lifts_it(
    client, world: World, clock: Clock
):
    created = create_client(client, world)
    assert [client_token(client, created["client_id"], "wrong").status_code for _ in range(10)] == [400] * 10
    assert_too_many(client_token(client, created["client_id"], created["client_secret"]), retry_after=60)

    path = f"/api/v1/clients/{created['id']}/sign-in-lockout"
    neighbour = client.delete(path, headers=factories.headers_for(world.settings, world.neighbour_admin))
    assert neighbour.status_code == 404
    assert client.delete(path, headers=world.headers(Role.ADMIN)).status_code == 204
    assert client_token(client, created["client_id"], created["client_secret"]).status_code == 200


def test_an_unknown_client_is_locked_like_a_known_one(client, world: World, clock: Clock):
    assert [client_token(client, "no-such-client", "wrong").status_code for _ in range(10)] == [400] * 10
    assert_too_many(client_token(client, "no-such-client", "wrong"), retry_after=60)


# --- the settings ---------------------------------------------------------------------------------------------


def test_a_maximum_backoff_below_the_base_is_refused_at_start_up():
    with pytest.raises(ValueError, match="TILSYN_SIGN_IN_MAX_BACKOFF_SECONDS"):
        Settings(sign_in_base_backoff_seconds=600, sign_in_max_backoff_seconds=60)
    with pytest.raises(ValueError):
        Settings(sign_in_attempts=0)
