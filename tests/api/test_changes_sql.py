"""The change feed's SQL: it shows exactly what domain.change_feed's rule shows, reads one index range with a
LIMIT and no objects, and never passes an event that has yet to commit (PostgreSQL)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import ColumnElement, Engine, and_, delete, event, not_, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from api.outbox import NewEvent, append_events
from api.services.changes import confined_to, page_statement, read_changes, shown
from api.tables import AuditEvent, Municipality, OutboxEvent
from domain.access import Role, permissions_of
from domain.change_feed import EventFacts, Visibility, is_visible, scope_of
from domain.events import EventType
from tests.api.conftest import World
from tests.support import factories

KEY = b"test-key-for-change-feed-cursors-0123456789"


def _visibilities(world: World) -> dict[str, Visibility]:
    own, other = world.provider.id, world.other_provider.id

    def person(role: Role, provider: uuid.UUID | None = None, types: frozenset[str] | None = None) -> Visibility:
        return Visibility.of(role, provider, permissions_of(role), types)

    def integration(*scopes: str) -> Visibility:
        return Visibility.of(Role.INTEGRATION, None, permissions_of(Role.INTEGRATION, frozenset(scopes)))

    return {
        "admin": person(Role.ADMIN),
        "supervisor": person(Role.SUPERVISOR),
        "leader": person(Role.LEADER, own),
        "leader elsewhere": person(Role.LEADER, other),
        "staff": person(Role.STAFF, own),
        "parent board": person(Role.PARENT_BOARD, own),
        "integration without visits": integration("changes:read", "providers:read", "reports:read"),
        "integration with visits": integration("changes:read", "providers:read", "reports:read", "visits:read"),
        "supervisor, planned visits only": person(Role.SUPERVISOR, types=frozenset({EventType.VISIT_PLANNED})),
    }


@pytest.fixture
def every_kind(db: Session, world: World) -> dict[int, EventFacts]:
    """One event of every type, at the own provider, another provider and none, hidden or not; by position."""
    db.execute(delete(OutboxEvent))  # the world's own rows made events (the flush listener): only these are compared
    facts = [
        EventFacts(t.value, t.aggregate_type.value, provider, hidden)
        for t in EventType
        for provider in (world.provider.id, world.other_provider.id, None)
        for hidden in (False, True)
    ]
    events = [
        NewEvent(world.municipality.id, f.type, "changed", f.aggregate_type, "x", f.provider_id, f.hidden_from_provider)
        for f in facts
    ]
    rows = append_events(db.connection(), events)
    return {row["position"]: f for row, f in zip(rows, facts, strict=True)}


def _positions(db: Session, world: World, condition: ColumnElement[bool], providers=None) -> set[int]:
    statement = page_statement(world.municipality.id, 0, condition, 10_000, None, providers)
    return {row.position for row in db.connection().execute(statement)}


def test_the_sql_shows_exactly_what_the_domain_rule_shows(db: Session, world: World, every_kind):
    for name, visibility in _visibilities(world).items():
        expected = {p for p, f in every_kind.items() if is_visible(visibility, f)}
        assert _positions(db, world, shown(scope_of(visibility))) == expected, name
        # Read one provider's range at a time, a provider-bound caller's page is the same.
        scope = scope_of(visibility)
        assert _positions(db, world, shown(scope), confined_to(scope)) == expected, name


def test_the_back_fill_is_exactly_what_is_visible_now_and_was_not_then(db: Session, world: World, every_kind):
    seen = _visibilities(world)
    for old, new in [
        ("integration without visits", "integration with visits"),
        ("leader", "leader elsewhere"),
        ("leader", "supervisor"),
        ("supervisor, planned visits only", "supervisor"),
        ("supervisor", "leader"),
    ]:
        then, now = seen[old], seen[new]
        expected = {p for p, f in every_kind.items() if is_visible(now, f) and not is_visible(then, f)}
        newly = and_(shown(scope_of(now)), not_(shown(scope_of(then))))
        assert _positions(db, world, newly) == expected, (old, new)
        assert bool(expected) == (new != "leader")  # the test means something: all but the narrowing back-fill


@pytest.fixture
def loaded() -> Iterator[Counter]:
    counts: Counter = Counter()

    def count(target, _context) -> None:
        counts[type(target).__name__] += 1

    event.listen(OutboxEvent, "load", count)
    yield counts
    event.remove(OutboxEvent, "load", count)


def test_a_page_is_one_ordered_index_range_per_provider_shown_with_a_limit_and_loads_no_event_objects(
    client, db: Session, world: World, loaded: Counter
):
    others = [world.neighbour.id] + [factories.municipality(db).id for _ in range(8)]
    providers = [world.provider.id, world.other_provider.id, *(uuid.uuid4() for _ in range(8))]
    rows = [
        {
            "id": uuid.uuid4(),
            "municipality_id": world.municipality.id if n % 10 == 0 else others[n % 9],
            "type": "visit.planned",
            "operation": "created",
            "aggregate_type": "visit",
            "aggregate_id": str(n),
            "provider_id": providers[n % 10] if n % 10 else providers[n // 10 % 10],
            "hidden_from_provider": n % 3 == 0,
            "payload": {},
        }
        for n in range(3000)
    ]
    connection = db.connection()
    connection.execute(OutboxEvent.__table__.insert(), rows)
    if connection.dialect.name == "postgresql":
        connection.execute(text("ANALYZE outbox_event"))
        # Whether PostgreSQL reads this small table in order through an index is its choice; what it must be able
        # to do is read one ordered range and stop at the LIMIT, never sorting the municipality's history.
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        connection.execute(text("SET LOCAL enable_bitmapscan = off"))
    for role in (Role.ADMIN, Role.LEADER):
        scope = scope_of(Visibility.of(role, world.provider.id, permissions_of(role)))
        statement = page_statement(world.municipality.id, 5, shown(scope), 101, None, confined_to(scope))
        compiled = str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
        if connection.dialect.name == "sqlite":
            plan = " ".join(r[3] for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + compiled))
            if role is Role.ADMIN:
                assert "ix_outbox_event_municipality_position (municipality_id=? AND position>?)" in plan, plan
                assert "TEMP B-TREE" not in plan, plan  # no sort
            else:  # its provider's range and the municipality-wide one, each stopping at the LIMIT, merged
                provider_range = "ix_outbox_event_municipality_provider_position (municipality_id=? AND provider_id=?"
                assert plan.count(provider_range) == 2 and "MERGE (UNION ALL)" in plan, plan
                assert "SCAN outbox_event" not in plan, plan
        else:
            plan = "\n".join(r[0] for r in connection.exec_driver_sql("EXPLAIN " + compiled))
            assert plan.startswith("Limit") and "Index Scan" in plan, plan
            if role is Role.ADMIN:
                assert "Sort" not in plan, plan
            else:  # a sort of at most two LIMITs of rows, never of the municipality's history
                assert plan.count("Index Scan using ix_outbox_event_municipality_provider_position") == 2, plan
                assert plan.count("Limit") == 3, plan

    response = client.get("/api/v1/changes?limit=10", headers=world.headers(Role.LEADER))
    assert response.status_code == 200 and len(response.json()["items"]) == 10 and response.json()["has_more"]
    assert loaded == Counter(), "the feed loaded events as objects"


# Commit order, on PostgreSQL: positions come from one sequence, so without api.outbox's lock a writer could take
# position 10, a second take 11 and commit, a reader pass 11, and the first commit 10 behind it: lost. The lock is
# taken before the position is drawn and held to the commit, so the second writer cannot even draw its position
# until the first has committed. The test shows the second writer held back (lock_timeout) while the first holds,
# and the feed read in between neither showing the held event nor moving its cursor past it.


@pytest.fixture
def committed_municipality(engine: Engine, database_kind: str) -> Iterator[Municipality]:
    """A municipality committed for real (other connections must see it); removed with its events afterwards."""
    if database_kind != "postgresql":
        pytest.skip("commit order needs two connections to a server; SQLite has one writer at a time anyway")
    with Session(engine, expire_on_commit=False) as session:
        home = factories.municipality(session)
    yield home
    with engine.begin() as connection:
        for table in (OutboxEvent, AuditEvent):
            connection.execute(delete(table).where(table.municipality_id == home.id))
        connection.execute(delete(Municipality).where(Municipality.id == home.id))


def _visit_event(municipality_id: uuid.UUID, name: str) -> NewEvent:
    return NewEvent(municipality_id, "visit.planned", "created", "visit", name)


def test_a_second_writer_waits_for_the_first_to_commit_so_the_feed_never_passes_a_held_event(
    engine: Engine, committed_municipality: Municipality
):
    home = committed_municipality.id
    admin = Visibility.of(Role.ADMIN, None, permissions_of(Role.ADMIN))
    with engine.connect() as first, engine.connect() as second, Session(engine) as reader:
        with first.begin():
            (held,) = append_events(first, [_visit_event(home, "held")])

            before = read_changes(reader, home, admin, None, 100, KEY)
            reader.rollback()
            assert before.items == []

            with pytest.raises(OperationalError, match="lock timeout"), second.begin():
                second.execute(text("SET LOCAL lock_timeout = '50ms'"))
                append_events(second, [_visit_event(home, "behind")])
        # The first commits; now the second may write, after it.
        with second.begin():
            (behind,) = append_events(second, [_visit_event(home, "behind")])

        resumed = read_changes(reader, home, admin, before.next_cursor, 100, KEY)
    assert [c.aggregate_id for c in resumed.items] == ["held", "behind"]
    assert held["position"] < behind["position"]
