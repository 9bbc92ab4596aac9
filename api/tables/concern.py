"""Concern notices (bekymringshenvendelser): part of the continuous supervision (løbende tilsyn)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class ConcernNotice(Versioned, SQLModel, table=True):
    """A concern about a provider from a parent, staff, a partner or someone else.

    Who reported is personal data: only admin and supervisors may read `reporter_*`.
    """

    __tablename__ = "concern_notice"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    received_on: date
    source: str = Field(max_length=20)
    reporter_name: str | None = Field(default=None, max_length=200)
    reporter_contact: str | None = Field(default=None, max_length=200)
    summary: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="received", max_length=20)
    triage_note: str | None = Field(default=None, sa_column=Column(Text))
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id", index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
