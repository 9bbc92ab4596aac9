"""Who is behind a token is remembered for a few seconds (api/caller_cache.py), never longer than the rules allow."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import update

from api.caller_cache import CallerCache, KnownCaller
from api.deps import current_settings
from api.principal import Principal, PrincipalKind
from api.tables import UserAccount
from domain.access import Role
from tests.api.conftest import World

ME = "/api/v1/me"


def _deactivate_behind_the_apps_back(connection, user: UserAccount) -> None:  # type: ignore[no-untyped-def]
    """What another server process's commit looks like from here: a change this process's sessions never saw."""
    connection.execute(update(UserAccount.__table__).where(UserAccount.id == user.id).values(is_active=False))


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def test_a_role_changed_through_the_api_is_in_force_on_the_next_request(client, world: World):
    headers = world.headers(Role.SUPERVISOR)
    assert client.get(ME, headers=headers).json()["role"] == "supervisor"
    user = world.users[Role.SUPERVISOR]
    etag = client.get(f"/api/v1/users/{user.id}", headers=world.headers(Role.ADMIN)).headers["ETag"]
    changed = client.patch(
        f"/api/v1/users/{user.id}", json={"role": "committee"}, headers={**world.headers(Role.ADMIN), "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert client.get(ME, headers=headers).json()["role"] == "committee"


def test_a_change_made_by_another_process_is_seen_once_the_cache_seconds_have_passed(
    client, world: World, connection, monkeypatch: pytest.MonkeyPatch
):
    headers = world.headers(Role.SUPERVISOR)
    assert client.get(ME, headers=headers).status_code == 200
    _deactivate_behind_the_apps_back(connection, world.users[Role.SUPERVISOR])
    # Within TILSYN_CALLER_CACHE_SECONDS (5) this process still knows the caller as it was: the documented window.
    assert client.get(ME, headers=headers).status_code == 200
    _later(monkeypatch, world.settings.caller_cache_seconds + 1)
    refused = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["type"] == "urn:tilsyn:problem:unauthenticated"


def test_with_the_cache_off_a_change_by_another_process_is_seen_at_once(client, app, world: World, connection):
    app.dependency_overrides[current_settings] = lambda: world.settings.model_copy(update={"caller_cache_seconds": 0})
    headers = world.headers(Role.SUPERVISOR)
    assert client.get(ME, headers=headers).status_code == 200
    _deactivate_behind_the_apps_back(connection, world.users[Role.SUPERVISOR])
    assert client.get(ME, headers=headers).status_code == 401
    assert client.get(f"/api/v1/providers/{world.provider.id}", headers=headers).status_code == 401


def test_a_remembered_caller_is_refused_the_moment_the_token_expires(
    client, world: World, monkeypatch: pytest.MonkeyPatch
):
    headers = world.headers(Role.SUPERVISOR)
    assert client.get(ME, headers=headers).status_code == 200
    _later(monkeypatch, world.settings.token_lifetime_minutes * 60 + 1)
    refused = client.get(ME, headers=headers)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]


def _known(generation: int) -> KnownCaller:
    principal = Principal(PrincipalKind.USER, "u", "n", Role.ADMIN, uuid.uuid4(), None, frozenset())
    return KnownCaller(principal, None, generation, time.time() + 5)


def test_a_look_up_that_began_before_a_caller_changed_is_not_remembered():
    cache = CallerCache()
    began_at = cache.generation  # a request starts looking its caller up ...
    cache.forget_all()  # ... another request commits a change to a caller meanwhile ...
    cache.put(("token",), _known(began_at))  # ... so what the first one read may already be out of date
    assert cache.get(("token",)) is None
    cache.put(("token",), _known(cache.generation))
    assert cache.get(("token",)) is not None
