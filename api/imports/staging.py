"""The staging table: a temporary table holding the checked rows of one run, written in batches.

On PostgreSQL the rows go in by COPY (psycopg formats each row in C; no per-row statement); on SQLite by executemany.
The table is temporary: it belongs to the run's connection and transaction, and vanishes with either, so a run that
is stopped half-way leaves nothing behind. Values are staged as the target tables store them (ids as 32 hex digits,
dates as ISO text), so comparing the stage with the stored rows is plain SQL.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Column, Connection, Integer, MetaData, Table
from sqlalchemy.types import TypeEngine

LINE = "line"


def stage_table(columns: Sequence[tuple[str, TypeEngine[Any]]]) -> Table:
    """A temporary table named for this run: (line, *columns), without keys or indexes (they would slow the load)."""
    metadata = MetaData()  # not the service's metadata: this table is no part of the schema
    name = f"import_stage_{uuid.uuid4().hex[:12]}"
    return Table(
        name,
        metadata,
        Column(LINE, Integer, nullable=False),
        *(Column(n, t) for n, t in columns),
        prefixes=["TEMPORARY"],
    )


def create(connection: Connection, table: Table) -> None:
    table.create(connection)


def drop(connection: Connection, table: Table) -> None:
    table.drop(connection, checkfirst=True)


def _sqlite_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class StageWriter:
    """Writes batches of staged rows (tuples in the table's column order, line first) to the stage.

    Use it as a context manager. On PostgreSQL one COPY stays open from the first batch to the end of the block, so
    the server parses and stores a batch while the importer checks the next (two processes, two cores); a COPY per
    batch would wait for the server at the end of each. Nothing else may use the connection meanwhile: `pause` first.
    """

    def __init__(self, connection: Connection, table: Table) -> None:
        self.connection, self.table = connection, table
        self.postgres = connection.dialect.name == "postgresql"
        self.names = [c.name for c in table.columns]
        self.rows = 0
        self._copy: Any = None
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> StageWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        # End the COPY as it stands even when the block failed (a file that cannot be read past some row): aborting it
        # would abort the run's transaction, and the run then could not say why it failed. The stage is dropped anyway.
        self.pause()

    def pause(self) -> None:
        """End the open COPY, if any (waiting for the server to store it), so the connection is free; the next batch
        starts another."""
        self._stack.close()
        self._copy = None

    def write(self, batch: Sequence[tuple[Any, ...]]) -> None:
        if not batch:
            return
        self.rows += len(batch)
        if self.postgres:
            if self._copy is None:
                raw = self.connection.connection.driver_connection  # the psycopg connection, in this transaction
                statement = f"COPY {self.table.name} ({', '.join(self.names)}) FROM STDIN"
                cursor = self._stack.enter_context(raw.cursor())  # type: ignore[union-attr]
                self._copy = self._stack.enter_context(cursor.copy(statement))
            write = self._copy.write_row  # psycopg formats and escapes each row in C
            for row in batch:
                write(row)
            return
        placeholders = ", ".join("?" for _ in self.names)
        sql = f"INSERT INTO {self.table.name} ({', '.join(self.names)}) VALUES ({placeholders})"  # noqa: S608 - our own names
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.executemany(sql, [tuple(_sqlite_value(v) for v in row) for row in batch])
        finally:
            cursor.close()
