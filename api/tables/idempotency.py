"""Idempotency keys: a retried POST returns the first response instead of creating a second record."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, created_at_field, id_field


class IdempotencyRecord(SQLModel, table=True):
    """One Idempotency-Key of one caller: `in_flight` while the first request runs, then its response."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("subject", "key"),)

    id: uuid.UUID = id_field()
    subject: str = Field(max_length=200)  # the caller (user or client id): keys are per caller
    key: str = Field(max_length=200)
    method: str = Field(max_length=10)
    path: str = Field(max_length=500)
    body_hash: str = Field(max_length=64)
    state: str = Field(default="in_flight", max_length=20)
    response_status: int | None = None
    response_body: dict | list | None = Field(default=None, sa_column=Column(JSON))
    response_headers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = created_at_field()
