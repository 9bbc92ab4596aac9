"""The audit trail: one row per written entity per request, in the same transaction as the write."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, id_field, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity_type", "entity_id"),
        # The list pages newest first within a municipality, with or without an actor filter.
        Index("ix_audit_event_municipality_at", "municipality_id", "at", "id"),
        Index("ix_audit_event_municipality_actor_at", "municipality_id", "actor_id", "at", "id"),
    )

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    actor_type: str = Field(max_length=20)
    actor_id: str = Field(max_length=200)
    actor_name: str = Field(max_length=200)
    on_behalf_of: str | None = Field(default=None, max_length=200)
    action: str = Field(max_length=80)
    entity_type: str = Field(max_length=60)
    entity_id: str = Field(max_length=60)
    changes: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    request_id: str | None = Field(default=None, max_length=64)
