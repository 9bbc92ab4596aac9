"""The direct path of a real run on PostgreSQL: checked rows go by COPY straight into the target table.

Most real runs add keys that are not stored yet (a new period's values, a first import): for them the staged path's
comparison finds nothing, and every row is created. So a real run tries this path first. Inside a savepoint, each
checked row is written by COPY into the target itself while the importer checks the next (PostgreSQL stores one
batch while Python reads the next: two processes, two cores), and the target's primary key makes the comparison: a
key that is stored already, or that the file repeats, fails the COPY. Then, or at the first row that is refused, or
when an id the rows name is not the municipality's, the savepoint is rolled back (nothing of the attempt stays) and
the caller runs the file again on the staged path, which finds exactly which lines and why. A run that succeeds
here has the staged path's outcome: every row created, none unchanged or updated; the same transaction holds it.

Rows go in COPY's binary format (api/imports/binary.py: PostgreSQL then parses nothing), each row put together from
bytes formatted once per distinct value: a file repeats its providers, indicators, periods and values on every row.
Only for targets keyed by their natural key (no generated id) whose referenced ids come before the last key column
in the stage, so the part of a row formatted once per distinct set of ids holds every id the references' check needs.
"""

from __future__ import annotations

import contextlib
import queue
import struct
import time
import uuid
from datetime import datetime
from typing import Any

import psycopg.errors
from psycopg.copy import QueuedLibpqWriter
from sqlalchemy import Connection, Uuid, exists, func, literal, select, tuple_
from sqlmodel import Session

from api.imports import binary
from api.imports.columns import empty_row
from api.imports.kinds import RowRefused
from api.imports.merge import Counts, Target
from api.imports.reading import FileFormat, Rows

REPORT_EVERY_S = 1.0  # progress ends the COPY (it may be committed on the same connection): as the service commits it
BATCH_ROWS = 20_000  # rows sent at a time, grouped by their ids (~3 MB; by 50,000 the peak memory grew 6 MB)
QUEUED = 32
KNOWN_LIMIT = 20_000  # each kind of part: a few MB at most
MEMO_LIMIT = 20_000  # distinct parts of rows remembered (a few MB); past it, they are simply formatted each time
CONSTANTS = ("municipality_id", "import_run_id", "created_at", "updated_at")


class Fallback(Exception):  # not an error: the run goes on the staged path
    """The direct path does not apply to this file; nothing of it is left."""


def applies(connection: Connection, target: Target, stage_columns: tuple[str, ...]) -> bool:
    """Whether a real run into `target` may try the direct path."""
    table = target.table
    if connection.dialect.name != "postgresql" or "id" in table.c:
        return False
    if any(binary.encoder(table.c[name].type) is None for name in (*stage_columns, *CONSTANTS)):
        return False
    ids = _last_key(target, stage_columns)
    named = [r.staged for r in target.references] + [r.owner for r in target.references if r.owner in stage_columns]
    return all(stage_columns.index(name) < ids for name in named)


def _last_key(target: Target, stage_columns: tuple[str, ...]) -> int:
    """Where the stage's last key column is: the ids before it repeat, it and the values vary row by row."""
    return max(stage_columns.index(k) for k in target.keys)


class _Queued(QueuedLibpqWriter):
    """Sends the COPY's data from a thread, so the next rows are checked while the server reads the last; at most
    QUEUED pieces of 128 kB wait, so memory stays flat when the server is the slower."""

    def __init__(self, cursor: Any) -> None:
        super().__init__(cursor)
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUED)


class _Memo(dict):
    """Bytes of a part of a row, formatted once per distinct value of that part."""

    def __init__(self, encode: Any) -> None:
        super().__init__()
        self.encode = encode

    def __missing__(self, part: Any) -> bytes:
        data = self.encode(part)
        if len(self) < MEMO_LIMIT:
            self[part] = data
        return data


