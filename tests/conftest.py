"""Fixtures: every database test runs on SQLite and on PostgreSQL, each test in a rolled-back transaction.

The schema is built by the real migrations once per database; each test then runs inside an outer
transaction that is rolled back, and the app's own commits become savepoints within it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session

import api.db
from api.config import Settings
from api.db import build_engine
from api.deps import current_settings
from api.main import create_app
from api.migrate import upgrade
from tests.support import postgres

TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    # Fail once, up front, with instructions, instead of erroring every PostgreSQL test one by one.
    if not postgres.skip_requested() and not (postgres.find_binary("initdb") and postgres.find_binary("pg_ctl")):
        raise pytest.UsageError(postgres.INSTALL_HINT)


def _databases() -> list[str]:
    return ["sqlite"] if postgres.skip_requested() else ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def settings() -> Settings:
    return Settings(secret_key=TEST_SECRET, database_url="sqlite://", cors_origins="http://localhost:5173")


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.Cluster]:
    cluster = postgres.start_cluster()  # fails with install instructions when the binaries are missing
    try:
        yield cluster
    finally:
        cluster.stop()


def create_pg_database(cluster: postgres.Cluster, name: str) -> str:
    admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return cluster.url(name)


@pytest.fixture(scope="session")
def new_database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """A factory for empty databases of the current kind (for migration tests)."""
    kind = request.getfixturevalue("database_kind")
    counter = iter(range(1000))

    def make() -> str:
        n = next(counter)
        if kind == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('db') / f'empty-{n}.sqlite3'}"
        return create_pg_database(request.getfixturevalue("pg_cluster"), f"tilsyn_empty_{n}")

    return make


@pytest.fixture(scope="session", params=_databases())
def database_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def engine(
    database_kind: str, request: pytest.FixtureRequest, settings: Settings, tmp_path_factory
) -> Iterator[Engine]:
    if database_kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'tilsyn.sqlite3'}"
    else:
        url = create_pg_database(request.getfixturevalue("pg_cluster"), "tilsyn_test")
    upgrade(url)  # the real migrations, not create_all: the tests exercise the schema users get
    engine = build_engine(url, settings)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    connection = engine.connect()
    outer = connection.begin()
    yield connection
    outer.rollback()
    connection.close()


@pytest.fixture
def db(connection: Connection, monkeypatch: pytest.MonkeyPatch) -> Iterator[Session]:
    """A session for arranging data; the app's sessions share the test's connection and transaction."""

    def factory() -> Session:
        return Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)

    monkeypatch.setattr(api.db, "session_factory", factory)
    session = factory()
    yield session
    session.close()


@pytest.fixture(scope="session")
def shared_app(settings: Settings):
    # Building the app takes a quarter of a second (60-odd routes and their models); build it once. Each
    # test gets its database through api.db.session_factory, which the `db` fixture replaces per test.
    return create_app(settings)


@pytest.fixture
def app(db: Session, settings: Settings, shared_app):
    shared_app.dependency_overrides.clear()
    shared_app.dependency_overrides[current_settings] = lambda: settings
    yield shared_app
    shared_app.dependency_overrides.clear()  # a test that moves the clock must not move it for the next


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
