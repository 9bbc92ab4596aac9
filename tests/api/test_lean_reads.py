"""A plain read costs one query for the caller and one for what is read: no second lookup of the same row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, event

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


def test_reading_a_provider_asks_once_for_the_caller_and_once_for_the_provider(client, world: World, connection):
    headers = world.headers(Role.SUPERVISOR)
    with selects_on(connection) as seen:
        response = client.get(f"/api/v1/providers/{world.provider.id}", headers=headers)
    assert response.status_code == 200
    assert response.json()["name"] == world.provider.name
    assert len(seen) == 2, seen
    caller, provider = seen
    assert "user_account" in caller and "municipality" in caller  # the account with its municipality, in one
    assert "FROM provider" in provider


def test_me_reads_the_caller_and_their_municipality_in_one_query(client, world: World, connection):
    with selects_on(connection) as seen:
        response = client.get("/api/v1/me", headers=world.headers(Role.ADMIN))
    assert response.status_code == 200
    assert response.json()["municipality"]["name"] == world.municipality.name
    assert len(seen) == 1, seen


def test_the_lean_read_still_hides_another_municipalitys_provider(client, world: World, connection):
    with selects_on(connection) as seen:
        response = client.get(f"/api/v1/providers/{world.neighbour_provider.id}", headers=world.headers(Role.ADMIN))
    assert response.status_code == 404
    assert len(seen) == 2, seen


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
