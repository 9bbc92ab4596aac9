"""One run over one file: read it in chunks, check every row, stage the good ones, compare, write all or nothing.

The caller gives a session whose transaction is the run's (api/services/imports.py): the stage, the comparison and
the writes are in it, so nothing is written unless all of it is, and a run that is stopped leaves no row behind.
Every row is checked even after errors, so a dry run lists every error of the file at once. A real run on
PostgreSQL first tries the direct path (api/imports/direct.py: every row straight into the target, all created),
and runs the file on the staged path only when that is not the outcome.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlmodel import Session

from api.imports import merge, staging
from api.imports.columns import bind, empty_row
from api.imports.kinds import RowRefused, StagedKind
from api.imports.kinds.indicator_values import IndicatorValues
from api.imports.kinds.kids_history import KidsHistory
from api.imports.merge import Counts
from api.imports.reading import Rows
from domain.imports import MAX_KEPT_ERRORS, ImportKind, ImportMode, conflict_detail

CHUNK_ROWS = 5_000
REPORT_EVERY_S = 0.5  # how often a run on PostgreSQL reports its progress (the service commits it once a second)
Progress = Callable[[int], None]

STAGED_KINDS: dict[ImportKind, Any] = {
    ImportKind.KIDS_HISTORY: KidsHistory(),
    ImportKind.INDICATOR_VALUES: IndicatorValues(),
}


@dataclass(frozen=True)
class RowError:
    line: int
    column: str | None
    value: str | None
    detail: str


@dataclass
class ErrorLog:
    """Every error counted; the first MAX_KEPT_ERRORS kept, so a file of a million bad rows stays cheap."""

    header: dict[str, str] = field(default_factory=dict)  # documented column name -> the file's header cell
    kept: list[RowError] = field(default_factory=list)
    total: int = 0

    def add(self, line: int, column: str | None, value: Any, detail: str) -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            shown = None if value is None else str(value)[:200]
            self.kept.append(RowError(line, self.header.get(column, column) if column else None, shown, detail[:1000]))


@dataclass
class Report:
    counts: Counts
    errors: ErrorLog


@dataclass(frozen=True)
class Job:
    """What a run does: its kind, its municipality, dry run or not, and whether it replaces conflicting values."""

    run_id: uuid.UUID
    kind: ImportKind
    municipality_id: uuid.UUID
    dry_run: bool
    mode: ImportMode
    now: datetime


def chunks(rows: Iterator[tuple[int, list[Any]]], size: int = CHUNK_ROWS) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def header_errors(rows: Rows, columns: Any) -> tuple[dict[str, int], ErrorLog]:
    index, problems = bind(rows.header, columns)
    log = ErrorLog(header={name: rows.header[i] for name, i in index.items()})
    for problem in problems:
        log.add(1, problem.column, None, problem.detail)
    return index, log


def run_direct(session: Session, job: Job, rows: Rows, progress: Progress) -> Report | None:
    """A real run's first try (api/imports/direct.py): every row straight into the target by COPY, all created.
    None when the file needs the staged path (a stored or repeated key, a refused row); nothing of the try is left."""
    if job.dry_run or session.get_bind().dialect.name != "postgresql":
        return None
    # Imported here: the direct path is psycopg's COPY writer, 8 MiB a server on SQLite need not hold (issue 11).
    from api.imports import direct

    kind: StagedKind = STAGED_KINDS[job.kind]
    names = tuple(name for name, _ in kind.stage_columns)
    if not direct.applies(session.connection(), kind.target, names):
        return None
    index, errors = header_errors(rows, kind.columns)
    if errors.total:
        return Report(Counts(), errors)
    checker = kind.checker(session, job.municipality_id, index, rows.style)  # type: ignore[call-arg]
    try:
        counts = direct.run_direct(
            session,
            kind.target,
            names,
            checker,
            rows,
            municipality_id=job.municipality_id,
            run_id=job.run_id,
            now=job.now,
            progress=progress,
        )
    except direct.Fallback:
        return None
    return Report(counts, errors)


def run_staged(session: Session, job: Job, rows: Rows, progress: Progress) -> Report:
    """Check, stage, compare and (unless a dry run or anything is wrong) write a file of a staged kind."""
    kind: StagedKind = STAGED_KINDS[job.kind]
    index, errors = header_errors(rows, kind.columns)
    if errors.total:
        return Report(Counts(), errors)
    checker = kind.checker(session, job.municipality_id, index, rows.style)  # type: ignore[call-arg]
    connection = session.connection()
    stage = staging.stage_table(kind.stage_columns)
    staging.create(connection, stage)
    try:
        with staging.StageWriter(connection, stage) as writer:
            done = read = 0
            next_report = 0.0  # the first batch reports at once
            quick = getattr(checker, "quick", None) or (lambda _cells: None)
            for chunk in chunks(rows.rows):
                batch = []
                append = batch.append
                for line, cells in chunk:
                    staged = quick(cells)  # most rows: plain, and accepted without the full check
                    if staged is not None:
                        append((line, *staged))
                        continue
                    if empty_row(cells):
                        continue
                    try:
                        batch.append((line, *checker.check(cells)))
                    except RowRefused as refused:
                        read += 1  # a refused row is read too; the staged ones are counted per batch
                        for p in refused.problems:
                            errors.add(line, p.column, p.value, p.detail)
                writer.write(batch)
                read += len(batch)
                done += len(chunk)
                if not writer.postgres or time.monotonic() >= next_report:
                    # Progress may be committed, and where sessions share the connection (the tests' do) the COPY
                    # must end first; pausing it every half second keeps the server working alongside the checks.
                    writer.pause()
                    progress(done)
                    next_report = time.monotonic() + REPORT_EVERY_S
        progress(done)
        if connection.dialect.name == "postgresql":
            # Hashing a large file's keys needs more than 4 MB. (No ANALYZE of the stage: the planner sizes a fresh
            # table by its pages, which is all the comparison's hash joins need, and it costs 0.1 s per 100,000 rows.)
            connection.exec_driver_sql("SET LOCAL work_mem = '64MB'")
        return Report(_compare_and_write(session, job, kind, stage, errors, read), errors)
    finally:
        staging.drop(connection, stage)


def _compare_and_write(session: Session, job: Job, kind: Any, stage: Any, errors: ErrorLog, read: int) -> Counts:
    connection = session.connection()
    target: merge.Target = kind.target
    many, repeated = merge.duplicates(connection, target, stage, MAX_KEPT_ERRORS)
    for line, first in repeated:
        errors.add(line, None, None, f"Line {first} of the file already has this key; each key may appear once.")
    errors.total += many - len(repeated)
    counts = merge.count(connection, target, stage)
    counts.rows = read
    if job.mode is ImportMode.REPLACE:
        counts.updated = counts.changed
    else:
        limit = max(0, MAX_KEPT_ERRORS - len(errors.kept))
        shown = 0
        for line, fields in merge.conflicts(connection, target, stage, limit):
            shown += 1
            named = {kind.file_column.get(f, f): values for f, values in fields.items()}
            column = next(iter(named), None)
            errors.add(line, column, fields[next(iter(fields))][1] if fields else None, conflict_detail(named))
        errors.total += counts.changed - shown
    if not job.dry_run and not errors.total:
        for line, ref in merge.dangling(connection, target, stage, job.municipality_id, MAX_KEPT_ERRORS):
            errors.add(line, ref.column, None, "Not in the municipality's register (any more); nothing was written.")
    if not job.dry_run and not errors.total:
        merge.apply(
            connection,
            target,
            stage,
            municipality_id=job.municipality_id,
            run_id=job.run_id,
            now=job.now,
            replace=job.mode is ImportMode.REPLACE,
            stored=counts.unchanged + counts.changed,
        )
    return counts
