"""Webhook test support: a real receiver on 127.0.0.1, a clock tests move, subscriptions and published events.

The receiver is an HTTP server in a thread. What it answers is a function of the request (so a test can fail one
event and not another, or hold a request until told), and it can go down (refuse connections) and come back up on
the same port. Tests wait on its condition with a timeout, never on a sleep.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import Connection, func, insert, select
from sqlmodel import Session

from api.outbox import NewEvent, append_events
from api.tables import IntegrationClient, WebhookDelivery, WebhookSubscription
from api.webhooks.signing import new_secret
from api.webhooks.worker import Worker
from domain.webhooks import DeliveryStatus, SubscriptionStatus

WAIT_S = 60.0  # how long a test waits for something that should happen at once; a loaded machine takes longer


@dataclass
class Received:
    """One request as the receiver saw it; `status` is what it answered (None while held, or if it never did)."""

    headers: dict[str, str]
    body: str
    status: int | None = None

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def envelope(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def timestamp(self) -> datetime:
        return datetime.fromtimestamp(int(self.headers["webhook-timestamp"]), UTC)


@dataclass
class Receiver:
    """A webhook endpoint on loopback. `answer(request) -> status` decides each answer (200 unless changed)."""

    answer: Callable[[Received], int] = lambda _request: 200
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _connections: set[socket.socket] = field(default_factory=set)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real endpoint

            def setup(self) -> None:
                super().setup()
                with receiver._changed:
                    receiver._connections.add(self.connection)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                request = Received({k.lower(): v for k, v in self.headers.items()}, body)
                with receiver._changed:
                    receiver.requests.append(request)
                    receiver._changed.notify_all()
                status = receiver.answer(request)
                with receiver._changed:
                    request.status = status
                    receiver._changed.notify_all()
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, *_args: object) -> None:  # a connection cut by `down` is expected
                return None

        self._server = Server(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening and cut open connections: the next attempt is refused."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        with self._changed:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections.clear()

    def wait_until(self, condition: Callable[[list[Received]], bool], timeout: float = WAIT_S) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: condition(self.requests), timeout):
                raise AssertionError(f"the receiver waited {timeout} s in vain; it got {len(self.requests)} requests")

    def accepted(self) -> list[Received]:
        """The requests it answered 2xx, in the order they arrived."""
        with self._changed:
            return [r for r in self.requests if r.status is not None and 200 <= r.status < 300]


class Clock:
    """The worker's clock in a test: moved by hand, never by sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def subscribe(db: Session, municipality_id: uuid.UUID, url: str, **overrides: Any) -> WebhookSubscription:
    """An integration client with one active subscription to every event type."""
    client = IntegrationClient(
        municipality_id=municipality_id, name="Case system", client_id=f"esdh-{uuid.uuid4().hex[:12]}", secret_hash="-"
    )
    db.add(client)
    db.flush()
    values = {"municipality_id": municipality_id, "client_id": client.id, "url": url, "secret": new_secret()}
    subscription = WebhookSubscription(**{**values, **overrides})
    db.add(subscription)
    db.commit()
    return subscription


def event(municipality_id: uuid.UUID, aggregate_id: str, at: datetime, kind: str = "visit.changed") -> NewEvent:
    """An event about visit `aggregate_id` (named in its payload, so a receiver can tell the aggregates apart)."""
    payload = {"id": aggregate_id, "links": {"self": f"/api/v1/visits/{aggregate_id}"}}
    return NewEvent(municipality_id, kind, "changed", "visit", aggregate_id, payload=payload, occurred_at=at)


def publish(connection: Connection, subscription_id: uuid.UUID, events: list[NewEvent]) -> list[dict[str, Any]]:
    """Write the events through the outbox and make sure the subscription has a delivery of each.

    The fan-out (api/webhooks/fanout.py) decides which subscriptions want an event; these tests are about the
    worker, so they add a subscription's delivery themselves where the fan-out did not make one.
    """
    rows = append_events(connection, events)
    table = WebhookDelivery.__table__
    existing = set(
        connection.execute(
            select(table.c.event_position).where(
                table.c.subscription_id == subscription_id, table.c.event_position.in_([r["position"] for r in rows])
            )
        ).scalars()
    )
    missing = [
        {
            "id": uuid.uuid4(),
            "subscription_id": subscription_id,
            "event_position": row["position"],
            "event_id": row["id"],
            "aggregate_key": f"{row['aggregate_type']}:{row['aggregate_id']}",
            "status": DeliveryStatus.PENDING,
            "attempt_count": 0,
            "next_attempt_at": row["occurred_at"],
            "created_at": row["occurred_at"],
        }
        for row in rows
        if row["position"] not in existing
    ]
    if missing:
        connection.execute(insert(table), missing)
    return rows


def next_due(db: Session, after: datetime) -> datetime | None:
    """When a pending delivery of an active subscription is next due after `after`; None: nothing left to try.

    (One due already and not claimed waits for an earlier event of its aggregate, which is due later.)
    """
    delivery, subscription = WebhookDelivery.__table__, WebhookSubscription.__table__
    query = (
        select(func.min(delivery.c.next_attempt_at))
        .join(subscription, subscription.c.id == delivery.c.subscription_id)
        .where(delivery.c.status == DeliveryStatus.PENDING, subscription.c.status == SubscriptionStatus.ACTIVE)
        .where(delivery.c.next_attempt_at > after)
    )
    return db.execute(query).scalar()


def deliver_until(worker: Worker, clock: Clock, db: Session, until: datetime | None = None) -> int:
    """Run passes, moving the clock to each next due time (not past `until`); how many deliveries were claimed."""
    claimed = 0
    for _ in range(10_000):
        passed = worker.run_pass()
        claimed += passed
        if passed:
            continue
        due = next_due(db, clock.now)
        if due is None or (until is not None and due > until):
            if until is not None and clock.now < until:
                clock.now = until
            return claimed
        clock.now = due
    raise AssertionError("the worker never ran out of work")
