"""Killing `tilsyn import` in the middle of a real import leaves no row of it (issue 12, Done when 2).

A real subprocess on a file-backed SQLite database, killed with SIGKILL (no handler, no cleanup) once its progress
shows: while it is still checking rows, and once every row is checked and it is writing them.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlmodel import Session

from api.migrate import upgrade
from api.tables import ImportRun, IndicatorValue
from tests.support import factories
from tests.support.imports import VALUE_HEADER, catalogue, danish, excel_csv

ROOT = Path(__file__).resolve().parents[2]
ROWS = 200_000
KINDS = ("kids_total", "kompetencehjulet", "sprogvurdering", "boernelinealen", "education_level")


@pytest.fixture
def prepared(tmp_path: Path) -> tuple[str, str, Path]:
    url = f"sqlite:///{tmp_path / 'tilsyn.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        municipality = factories.municipality(db)
        providers = [factories.provider(db, municipality) for _ in range(40)]
        catalogue(db, municipality)
    engine.dispose()
    rows = (
        (p.dagtilbudsnummer, "", key, str(1900 + year), danish(year % 1000 / 10), 20)
        for p in providers
        for key in KINDS
        for year in range(ROWS // (len(providers) * len(KINDS)))
    )
    path = tmp_path / "values.csv"
    path.write_bytes(excel_csv(VALUE_HEADER, rows))
    return url, municipality.kommunekode, path


def _lines(stream, into: queue.Queue) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        into.put(line)
    into.put(None)


def _kill_when(url: str, code: str, path: Path, shows: str) -> int:
    """Start the import, read its progress until a line says `shows`, SIGKILL it; its exit status."""
    env = {**os.environ, "TILSYN_DATABASE_URL": url, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    command = [sys.executable, "-m", "api.cli", "import", "indicator-values", str(path), "--municipality", code]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    seen = []
    try:
        while True:
            line = lines.get(timeout=120)
            assert line is not None, f"the import ended before its progress showed {shows!r}: {seen[-5:]}"
            seen.append(line)
            if shows in line:
                break
        process.send_signal(signal.SIGKILL)
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=30)  # the pipe ends with the process
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]


@pytest.mark.parametrize("shows", ["checked 5000 rows", f"checked {ROWS} rows"], ids=["checking", "writing"])
def test_killing_the_import_midway_leaves_no_rows_of_it(prepared, shows: str):
    url, code, path = prepared
    status = _kill_when(url, code, path, shows)
    assert status == -signal.SIGKILL
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(IndicatorValue)).scalar_one() == 0
            runs = connection.execute(select(ImportRun.status, ImportRun.count_created)).all()
            assert runs == [("running", 0)]  # it never finished: no counts, no "succeeded"
    finally:
        engine.dispose()
