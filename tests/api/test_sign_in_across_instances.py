"""The sign-in limit holds across workers: two app instances, each with its own engine, share one database.

These tests use a database of their own (a SQLite file, or a PostgreSQL database in the test cluster) instead of
the rolled-back test transaction, because two instances must see each other's commits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.clock import now
from api.config import Settings
from api.db import build_engine, request_session
from api.deps import current_settings
from api.main import create_app
from api.migrate import upgrade
from api.passwords import hash_password
from api.services import sign_in_limits as limits
from api.services.sign_in_limits import AccountKind
from api.tables import SignInLimit
from domain.access import Role
from tests.support import factories

TOKEN = "/api/v1/auth/token"
PASSWORD = "korrekt-hest-batteri-haefteklamme"
INSTANT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@dataclass
class Instances:
    clients: list[TestClient]
    engines: list[Engine]
    settings: Settings
    email: str


def _instance(settings: Settings, engine: Engine) -> FastAPI:
    """One worker: its own app and its own engine (connection pool) on the shared database."""
    app = create_app(settings)

    def session_on_own_engine() -> Iterator[Session]:
        session = Session(engine, expire_on_commit=False)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    app.dependency_overrides[request_session] = session_on_own_engine
    app.dependency_overrides[current_settings] = lambda: settings
    app.dependency_overrides[now] = lambda: INSTANT
    return app


@pytest.fixture
def instances(database_kind: str, new_database_url, settings: Settings) -> Iterator[Instances]:
    url = new_database_url()
    upgrade(url)
    shared = settings.model_copy(update={"database_url": url})
    engines = [build_engine(url, shared) for _ in range(2)]
    with Session(engines[0], expire_on_commit=False) as db:
        home = factories.municipality(db)
        user = factories.user(db, home, Role.SUPERVISOR, password_hash=hash_password(PASSWORD))
    apps = [_instance(shared, engine) for engine in engines]
    with (
        TestClient(apps[0], raise_server_exceptions=False) as one,
        TestClient(apps[1], raise_server_exceptions=False) as two,
    ):
        yield Instances([one, two], engines, shared, user.email)
    for engine in engines:
        engine.dispose()


def sign_in(client: TestClient, username: str, password: str):
    return client.post(TOKEN, data={"grant_type": "password", "username": username, "password": password})


def test_the_limit_holds_across_two_app_instances_sharing_one_database(instances: Instances):
    statuses = [sign_in(instances.clients[n % 2], instances.email, "forkert").status_code for n in range(10)]
    assert statuses == [400] * 10  # five failures on each instance: neither alone has reached ten
    for client in instances.clients:
        refused = sign_in(client, instances.email, PASSWORD)
        assert refused.status_code == 429, refused.text
        assert refused.headers["retry-after"] == "60"


def test_concurrent_failures_on_two_engines_are_all_counted_without_a_constraint_race(instances: Instances):
    # Threads call the service directly: over HTTP, FastAPI re-analyses overridden dependencies per request,
    # and its warnings.catch_warnings() is not thread-safe, so a threaded test through the overrides is flaky.
    attempt = limits.attempt_for(instances.settings, AccountKind.USER, instances.email, "192.0.2.7")

    def fail_once(n: int) -> str:
        with Session(instances.engines[n % 2], expire_on_commit=False) as session:
            try:
                limits.record_failure(session, instances.settings, attempt, INSTANT, None)
                session.commit()
            except Exception as exc:  # the test reports any failure by its kind
                return type(exc).__name__
        return "counted"

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = Counter(pool.map(fail_once, range(32)))
    assert outcomes == {"counted": 32}  # no IntegrityError on the first insert, no "database is locked"
    with Session(instances.engines[0]) as db:
        tallies = {row.limited_by: (row.failures, row.lockouts) for row in db.exec(select(SignInLimit)).all()}
    # Every failure counted once, none lost to a concurrent update; the tenth locked, the rest only counted.
    assert tallies == {"account": (32, 1), "address": (32, 0)}
    refused = sign_in(instances.clients[1], instances.email, PASSWORD)
    assert refused.status_code == 429, refused.text
