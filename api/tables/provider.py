"""Providers (dagtilbud) and their units (afdelinger, or dagplejere in the dagpleje)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class Provider(Versioned, SQLModel, table=True):
    __tablename__ = "provider"
    __table_args__ = (
        UniqueConstraint("municipality_id", "dagtilbudsnummer"),
        Index("ix_provider_municipality_name", "municipality_id", "name", "id"),  # the list, by name
    )

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    name: str = Field(max_length=200, index=True)
    kind: str = Field(max_length=40)
    age_groups: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dagtilbudsnummer: str = Field(max_length=6)
    cvr: str | None = Field(default=None, max_length=8)
    p_number: str | None = Field(default=None, max_length=10)
    street: str = Field(max_length=200)
    postal_code: str = Field(max_length=4)
    city: str = Field(max_length=100)
    website_url: str | None = Field(default=None, max_length=500)
    has_parent_board: bool = Field(default=True)
    # The first day of the provider's supervision cycle: set by an admin, or by its first supervision. Every cycle
    # date (visits, the report) is then a fixed calendar day counted from here (domain.cycle).
    cycle_start: date | None = Field(default=None)
    status: str = Field(default="active", max_length=10)
    closed_on: date | None = Field(default=None)
    closing_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class Unit(Versioned, SQLModel, table=True):
    __tablename__ = "unit"

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    street: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=4)
    city: str | None = Field(default=None, max_length=100)
    status: str = Field(default="active", max_length=10)
    closed_on: date | None = Field(default=None)
    closing_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
