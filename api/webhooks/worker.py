"""The delivery worker: passes of claim (and commit), send outside any transaction, record each answer.

`tilsyn worker` runs one in its own process (several may run at once on PostgreSQL); on the embedded SQLite
default `tilsyn serve` runs one in a background thread (`TILSYN_WEBHOOK_WORKER`). Stopping is graceful: the pass
in flight finishes its deliveries and records them, and nothing new is claimed. Time comes from a clock the
worker is given (api.clock.now by default), so tests move it instead of sleeping.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from datetime import datetime

import httpx
from sqlalchemy.engine import make_url
from sqlmodel import Session

from api import clock as clocks
from api.config import Settings
from api.db import begin_writing, build_engine
from api.webhooks.delivery import AttemptResult, Claimed, attempt, new_client
from api.webhooks.queue import anything_due, claim, record
from domain.webhooks import lease_length

log = logging.getLogger("tilsyn.webhooks")

DEFAULT_BATCH_SIZE = 50
DEFAULT_CONCURRENCY = 8
DEFAULT_POLL_SECONDS = 1.0


def worker_name() -> str:
    """Who holds a lease: host, process and a random part (two workers in one process differ too)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Worker:
    """Delivers webhooks. `run_pass` does one batch; `run` loops until `stop` (from a signal handler or a thread)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        settings: Settings,
        *,
        clock: Callable[[], datetime] = clocks.now,
        batch_size: int = DEFAULT_BATCH_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
        jitter: Callable[[], float] = random.random,
        name: str | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.name = name or worker_name()
        self.batch_size = batch_size
        self.lease = lease_length(batch_size, concurrency)
        self._sessions = sessions
        self._settings = settings
        self._clock = clock
        self._jitter = jitter
        self._client = client or new_client(concurrency)
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook") if concurrency > 1 else None
        self._stopping = threading.Event()

    def stop(self) -> None:
        """Claim nothing more; the pass in flight finishes."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Let the requests in flight end, then close the HTTP connections."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        self._client.close()

    def run(self, poll_seconds: float = DEFAULT_POLL_SECONDS, *, once: bool = False) -> None:
        """Deliver until stopped; with `once`, until nothing is due. Waits `poll_seconds` when the queue is empty."""
        while not self.stopping:
            try:
                claimed = self.run_pass()
            except Exception:  # the database went away, a lock timed out: try again after the poll interval
                log.exception("webhook worker pass failed; trying again in %s s", poll_seconds)
                claimed = 0
            if claimed:
                continue
            if once:
                return
            self._stopping.wait(poll_seconds)

    def run_pass(self) -> int:
        """Claim one batch, send it, record every answer; how many were claimed (0: none due, or stopping)."""
        if self.stopping:
            return 0
        batch = self._claim()
        for results in self._send(batch):
            self._record(results)
        return len(batch)

    @contextmanager
    def _transaction(self, *, writing: bool) -> Iterator[Session]:
        session = self._sessions()
        try:
            if writing:
                begin_writing(session)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _claim(self) -> list[Claimed]:
        now = self._clock()
        with self._transaction(writing=False) as session:
            # SQLite: look before taking the one write lock, so an idle worker never holds up the API's writers.
            if session.get_bind().dialect.name != "postgresql" and not anything_due(session, now):
                return []
        with self._transaction(writing=True) as session:
            return claim(session, now, self.batch_size, self.name, now + self.lease)  # committed before any HTTP

    def _send(self, batch: list[Claimed]) -> Iterator[list[AttemptResult]]:
        """The answers as they come, in groups: whatever has come in by the time the last group was recorded."""
        if self._pool is None:
            for claimed in batch:
                yield [attempt(self._client, claimed, self._settings, self._clock)]
            return
        in_flight = {self._pool.submit(attempt, self._client, c, self._settings, self._clock) for c in batch}
        while in_flight:
            done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
            yield [future.result() for future in done]

    def _record(self, results: list[AttemptResult]) -> None:
        """Record a group of answers in one transaction (one commit for many); one by one if that fails."""
        try:
            with self._transaction(writing=True) as session:
                outcomes = record(session, results, self.name, self._clock(), self._jitter())
        except Exception:
            if len(results) == 1:  # its lease runs out and another pass sends it again
                log.exception("could not record the attempt of delivery %s", results[0].claimed.delivery_id)
                return
            for result in results:
                self._record([result])
            return
        for result, status in zip(results, outcomes, strict=True):
            claimed = result.claimed
            log.info(
                "webhook %s (%s, %s) to subscription %s, attempt %d: %s in %d ms -> %s",
                claimed.event_id,
                claimed.event_type,
                claimed.aggregate_key,
                claimed.subscription_id,
                claimed.attempt_count + 1,
                result.status_code if result.status_code is not None else result.error,
                result.duration_ms,
                status.value if status else "lease lost, left to its new holder",
            )


def _in_memory(url: str) -> bool:
    database = make_url(url).database
    return not database or database == ":memory:" or "mode=memory" in url


class EmbeddedWorker:
    """A worker in a background thread of the API server, with its own small engine; stopped at shutdown."""

    def __init__(self, settings: Settings) -> None:
        self._engine = build_engine(settings.database_url, settings.model_copy(update={"database_pool_size": 2}))
        self.worker = Worker(lambda: Session(self._engine, expire_on_commit=False), settings, concurrency=4)
        self._thread = threading.Thread(target=self.worker.run, name="webhook-worker", daemon=True)

    def start(self) -> EmbeddedWorker:
        self._thread.start()
        log.info("webhook worker %s running in the server (TILSYN_WEBHOOK_WORKER=embedded)", self.worker.name)
        return self

    def stop(self) -> None:
        self.worker.stop()
        self._thread.join(timeout=self.worker.lease.total_seconds())
        self.worker.close()
        self._engine.dispose()


def start_embedded(settings: Settings) -> EmbeddedWorker | None:
    """Start the server's own worker when the settings ask for it (an in-memory database has nothing to deliver)."""
    if not settings.webhook_worker_embedded or _in_memory(settings.database_url):
        return None
    return EmbeddedWorker(settings).start()
