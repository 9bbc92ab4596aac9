"""Import runs: start one, process its file (in the background for the API, in the foreground for the CLI), read.

Transactions: the run row is committed when the run is started, so a client can poll it. Processing then holds one
write transaction (the data session) for the whole file: staging, comparing and writing, and, for a run that
succeeds and writes, the run's final state, so the rows and "succeeded" are committed together or not at all. A
run that fails or is a dry run rolls that transaction back and records its outcome (counts, errors) in a new one.
Progress is committed on its own as the run goes, on PostgreSQL; SQLite lets one writer in at a time, so there a
poll sees the run `running` until it ends (the command line shows progress either way).

Audit: starting a run and its outcome are audited as changes of the run row (who, kind, file, counts). The
providers import writes its rows through the ORM, so each provider created or changed is audited too; values and
KIDS history are written in bulk and carry the run's id (`import_run_id`) instead.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlmodel import Session, select

import api.db
from api.audit import AuditContext, set_audit_context
from api.imports.kinds.providers import run_providers
from api.imports.merge import Counts
from api.imports.reading import open_path
from api.imports.runner import ErrorLog, Job, Report, run_direct, run_staged
from api.imports.values import FileProblem
from api.pagination import Page, SortKey, paginate
from api.tables import ImportRowError, ImportRun
from api.tables.base import utcnow
from domain.errors import not_found
from domain.imports import ImportKind, ImportMode, ImportStatus

log = logging.getLogger("tilsyn.imports")
RUN_ORDER = (SortKey(ImportRun.created_at, descending=True), SortKey(ImportRun.id, descending=True))
ERROR_ORDER = (SortKey(ImportRowError.line), SortKey(ImportRowError.seq))
OnProgress = Callable[[int], None]
PROGRESS_EVERY_S = 1.0  # how often a run's progress is committed for pollers


@dataclass(frozen=True)
class Actor:
    """Who starts a run, as the audit trail names them."""

    type: str
    id: str
    name: str
    on_behalf_of: str | None = None
    request_id: str | None = None


def start_run(
    session: Session,
    municipality_id: uuid.UUID,
    actor: Actor,
    *,
    kind: ImportKind,
    filename: str,
    size: int,
    dry_run: bool,
    mode: ImportMode,
) -> ImportRun:
    """Record a queued run (audited as created); the caller commits, then processes it."""
    run = ImportRun(
        municipality_id=municipality_id,
        kind=kind,
        status=ImportStatus.QUEUED,
        dry_run=dry_run,
        mode=mode,
        filename=filename[:255],
        size_bytes=size,
        actor_type=actor.type,
        actor_id=actor.id,
        actor_name=actor.name,
        on_behalf_of=actor.on_behalf_of,
        request_id=actor.request_id,
    )
    session.add(run)
    session.flush()
    return run


def _context(run: ImportRun) -> AuditContext:
    return AuditContext(
        run.actor_type,
        run.actor_id,
        run.actor_name,
        run.municipality_id,
        "imports-run",
        run.on_behalf_of,
        run.request_id,
    )


def _set_progress(run_id: uuid.UUID, **values: object) -> None:
    """Commit the run's state on its own (not audited: progress is not a change anyone made)."""
    with api.db.write_session() as session:
        session.connection().execute(
            update(ImportRun).where(ImportRun.id == run_id).values(**values, updated_at=utcnow())
        )
        session.commit()


def process(run_id: uuid.UUID, path: Path, on_progress: OnProgress | None = None) -> ImportRun:
    """Process a started run's file to its end; returns the finished run. Never raises for a bad file."""
    _set_progress(run_id, status=ImportStatus.RUNNING, started_at=utcnow())
    session = api.db.write_session()
    detail: str | None = None
    try:
        run = session.get(ImportRun, run_id)
        if run is None:
            raise LookupError(f"no import run {run_id}")
        set_audit_context(session, _context(run))
        _one_at_a_time(session, run.municipality_id)
        persist = session.get_bind().dialect.name != "sqlite"
        last = [time.monotonic()]

        def progress(done: int) -> None:
            if on_progress:
                on_progress(done)
            if persist and time.monotonic() - last[0] >= PROGRESS_EVERY_S:
                _set_progress(run_id, rows_done=done)
                last[0] = time.monotonic()

        try:
            report, file_format = _run(session, run, path, progress)
        except FileProblem as exc:
            report, file_format, detail = Report(Counts(), ErrorLog()), None, str(exc)
            report.errors.add(0, None, None, detail)
        if not run.dry_run and not report.errors.total:
            _finish(session, run, report, file_format, None)
            session.commit()
            return run
        session.rollback()
    except Exception:
        session.rollback()
        log.exception("import run %s failed", run_id)
        report, file_format = Report(Counts(), ErrorLog()), None
        detail = "The import failed on the service's side; nothing was written."
        report.errors.add(0, None, None, detail)
    finally:
        session.close()
    with api.db.write_session() as session:
        run = session.get(ImportRun, run_id)
        set_audit_context(session, _context(run))
        _finish(session, run, report, file_format, detail)
        _store_errors(session, run_id, report.errors)
        session.commit()
        return run


