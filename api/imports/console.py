"""`tilsyn import <kind> <file>`: run an import from the command line, with a progress bar and a summary.

On a terminal the progress is a rich progress bar on standard error; otherwise (a pipe, a log, a test) one line per
chunk of rows, `checked N rows`, so a script or a supervisor of the process can follow it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlmodel import select

import api.db
from api.services import imports as service
from api.tables import ImportRowError, ImportRun, Municipality
from domain.imports import ImportKind, ImportMode, ImportStatus

SHOWN_ERRORS = 50
CLI_ACTOR = service.Actor("system", "cli", "tilsyn import (command line)")


def _municipality(kommunekode: str | None) -> Municipality:
    with api.db.session_factory() as session:
        statement = select(Municipality)
        if kommunekode:
            statement = statement.where(Municipality.kommunekode == kommunekode)
        found = session.exec(statement.limit(2)).all()
    if len(found) == 1:
        return found[0]
    if kommunekode:
        raise typer.BadParameter(f"no municipality with kommunekode {kommunekode}", param_hint="--municipality")
    raise typer.BadParameter("several municipalities (or none): name one with --municipality KODE")


def _summary(run: ImportRun, errors: list[ImportRowError], err: Console) -> None:
    what = "would import" if run.dry_run and run.status == ImportStatus.SUCCEEDED else "imported"
    if run.status == ImportStatus.FAILED:
        what = "refused; nothing written"
    print(
        f"{run.kind} {run.filename}: {what}. rows {run.count_rows}, created {run.count_created}, "
        f"updated {run.count_updated}, unchanged {run.count_unchanged}, errors {run.count_errors}"
        f"{' (dry run)' if run.dry_run else ''}; run {run.id}"
    )
    for error in errors:
        where = f"line {error.line}" + (f", {error.column}" if error.column else "")
        value = f" {error.value!r}" if error.value is not None else ""
        err.print(f"  {where}:{value} {error.detail}", markup=False, highlight=False)
    if run.count_errors > len(errors):
        err.print(f"  ... and {run.count_errors - len(errors)} more (GET /api/v1/imports/{run.id}/errors)")


def run_import(kind: ImportKind, path: Path, *, dry_run: bool, replace: bool, kommunekode: str | None) -> int:
    """Import `path`; the exit code: 0 when the run succeeded, 1 when it found errors (nothing written)."""
    municipality = _municipality(kommunekode)
    with api.db.session_factory() as session:
        run = service.start_run(
            session,
            municipality.id,
            CLI_ACTOR,
            kind=kind,
            filename=path.name,
            size=path.stat().st_size,
            dry_run=dry_run,
            mode=ImportMode.REPLACE if replace else ImportMode.INSERT,
        )
        session.commit()
        run_id = run.id
    err = Console(stderr=True)
    if err.is_terminal:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, transient=True) as bar:
            task = bar.add_task(f"checking {path.name}", total=None)
            run = service.process(run_id, path, lambda done: bar.update(task, completed=done))
    else:

        def line(done: int) -> None:
            print(f"checked {done} rows", file=sys.stderr, flush=True)

        run = service.process(run_id, path, line)
    with api.db.session_factory() as session:
        page = service.list_errors(session, run, None, SHOWN_ERRORS)
    _summary(run, page.items, err)
    return 0 if run.status == ImportStatus.SUCCEEDED else 1
