"""Where a plain read runs (api/plain_reads.py): on SQLite on the event loop, but never waiting there."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from types import SimpleNamespace

import pytest

import api.db
from api import plain_reads


def _bind(dialect: str) -> SimpleNamespace:
    return SimpleNamespace(dialect=SimpleNamespace(name=dialect, loaded_dbapi=sqlite3))


def _run(read, bind: SimpleNamespace, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(api.db, "read_bind", lambda: bind)

    async def main():  # type: ignore[no-untyped-def]
        return threading.get_ident(), await plain_reads.read_plainly(read)

    return asyncio.run(main())


def _where(bind):  # type: ignore[no-untyped-def]
    return threading.get_ident()


def test_a_sqlite_plain_read_runs_on_the_event_loop(monkeypatch: pytest.MonkeyPatch):
    loop_thread, read_thread = _run(_where, _bind("sqlite"), monkeypatch)
    assert read_thread == loop_thread


def test_a_postgresql_plain_read_runs_in_the_threadpool(monkeypatch: pytest.MonkeyPatch):
    loop_thread, read_thread = _run(_where, _bind("postgresql"), monkeypatch)
    assert read_thread != loop_thread


def test_while_another_plain_read_holds_sqlite_the_read_waits_in_the_threadpool_not_on_the_loop(
    monkeypatch: pytest.MonkeyPatch,
):
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with plain_reads._SQLITE_READ:
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    try:
        threading.Timer(0.2, release.set).start()  # lets the waiting read in once the loop has handed it off
        loop_thread, read_thread = _run(_where, _bind("sqlite"), monkeypatch)
    finally:
        release.set()
        holder.join()
    assert read_thread != loop_thread


def test_a_read_that_sqlite_asks_to_wait_is_retried_in_the_threadpool(monkeypatch: pytest.MonkeyPatch):
    threads: list[int] = []

    def busy_on_the_loop(bind):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        if len(threads) == 1:
            raise sqlite3.OperationalError("database is locked")
        return "read"

    loop_thread, answer = _run(busy_on_the_loop, _bind("sqlite"), monkeypatch)
    assert answer == "read"
    assert threads[0] == loop_thread and threads[1] != loop_thread


def test_any_other_driver_error_on_the_loop_is_not_hidden(monkeypatch: pytest.MonkeyPatch):
    def broken(bind):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("no such table: provider")

    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        _run(broken, _bind("sqlite"), monkeypatch)
