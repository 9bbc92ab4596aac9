"""The hottest reads run straight on the database driver, with SQLAlchemy's own types (issue 11).

Reading one provider by id took about 360 us through the ORM (`session.get`), 150-240 us through Core on a session
or a connection (the transaction's BEGIN and COMMIT are statements of their own on SQLite, and every execution
passes SQLAlchemy's event and result machinery), and 20 us on the driver's cursor. A `PlainQuery` is a fixed
SELECT compiled once per dialect; it runs on the driver's cursor and converts parameters and columns with the same
type processors SQLAlchemy applies (UUIDs, UTC datetimes, JSON, dates), so its rows are the values an ORM read
gives, as dicts.

It is for reads that change nothing and need one statement: a single SELECT needs no transaction of its own to be
consistent. Given the engine (`api.db.read_bind()`), it runs on a pooled connection, returned at once; given a
connection, it runs in that connection's transaction and sees what it sees (tests bind everything to their own).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi.concurrency import run_in_threadpool
from sqlalchemy import Boolean, Connection, Date, Engine, Integer, Select, String, Uuid
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.types import TypeEngine
from sqlmodel.sql.sqltypes import AutoString

import api.db
from api.tables.base import UTCDateTime

T = TypeVar("T")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # the bind names in order, for drivers with `?` parameters (SQLite)
    fixed: dict[str, Any]  # parameters the statement carries itself (an OFFSET SQLite needs beside a LIMIT)
    bind_processors: dict[str, Callable[[Any], Any]]
    names: tuple[str, ...]
    result_processors: tuple[Callable[[Any], Any] | None, ...]


# Column types whose driver values a read model parses to what the ORM gives, faster than SQLAlchemy converts them in
# Python: a UUID as SQLite's 32 hex digits, a date as text, a boolean as 0/1, an enum's text, and a stored timestamp
# (read models type it `StoredTimestamp`, which attaches UTC). For 100 providers: 1.0 ms of conversion -> 0.1 ms.
_PARSED_BY_THE_MODEL = (Uuid, Date, Boolean, Integer, String, AutoString, UTCDateTime)


class PlainQuery:
    """A SELECT built once and run on the driver's cursor; rows come back as dicts of converted values.

    With `for_read_model`, the columns a pydantic read model parses itself (see `_PARSED_BY_THE_MODEL`) are left as
    the driver gives them: the rows are then only for `ReadModel.model_validate`, not values to compute with.
    """

    def __init__(self, statement: Select, *, for_read_model: bool = False) -> None:
        self.statement = statement
        self.for_read_model = for_read_model
        self._by_dialect: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            with self._lock:
                compiled = self._by_dialect.get(dialect.name) or self._compile(dialect)
                self._by_dialect[dialect.name] = compiled
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        columns = list(self.statement.selected_columns)
        return _Compiled(
            sql=compiled.string,
            positional=tuple(compiled.positiontup) if compiled.positional else None,
            fixed={name: bind.value for name, bind in compiled.binds.items() if not bind.required},
            bind_processors={name: p for name, p in compiled._bind_processors.items() if p is not None},
            names=tuple(column.key for column in columns),
            # The column types' own result processors, as a Core result applies them (None: the value as is).
            result_processors=tuple(self._processor(column.type, dialect) for column in columns),
        )

    def _processor(self, column_type: TypeEngine, dialect: Dialect) -> Callable[[Any], Any] | None:
        # A plain DateTime (no zone rule) and JSON are never left to the model.
        if self.for_read_model and isinstance(column_type, _PARSED_BY_THE_MODEL):
            return None
        return column_type._cached_result_processor(dialect, None)

    def _parameters(self, compiled: _Compiled, values: dict[str, Any]) -> tuple | dict:
        processed = {
            name: (compiled.bind_processors[name](value) if name in compiled.bind_processors else value)
            for name, value in (compiled.fixed | values).items()
        }
        if compiled.positional is not None:
            return tuple(processed[name] for name in compiled.positional)
        return processed

    def _dicts(self, compiled: _Compiled, rows: list[tuple]) -> list[dict[str, Any]]:
        names, processors = compiled.names, compiled.result_processors
        return [
            {
                name: (process(value) if process is not None and value is not None else value)
                for name, process, value in zip(names, processors, row, strict=True)
            }
            for row in rows
        ]

    def all(self, bind: Engine | Connection, **values: Any) -> list[dict[str, Any]]:
        """Every row, as dicts keyed by column name."""
        return self._rows(bind, values, lambda cursor: cursor.fetchall())

    def first(self, bind: Engine | Connection, **values: Any) -> dict[str, Any] | None:
        """The first row, or None."""
        rows = self._rows(bind, values, lambda cursor: cursor.fetchmany(1))
        return rows[0] if rows else None

    def _rows(self, bind: Engine | Connection, values: dict[str, Any], fetch: Callable[[Any], list]) -> list[dict]:
        with _cursor(bind) as (cursor, dialect):
            compiled = self._compiled(dialect)
            with _one_at_a_time(dialect), _no_waiting(cursor, dialect):
                cursor.execute(compiled.sql, self._parameters(compiled, values))
                rows = fetch(cursor)
        return self._dicts(compiled, rows)


# SQLite's driver lets go of the GIL for every row it steps to; with several threads reading at once each row became a
# handover between them: 100 rows cost 1.8-2.6 ms of CPU in eight threads at once against 0.5 ms one at a time. One
# plain read at a time per process on SQLite (it serves from one core anyway): 0.6 ms each, in eight threads too.
_SQLITE_READ = threading.RLock()  # re-entrant: `read_plainly` holds it around the reads it runs on the event loop
_WAIT_FOR_LOCKS = ContextVar("tilsyn_plain_read_waits", default=True)


@contextmanager
def _one_at_a_time(dialect: Dialect) -> Iterator[None]:
    if dialect.name != "sqlite":
        yield
        return
    with _SQLITE_READ:
        yield


async def read_plainly(read: Callable[[Engine | Connection], T]) -> T:
    """`read(bind)` (plain reads only) where it costs least: on SQLite, on the event loop, unless another plain read
    holds the database or SQLite asks it to wait; in the threadpool otherwise, and always on PostgreSQL.

    Why on the loop: a row by key is about 20 us of SQLite's CPU, less than the threadpool hop around it, and under
    ten concurrent requests the hop and pysqlite's GIL handovers cost `GET /providers/{id}` 400-500 us of CPU
    (in-process, 41 % of bare FastAPI -> 70 %). It never blocks the loop on a lock: the process-wide read lock is
    only tried, and the statement runs with SQLite's busy timeout at 0, so a checkpoint or recovery holding the
    database sends the read to the threadpool, where it waits its turn as before.
    """
    bind = api.db.read_bind()
    if bind.dialect.name == "sqlite" and _SQLITE_READ.acquire(blocking=False):
        waits = _WAIT_FOR_LOCKS.set(False)
        try:
            return read(bind)
        except bind.dialect.loaded_dbapi.OperationalError as exc:  # the driver's own: plain reads bypass SQLAlchemy
            if "locked" not in str(exc):
                raise
        finally:
            _WAIT_FOR_LOCKS.reset(waits)
            _SQLITE_READ.release()
    return await run_in_threadpool(read, bind)


@contextmanager
def _no_waiting(cursor: Any, dialect: Dialect) -> Iterator[None]:
    """On the event loop (see `read_plainly`) SQLite's busy timeout is 0 for the statement: busy is an error at once."""
    if _WAIT_FOR_LOCKS.get() or dialect.name != "sqlite":
        yield
        return
    cursor.execute("PRAGMA busy_timeout")
    (timeout,) = cursor.fetchone()
    cursor.execute("PRAGMA busy_timeout = 0")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout)}")


@contextmanager
def _cursor(bind: Engine | Connection) -> Iterator[tuple[Any, Dialect]]:
    """A driver cursor: on the connection (and so in its transaction), or on a pooled connection of its own."""
    if isinstance(bind, Connection):
        cursor = bind.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            yield cursor, bind.dialect
        finally:
            cursor.close()
        return
    pooled = bind.raw_connection()
    try:
        cursor = pooled.cursor()
        try:
            yield cursor, bind.dialect
        finally:
            cursor.close()
    finally:  # the pool ends the statement's implicit transaction (PostgreSQL) as it takes the connection back
        pooled.close()