class _Rows:
    """Binary COPY rows of staged rows, in three parts each: the ids before the last key column (with the field
    count), that column, and the rest with the run's constant columns. It notes the distinct ids for their check."""

    def __init__(self, target: Target, stage_columns: tuple[str, ...], constants: tuple[Any, ...]) -> None:
        table = target.table
        encoders = [binary.encoder(table.c[name].type) for name in stage_columns]
        self.at = at = _last_key(target, stage_columns)
        count = struct.pack(">h", len(stage_columns) + len(constants))
        suffix = b"".join(
            binary.field(binary.encoder(table.c[n].type), v)  # type: ignore[arg-type]
            for n, v in zip(CONSTANTS, constants, strict=True)
        )
        self.named: set[tuple[Any, ...]] = set()

        def ids(part: tuple[Any, ...]) -> bytes:
            self.named.add(part)
            return count + b"".join(binary.field(e, v) for e, v in zip(encoders[:at], part, strict=True))  # type: ignore[arg-type]

        def rest(part: tuple[Any, ...]) -> bytes:
            return b"".join(binary.field(e, v) for e, v in zip(encoders[at + 1 :], part, strict=True)) + suffix  # type: ignore[arg-type]

        self.ids, self.rest = _Memo(ids), _Memo(rest)
        self.key = _Memo(lambda value: binary.field(encoders[at], value))  # type: ignore[arg-type]
        self.names = stage_columns


def run_direct(
    session: Session,
    target: Target,
    stage_columns: tuple[str, ...],
    checker: Any,
    rows: Rows,
    *,
    municipality_id: uuid.UUID,
    run_id: uuid.UUID,
    now: datetime,
    progress: Any,
) -> Counts:
    """Write every row of `rows` into the target, all created; Fallback (nothing left) when that is not the outcome."""
    out = _Rows(target, stage_columns, (municipality_id, run_id, now, now))
    columns = ", ".join((*stage_columns, *CONSTANTS))
    statement = f"COPY {target.table.name} ({columns}) FROM STDIN (FORMAT binary)"
    savepoint = session.begin_nested()
    connection = session.connection()
    raw = connection.connection.driver_connection
    try:
        with contextlib.ExitStack() as stack:

            def pause() -> None:
                stack.close()  # ends the COPY: the server has stored every row sent (or says why not)

            def copy() -> Any:
                cursor = stack.enter_context(raw.cursor())  # type: ignore[union-attr]
                writer = stack.enter_context(cursor.copy(statement, writer=_Queued(cursor)))
                writer.write(binary.SIGNATURE)
                stack.push(lambda failed, *_: None if failed else writer.write(binary.TRAILER))  # a failed one aborts
                return writer

            written = _write(
                checker, rows, out, copy, pause, progress, lambda row: _stored(connection, target, stage_columns, row)
            )
        _check_references(connection, target, stage_columns, out, municipality_id)
    except (Fallback, psycopg.errors.UniqueViolation) as exc:
        savepoint.rollback()
        raise Fallback(str(exc)) from None
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return Counts(rows=written, created=written)


def _write(checker: Any, rows: Rows, out: _Rows, copy: Any, pause: Any, progress: Any, stored: Any) -> int:
    quick, check = getattr(checker, "quick", None) or (lambda _cells: None), checker.check
    # A CSV row's cells are all text: one whose three parts (checker.parts) were each part of an accepted row is
    # accepted as those parts' bytes without another check (see _Known). Typed cells (JSON, XLSX) are checked.
    parts_of = getattr(checker, "parts", None) if rows.format is FileFormat.CSV else None
    known = _Known()
    heads, keys, rests = known.heads, known.keys, known.rests
    at, ids, key, rest = out.at, out.ids, out.key, out.rest
    done = written = pending = 0
    next_report = time.monotonic() + REPORT_EVERY_S
    writer = None
    groups: dict[bytes, list[bytes]] = {}  # a batch's rows by their ids: see _batch
    for line, cells in rows.rows:
        done += 1
        parts = None if parts_of is None else parts_of(cells)
        head = None
        if parts is not None:
            head, period, values = heads.get(parts[0]), keys.get(parts[1]), rests.get(parts[2])
        if head is None or period is None or values is None:
            row = quick(cells)
            if row is None:
                if empty_row(cells):
                    continue
                try:
                    row = check(cells)
                except RowRefused:
                    raise Fallback(f"line {line} is refused") from None
            if writer is None:
                if stored(row):  # the file imported before, most likely: no need to find out at its end
                    raise Fallback(f"the key of line {line} is stored")
                writer = copy()
            head, period, values = ids[row[:at]], key[row[at]], rest[row[at + 1 :]]
            if parts is not None:
                known.learn(parts, head, period, values)
        group = groups.get(head)
        if group is None:
            group = groups[head] = []
        group.append(period + values)
        pending += 1
        if pending == BATCH_ROWS:
            writer.write(_batch(groups))  # type: ignore[union-attr]
            written, pending = written + pending, 0
            if time.monotonic() >= next_report:
                pause()
                progress(done)
                next_report = time.monotonic() + REPORT_EVERY_S
                writer = copy()
    if pending:
        writer.write(_batch(groups))  # type: ignore[union-attr]
        written += pending
    pause()
    progress(done)
    return written


