"""Fan-out: an outbox event becomes one pending delivery per subscription that wants it, in the same transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def create_deliveries(connection: Connection, events: list[dict[str, Any]]) -> None:
    """Create the deliveries of these just-written outbox rows (each has `position`). Filled in by the webhooks."""
    return None
