"""Observation instruments (KIDS, ECERS-3, a local one) as versioned definitions per municipality."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import created_at_field, id_field


class InstrumentVersion(SQLModel, table=True):
    """One imported version of an instrument; never changed, so old observations keep their meaning."""

    __tablename__ = "instrument_version"
    __table_args__ = (UniqueConstraint("municipality_id", "key", "version"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    key: str = Field(max_length=60)
    version: str = Field(max_length=30)
    name: str = Field(max_length=200)
    definition: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Adopted from a model another member shared with a network (api.tables.shared_practice.SharedModel).
    source_model_id: uuid.UUID | None = Field(default=None, foreign_key="shared_model.id")
    created_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
