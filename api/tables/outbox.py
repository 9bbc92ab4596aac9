"""The transactional outbox: every domain event, written in the same transaction as the change that causes it.

One table serves three readers: the webhook worker (deliveries are fanned out from it in the same transaction),
the change feed (`GET /changes`, resumable by `position`) and the audit of what integrations were told.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, Integer
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, utcnow

# SQLite numbers rows itself only for an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
POSITION_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class OutboxEvent(SQLModel, table=True):
    """One domain event: what happened to which aggregate, in commit order per municipality.

    Positions ascend in commit order within a municipality (api.outbox takes a per-municipality lock from the
    insert to the commit), so a reader that has seen position N will never later find a new event below N.
    """

    __tablename__ = "outbox_event"
    __table_args__ = (
        # The change feed and the webhook fan-out read a municipality's events in position order.
        Index("ix_outbox_event_municipality_position", "municipality_id", "position"),
        # A provider-bound caller's feed: its provider's events (and the municipality-wide ones) in position order.
        Index("ix_outbox_event_municipality_provider_position", "municipality_id", "provider_id", "position"),
        # Ordering per aggregate: a later event of an aggregate waits for the earlier ones.
        Index("ix_outbox_event_aggregate", "aggregate_type", "aggregate_id", "position"),
    )

    position: int | None = Field(default=None, sa_column=Column(POSITION_TYPE, primary_key=True, autoincrement=True))
    id: uuid.UUID = Field(default_factory=uuid.uuid4, unique=True)  # the webhook-id; stable across redeliveries
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id")
    type: str = Field(max_length=60)  # domain.events.EventType, e.g. "visit.planned"
    operation: str = Field(max_length=10)  # domain.events.ChangeOperation: created | changed | closed | deleted
    aggregate_type: str = Field(max_length=40)  # e.g. "visit"
    aggregate_id: str = Field(max_length=60)
    # Who may see it: the provider it concerns (none: municipality-wide), and whether provider-bound roles are kept
    # from it at the time (a planned unannounced visit, a draft report). Kept on the event so a deletion can still
    # be filtered after its row is gone.
    provider_id: uuid.UUID | None = Field(default=None)
    hidden_from_provider: bool = Field(default=False)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
