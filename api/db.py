"""The database: engine, metadata naming convention and the one-transaction-per-request session."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from api.config import Settings, get_settings

# Requests with these methods change data; their transaction is a write transaction from its first statement.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# An execution option on a connection whose transaction will write: on SQLite it begins with BEGIN IMMEDIATE.
_WRITER = "tilsyn_writer"
# In a session's info once it has flushed a change: its commit may wait for a lock or the disk.
_WROTE = "tilsyn_wrote"
# How long a request waits for a free connection before it is answered 503 busy, in seconds.
POOL_TIMEOUT_S = 10


def build_engine(url: str, settings: Settings | None = None) -> Engine:
    """An engine for `url`, with a pool that fits the server's threadpool.

    SQLite gets WAL, a busy timeout, foreign keys, real transactions and BEGIN IMMEDIATE for writers;
    PostgreSQL gets a lock timeout, so a request stuck behind a lock is answered 503 instead of hanging.
    """
    settings = settings or get_settings()
    pool = {"pool_size": settings.database_pool_size, "max_overflow": 10, "pool_timeout": POOL_TIMEOUT_S}
    if not url.startswith("sqlite"):
        options = f"-c lock_timeout={int(settings.postgres_lock_timeout_ms)}"
        return create_engine(url, pool_pre_ping=True, connect_args={"options": options}, **pool)

    database = make_url(url).database
    in_memory = not database or database == ":memory:" or "mode=memory" in url
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # An in-memory database lives in one connection: SQLAlchemy picks a single-connection pool for it.
    engine = create_engine(url, connect_args={"check_same_thread": False}, **({} if in_memory else pool))
    busy_timeout = settings.sqlite_busy_timeout_ms

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # pysqlite opens transactions lazily and breaks SAVEPOINT; take control of BEGIN ourselves
        # (SQLAlchemy's documented recipe) so nested transactions and rollbacks behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        # A deferred BEGIN that reads and then writes must upgrade its lock; under WAL that fails at once with
        # "database is locked" when another writer went first, and the busy timeout never helps. A writer takes
        # the write lock up front instead, and waits its turn for up to the busy timeout. Readers stay deferred.
        writer = connection.get_execution_options().get(_WRITER, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


def dialect_insert(session: Session) -> Callable:
    """The INSERT construct (with `on_conflict_do_*`) of the session's database, PostgreSQL's or SQLite's.

    Only that dialect's module is imported: a PostgreSQL worker never loads SQLite's (0.6 MiB), nor the reverse.
    """
    name = "postgresql" if session.get_bind().dialect.name == "postgresql" else "sqlite"
    return importlib.import_module(f"sqlalchemy.dialects.{name}").insert


def begin_writing(session: Session) -> Session:
    """Begin the session's transaction as a write transaction: on SQLite, take the write lock now."""
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={_WRITER: True})
    return session


@lru_cache
def get_engine() -> Engine:
    """The process's engine, built from the settings on first use."""
    settings = get_settings()
    return build_engine(settings.database_url, settings)


def open_session() -> Session:
    """A new session on the process's engine. Tests replace `session_factory` to isolate each test."""
    return Session(get_engine(), expire_on_commit=False)


session_factory = open_session


def read_bind() -> Engine | Connection:
    """What the sessions of `session_factory` are bound to: the engine, or in tests the test's own connection.

    For plain reads (api/plain_reads.py), which need a database but no session.
    """
    factory = session_factory  # looked up per call: tests replace it
    if factory is open_session:
        return get_engine()
    with factory() as session:
        return session.get_bind()


def write_session() -> Session:
    """A new session whose transaction writes (see `begin_writing`)."""
    return begin_writing(session_factory())  # looked up per call: tests replace the factory


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _flush_context) -> None:  # type: ignore[no-untyped-def]
    session.info[_WROTE] = True


def mark_written(session: Session) -> None:
    """Note a write made without a flush (a plain UPDATE statement): the commit then runs in the threadpool."""
    session.info[_WROTE] = True


async def request_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: commit when the handler succeeds, roll back when anything raises.

    A request that changes data (POST, PUT, PATCH, DELETE) holds a write transaction from the start.
    Used with `Depends(..., scope="function")` so the commit runs before the response is sent: a failed
    commit becomes a problem response instead of a success the client was already told about.

    `async`, so a plain read costs no threadpool hops to open and close its session: opening touches no
    database (the connection is taken on first use, in the handler's thread), and ending a transaction that
    wrote nothing waits on no lock and no disk. A transaction that wrote commits in the threadpool, as its
    commit may wait for a lock or a disk flush; so do the write transaction's start and every rollback's I/O.
    """
    session = session_factory()
    try:
        writer = request.method in WRITE_METHODS
        if writer:
            await run_in_threadpool(begin_writing, session)
        yield session
        if writer or session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
            await run_in_threadpool(session.commit)
        else:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Every session writes its domain events in its own transaction, whoever opened it (the app, the command line, the
# demo loader): the listener is registered with the first session made. Imported last: it imports the tables.
import api.events.listener  # noqa: E402, F401
