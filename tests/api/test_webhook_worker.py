"""`tilsyn worker` as a process: killed mid-delivery it loses nothing, stopped it finishes what is in flight, two
of them on PostgreSQL share the work without sending anything twice; and the server's embedded worker on SQLite.

A real database of each kind (a file for SQLite) that the worker processes share with the test, and a real
receiver on 127.0.0.1. Tests wait on the receiver's condition and on the worker's log lines, with timeouts.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, update
from sqlmodel import Session

from api.config import Settings, WebhookWorker
from api.db import build_engine
from api.main import create_app
from api.migrate import upgrade
from api.tables import WebhookAttempt, WebhookDelivery, WebhookSubscription
from api.webhooks.worker import Worker
from domain.webhooks import DeliveryStatus, SubscriptionStatus
from tests.conftest import TEST_SECRET, create_pg_database
from tests.support import factories
from tests.support.webhooks import WAIT_S, Clock, Receiver, event, publish, subscribe

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Store:
    url: str
    engine: Engine
    settings: Settings
    municipality_id: uuid.UUID

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


@pytest.fixture(scope="module")
def store(database_kind: str, request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[Store]:
    """A migrated database the worker processes share with the test (one per module and kind)."""
    if database_kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('webhooks') / 'tilsyn.sqlite3'}"
    else:
        url = create_pg_database(request.getfixturevalue("pg_cluster"), "tilsyn_webhook_worker")
    upgrade(url)
    settings = Settings(secret_key=TEST_SECRET, database_url=url, webhook_allowed_hosts="127.0.0.1")
    engine = build_engine(url, settings)
    with Session(engine, expire_on_commit=False) as db:
        municipality = factories.municipality(db)
    yield Store(url, engine, settings, municipality.id)
    engine.dispose()


@pytest.fixture
def receiver(store: Store) -> Iterator[Receiver]:
    receiver = Receiver().up()
    yield receiver
    receiver.down()
    with store.session() as db:  # what a test left undelivered is no later test's work
        db.execute(update(WebhookSubscription).values(status=SubscriptionStatus.DISABLED))
        db.commit()


def published(store: Store, url: str, aggregates: list[str]) -> tuple[uuid.UUID, list[dict]]:
    """A subscription to `url` and one event per entry (entries are aggregate ids, repeated for several events)."""
    with store.session() as db:
        subscription = subscribe(db, store.municipality_id, url)
        rows = publish(
            db.connection(), subscription.id, [event(store.municipality_id, a, Clock().now) for a in aggregates]
        )
        db.commit()
    return subscription.id, rows


def deliveries(store: Store, subscription_id: uuid.UUID) -> list[WebhookDelivery]:
    with store.session() as db:
        query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
        return list(db.scalars(query.order_by(WebhookDelivery.event_position)))


class WorkerProcess:
    """`tilsyn worker` in a subprocess; its log lines arrive on a queue."""

    def __init__(self, store: Store, *options: str) -> None:
        env = {
            **os.environ,
            "TILSYN_DATABASE_URL": store.url,
            "TILSYN_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
        }
        command = [sys.executable, "-m", "api.cli", "worker", *options]
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.lines.put(line)
        self.lines.put(None)

    def wait_for_line(self, text: str) -> str:
        while True:
            line = self.lines.get(timeout=WAIT_S)
            assert line is not None, f"the worker ended before it logged {text!r}: {self.seen[-5:]}"
            self.seen.append(line)
            if text in line:
                return line

    def finish(self) -> int:
        """Its exit status, once it has exited; the rest of its log is in `seen`."""
        status = self.process.wait(timeout=WAIT_S)
        self._reader.join(timeout=WAIT_S)
        while (line := self.lines.get_nowait() if not self.lines.empty() else None) is not None:
            self.seen.append(line)
        self.process.stdout.close()  # type: ignore[union-attr]
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.finish()


def test_killing_the_worker_in_the_middle_of_a_delivery_loses_nothing(store: Store, receiver: Receiver):
    release = threading.Event()
    receiver.answer = lambda _request: 200 if release.wait(WAIT_S) else 500  # holds each request until released
    subscription_id, rows = published(store, receiver.url, ["a", "a", "b"])
    worker = WorkerProcess(store, "--concurrency", "1", "--batch-size", "10")
    try:
        receiver.wait_until(lambda requests: len(requests) == 1)  # the first delivery is in flight
        worker.process.send_signal(signal.SIGKILL)
        assert worker.finish() == -signal.SIGKILL
    finally:
        worker.kill()
        release.set()

    leased = [d for d in deliveries(store, subscription_id) if d.status == DeliveryStatus.DELIVERING]
    assert len(leased) == 2  # "a" and "b" were claimed; the second event of "a" waits for the first
    # A second worker after the lease: the dead worker's deliveries are due again.
    clock = Clock(max(d.leased_until for d in leased) + timedelta(seconds=1))
    with Worker(store.session, store.settings, clock=clock, concurrency=1) as second:
        while second.run_pass():
            pass

    assert all(d.status == DeliveryStatus.DELIVERED for d in deliveries(store, subscription_id))
    ids = [str(row["id"]) for row in rows]
    assert {r.webhook_id for r in receiver.accepted()} == set(ids)
    first_sent = receiver.requests[0].webhook_id
    assert Counter(r.webhook_id for r in receiver.requests)[first_sent] == 2  # a duplicate on the wire, not a loss
    assert [r.webhook_id for r in receiver.accepted() if r.envelope["data"]["id"] == "a"][-2:] == ids[:2]


def test_sigterm_finishes_the_delivery_in_flight_claims_nothing_new_and_exits_0(store: Store, receiver: Receiver):
    release = threading.Event()
    receiver.answer = lambda _request: 200 if release.wait(WAIT_S) else 500
    subscription_id, _rows = published(store, receiver.url, ["a", "b"])
    worker = WorkerProcess(store, "--concurrency", "1", "--batch-size", "1", "--poll-seconds", "0.1")
    try:
        receiver.wait_until(lambda requests: len(requests) == 1)
        worker.process.send_signal(signal.SIGTERM)
        worker.wait_for_line("SIGTERM: finishing the deliveries in flight")
        release.set()
        assert worker.finish() == 0
    finally:
        release.set()
        worker.kill()

    sent, waiting = deliveries(store, subscription_id)
    assert sent.status == DeliveryStatus.DELIVERED and sent.event_id == uuid.UUID(receiver.requests[0].webhook_id)
    assert waiting.status == DeliveryStatus.PENDING and waiting.attempt_count == 0
    assert len(receiver.requests) == 1
    assert any("attempt 1: 200" in line and str(sent.event_id) in line for line in worker.seen)  # each attempt logged


def test_two_workers_on_postgresql_deliver_every_event_once_and_in_order_per_aggregate(
    store: Store, receiver: Receiver, database_kind: str
):
    if database_kind != "postgresql":
        pytest.skip("several workers at once are for PostgreSQL; SQLite has one writer")
    # The first three requests wait for each other: with two at a time per worker, both workers are sending.
    together = threading.Barrier(3, timeout=WAIT_S)
    count = iter(range(10**9))
    receiver.answer = lambda _request: (together.wait() if next(count) < 3 else None, 200)[1]
    aggregates = [f"v{n % 100}" for n in range(1000)]
    subscription_id, rows = published(store, receiver.url, aggregates)
    ids = {str(row["id"]) for row in rows}
    workers = [WorkerProcess(store, "--concurrency", "2", "--batch-size", "20") for _ in range(2)]
    try:
        receiver.wait_until(lambda requests: {r.webhook_id for r in requests if r.status == 200} >= ids)
        for worker in workers:
            worker.process.send_signal(signal.SIGTERM)
        assert [worker.finish() for worker in workers] == [0, 0]
    finally:
        for worker in workers:
            worker.kill()

    sent = Counter(r.webhook_id for r in receiver.requests)
    assert set(sent) == ids and set(sent.values()) == {1}  # none lost, none twice
    assert {(d.status, d.attempt_count) for d in deliveries(store, subscription_id)} == {(DeliveryStatus.DELIVERED, 1)}
    with store.session() as db:
        who = db.execute(
            select(WebhookAttempt.worker, func.count())
            .where(WebhookAttempt.subscription_id == subscription_id)
            .group_by(WebhookAttempt.worker)
        ).all()
    assert len(who) == 2 and sum(n for _, n in who) == 1000  # both took part
    position = {str(row["id"]): row["position"] for row in rows}
    order: dict[str, list[int]] = defaultdict(list)
    for request in receiver.requests:
        order[request.envelope["data"]["id"]].append(position[request.webhook_id])
    assert all(positions == sorted(positions) for positions in order.values())


def test_the_server_delivers_by_itself_on_sqlite_and_stops_its_worker_at_shutdown(
    store: Store, receiver: Receiver, database_kind: str
):
    if database_kind != "sqlite":
        pytest.skip("the embedded worker is the SQLite default")
    _subscription_id, [row] = published(store, receiver.url, ["a"])
    settings = Settings(secret_key=TEST_SECRET, database_url=store.url, webhook_allowed_hosts="127.0.0.1")
    assert settings.webhook_worker_embedded

    with TestClient(create_app(settings)):
        receiver.wait_until(lambda requests: any(r.status == 200 for r in requests))

    assert receiver.accepted()[0].webhook_id == str(row["id"])
    assert not any(thread.name == "webhook-worker" for thread in threading.enumerate())


def test_postgresql_leaves_delivery_to_tilsyn_worker_unless_told_otherwise():
    postgres = "postgresql+psycopg://tilsyn@localhost/tilsyn"
    assert not Settings(secret_key=TEST_SECRET, database_url=postgres).webhook_worker_embedded
    assert Settings(secret_key=TEST_SECRET, database_url=postgres, webhook_worker="embedded").webhook_worker_embedded
    assert not Settings(secret_key=TEST_SECRET, webhook_worker=WebhookWorker.OFF).webhook_worker_embedded