class _Known:
    """The bytes of the three parts of rows accepted so far, by the cells each part is read from (checker.parts):
    the ids (dagtilbudsnummer, unit, indicator), the period (indicator, period) and the values (indicator, value,
    count). Whether a row is accepted is whether each part is: a part's verdict and its staged value depend on
    its own cells only, so a row made of known parts is accepted, and staged, as `quick` would (tests/api/
    test_import_direct.py: a bad row made of good rows' cells is refused). Bounded: past KNOWN_LIMIT parts of a
    kind, rows are checked in full."""

    def __init__(self) -> None:
        self.heads: dict[Any, bytes] = {}
        self.keys: dict[Any, bytes] = {}
        self.rests: dict[Any, bytes] = {}

    def learn(self, parts: tuple[Any, Any, Any], head: bytes, period: bytes, values: bytes) -> None:
        for memo, part, data in (
            (self.heads, parts[0], head),
            (self.keys, parts[1], period),
            (self.rests, parts[2], values),
        ):
            if len(memo) < KNOWN_LIMIT:
                memo[part] = data


def _stored(connection: Connection, target: Target, names: tuple[str, ...], row: tuple[Any, ...]) -> bool:
    """Whether the key of this staged row is stored already."""
    table = target.table
    same = [table.c[k] == literal(_typed(table.c[k].type, row[names.index(k)]), table.c[k].type) for k in target.keys]
    return bool(connection.execute(select(exists().where(*same))).scalar())


def _typed(column_type: Any, value: Any) -> Any:
    return uuid.UUID(value) if isinstance(column_type, Uuid) and isinstance(value, str) else value


def _batch(groups: dict[bytes, list[bytes]]) -> bytes:
    """A batch's rows, those with the same ids together and the ids in the primary key's order (uuids compare as
    their bytes), then emptied. The file's order (a year at a time, say) would put each row on another page of the
    key's index; together, a provider's indicator's periods go to one page (measured on 100,000 rows: the key's
    index cost 0.22 s in the bench file's order, 0.12 s sorted; PostgreSQL's whole COPY, min of 10, 0.47 s in the
    file's order, 0.40 s by 20,000, 0.375 s by 50,000, 0.35 s all sorted). Each row is its ids, then the rest."""
    data = b"".join([head + head.join(group) for head, group in sorted(groups.items())])
    groups.clear()
    return data


def _check_references(
    connection: Connection, target: Target, stage_columns: tuple[str, ...], out: _Rows, municipality_id: uuid.UUID
) -> None:
    """Every id the rows name is the municipality's (or its provider's): the staged path's `dangling`, made on the
    distinct ids the rows name, since indicator_value has no foreign keys to make it."""
    for ref in target.references:
        at = stage_columns.index(ref.staged)
        by = None if ref.owner == "municipality_id" else stage_columns.index(ref.owner)
        wanted = {(ids[at], None if by is None else ids[by]) for ids in out.named if ids[at] is not None}
        if not wanted:
            continue
        parent = ref.table
        if by is None:
            owner = parent.c[ref.owner] == literal(municipality_id, parent.c[ref.owner].type)
            found = select(func.count()).where(parent.c.id.in_([uuid.UUID(i) for i, _ in wanted]), owner)
        else:
            pairs = [(uuid.UUID(i), uuid.UUID(o)) for i, o in wanted]
            found = select(func.count()).where(tuple_(parent.c.id, parent.c[ref.owner]).in_(pairs))
        if connection.execute(found).scalar_one() != len(wanted):
            raise Fallback(f"an id of {ref.column} is not the municipality's")