def import_in_session(
    session: Session, municipality_id: uuid.UUID, actor: Actor, kind: ImportKind, path: Path
) -> ImportRun:
    """Import a file inside the caller's own transaction (the demo loader's): no background, no progress commits.
    The caller commits; a file with errors writes nothing and the run says why."""
    size = path.stat().st_size
    run = start_run(
        session, municipality_id, actor, kind=kind, filename=path.name, size=size, dry_run=False, mode=ImportMode.INSERT
    )
    run.status, run.started_at = ImportStatus.RUNNING, utcnow()
    report, file_format = _run(session, run, path, lambda _done: None)
    _finish(session, run, report, file_format, None)
    _store_errors(session, run.id, report.errors)
    return run


def _one_at_a_time(session: Session, municipality_id: uuid.UUID) -> None:
    """One real import per municipality at a time: two files with the same keys would otherwise race to insert them.
    On PostgreSQL a transaction-scoped advisory lock; SQLite's write transaction already admits one writer."""
    if session.get_bind().dialect.name == "postgresql":
        key = f"tilsyn-import:{municipality_id}"
        session.connection().execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


def _run(session: Session, run: ImportRun, path: Path, progress: OnProgress) -> tuple[Report, str]:
    kind, mode = ImportKind(run.kind), ImportMode(run.mode)
    if kind is ImportKind.PROVIDERS:
        with open_path(path) as rows:
            counts, errors = run_providers(session, run.municipality_id, rows, mode, run.dry_run, progress)
            return Report(counts, errors), rows.format
    job = Job(run.id, kind, run.municipality_id, run.dry_run, mode, utcnow())
    with open_path(path) as rows:
        report = run_direct(session, job, rows, progress)
        if report is not None:
            return report, rows.format
    with open_path(path) as rows:  # the file again, on the staged path: it says which lines and why
        return run_staged(session, job, rows, progress), rows.format


def _finish(session: Session, run: ImportRun, report: Report, file_format: str | None, detail: str | None) -> None:
    counts, errors = report.counts, report.errors
    run.detail = detail[:1000] if detail else None
    run.status = ImportStatus.FAILED if errors.total else ImportStatus.SUCCEEDED
    run.file_format = file_format
    run.rows_done = counts.rows
    run.count_rows, run.count_created, run.count_updated = counts.rows, counts.created, counts.updated
    run.count_unchanged, run.count_errors = counts.unchanged, errors.total
    run.finished_at = utcnow()
    session.add(run)
    session.flush()


def _store_errors(session: Session, run_id: uuid.UUID, errors: ErrorLog) -> None:
    if not errors.kept:
        return
    rows = [
        {"id": uuid.uuid4(), "import_run_id": run_id, "seq": n, "line": e.line, "column": e.column}
        | {"value": e.value, "detail": e.detail}
        for n, e in enumerate(errors.kept)
    ]
    for start in range(0, len(rows), 1000):
        session.connection().execute(insert(ImportRowError), rows[start : start + 1000])


def get_run(session: Session, municipality_id: uuid.UUID, run_id: uuid.UUID) -> ImportRun:
    run = session.get(ImportRun, run_id)
    if run is None or run.municipality_id != municipality_id:
        raise not_found("import")
    return run


def list_runs(session: Session, municipality_id: uuid.UUID, cursor: str | None, limit: int) -> Page[ImportRun]:
    statement = select(ImportRun).where(ImportRun.municipality_id == municipality_id)
    return paginate(session, statement, RUN_ORDER, cursor, limit)


def list_errors(session: Session, run: ImportRun, cursor: str | None, limit: int) -> Page[ImportRowError]:
    statement = select(ImportRowError).where(ImportRowError.import_run_id == run.id)
    return paginate(session, statement, ERROR_ORDER, cursor, limit)
