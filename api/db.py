"""The database: engine, metadata naming convention and the one-transaction-per-request session."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlmodel import Session, create_engine

from api.config import Settings, get_settings


def build_engine(url: str, settings: Settings | None = None) -> Engine:
    """An engine for `url`. SQLite gets WAL, a busy timeout, foreign keys and real transactions."""
    settings = settings or get_settings()
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)

    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})
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
        connection.exec_driver_sql("BEGIN")

    return engine


@lru_cache
def get_engine() -> Engine:
    """The process's engine, built from the settings on first use."""
    settings = get_settings()
    return build_engine(settings.database_url, settings)


def open_session() -> Session:
    """A new session on the process's engine. Tests replace `session_factory` to isolate each test."""
    return Session(get_engine(), expire_on_commit=False)


session_factory = open_session


def request_session() -> Iterator[Session]:
    """One transaction per request: commit when the handler succeeds, roll back when anything raises.

    Used with `Depends(..., scope="function")` so the commit runs before the response is sent: a failed
    commit becomes a 500 instead of a success the client was already told about.
    """
    session = session_factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
