"""Writing to the transactional outbox: the one function every domain event goes through.

`append_events` runs inside the caller's transaction, just before it commits, so an event exists exactly when its
change does. It fans the events out to the webhook subscriptions that want them in the same transaction, so no
delivery can be lost between the event and the worker.

Commit order: on PostgreSQL a transaction-scoped advisory lock per municipality is taken before the first insert
and held to the commit. Positions come from one sequence, so without the lock a transaction could take position
10, commit after another's 11, and a reader of the change feed that had already passed 11 would never see 10.
With it, a municipality's positions become visible in ascending order. Call this as late as possible (at
`before_commit`) so the lock is held only for the insert and the commit. SQLite has one writer at a time anyway.
"""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, text

from api.tables.base import utcnow
from api.tables.outbox import OutboxEvent
from api.webhooks.fanout import create_deliveries

_LOCK_NAMESPACE = 0x7115  # the first key of pg_advisory_xact_lock(int, int): "the outbox of municipality <second>"


@dataclass(frozen=True)
class NewEvent:
    """An event about to be written: see api.tables.outbox.OutboxEvent for what each field means."""

    municipality_id: uuid.UUID
    type: str
    operation: str
    aggregate_type: str
    aggregate_id: str
    provider_id: uuid.UUID | None = None
    hidden_from_provider: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=utcnow)


def _lock_municipalities(connection: Connection, municipality_ids: set[uuid.UUID]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for key in sorted(zlib.crc32(m.bytes) - 2**31 for m in municipality_ids):  # sorted: no deadlock between two
        connection.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": _LOCK_NAMESPACE, "key": key})


def append_events(connection: Connection, events: list[NewEvent]) -> list[dict[str, Any]]:
    """Insert the events in order (positions ascend in list order) and fan them out; returns the rows written."""
    if not events:
        return []
    _lock_municipalities(connection, {e.municipality_id for e in events})
    rows = [
        {
            "id": e.id,
            "municipality_id": e.municipality_id,
            "type": e.type,
            "operation": e.operation,
            "aggregate_type": e.aggregate_type,
            "aggregate_id": e.aggregate_id,
            "provider_id": e.provider_id,
            "hidden_from_provider": e.hidden_from_provider,
            "occurred_at": e.occurred_at,
            "payload": e.payload,
        }
        for e in events
    ]
    # One statement per row keeps positions in list order on both databases and returns each position.
    table = OutboxEvent.__table__
    for row in rows:
        row["position"] = connection.execute(insert(table).values(**row).returning(table.c.position)).scalar_one()
    create_deliveries(connection, rows)
    return rows
