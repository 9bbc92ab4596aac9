"""A plain read costs one query for the caller and one for what is read: no second lookup of the same row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, event

from api import plain_reads
from domain.access import Role
from tests.api.conftest import World


@contextmanager
def selects_on(connection: Connection) -> Iterator[list[str]]:
    """The SELECTs the app sends on the test's connection (its sessions share it) while the block runs."""
    seen: list[str] = []

    def note(_conn, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", note)


@contextmanager
def plain_statements() -> Iterator[list[str]]:
    """The statements plain reads send on the driver's cursor (api/plain_reads.py), which bypass SQLAlchemy."""
    seen: list[str] = []
    original = plain_reads._cursor

    @contextmanager
    def counting(bind):  # type: ignore[no-untyped-def]
        with original(bind) as (cursor, dialect):
            yield _Counting(cursor, seen), dialect

    plain_reads._cursor = counting
    try:
        yield seen
    finally:
        plain_reads._cursor = original


class _Counting:
    def __init__(self, cursor, seen: list[str]) -> None:  # type: ignore[no-untyped-def]
        self._cursor, self._seen = cursor, seen

    def execute(self, sql: str, parameters=()):  # type: ignore[no-untyped-def]
        if not sql.startswith("PRAGMA"):  # SQLite's busy timeout, set around a read on the event loop
            self._seen.append(sql)
        return self._cursor.execute(sql, parameters)

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._cursor, name)


def test_reading_a_provider_asks_once_for_the_caller_and_once_for_the_provider(client, world: World, connection):
    headers = world.headers(Role.SUPERVISOR)
    with selects_on(connection) as seen, plain_statements() as plain:
        response = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert response.status_code == 200
    assert response.json()["name"] == world.provider.name
    assert len(seen) == 1, seen
    assert "user_account" in seen[0] and "municipality" in seen[0]  # the account with its municipality, in one
    assert len(plain) == 1 and "FROM provider" in plain[0], plain  # the row: one statement on the driver


def test_a_caller_seen_a_moment_ago_costs_no_query(client, world: World, connection):
    headers = world.headers(Role.SUPERVISOR)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with selects_on(connection) as seen, plain_statements() as plain:
        me = client.get("/api/v1/me", headers=headers)
        provider = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert me.status_code == provider.status_code == 200
    assert me.json()["municipality"]["name"] == world.municipality.name
    assert seen == [], seen  # neither the account nor its municipality asked for again
    assert len(plain) == 1, plain  # only the provider's row


def test_me_reads_the_caller_and_their_municipality_in_one_query(client, world: World, connection):
    with selects_on(connection) as seen:
        response = client.get("/api/v1/me", headers=world.headers(Role.ADMIN))
    assert response.status_code == 200
    assert response.json()["municipality"]["name"] == world.municipality.name
    assert len(seen) == 1, seen


def test_the_lean_read_still_hides_another_municipalitys_provider(client, world: World):
    with plain_statements() as plain:
        response = client.get(f"/api/v1/providers/{world.neighbour_provider.id}", headers=world.headers(Role.ADMIN))
    assert response.status_code == 404
    assert response.json()["type"] == "urn:tilsyn:problem:not-found"
    assert len(plain) == 1, plain


def test_a_deactivated_account_is_refused_on_its_next_read(client, world: World, db):
    user = world.users[Role.SUPERVISOR]
    headers = world.headers(Role.SUPERVISOR)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    user.is_active = False
    db.add(user)
    db.commit()
    response = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert response.status_code == 401
    assert response.json()["type"] == "urn:tilsyn:problem:unauthenticated"
