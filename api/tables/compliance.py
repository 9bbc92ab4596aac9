"""Exemption periods: a municipality allowed to deviate from the supervision rules for a while (velfærdsaftale)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class Exemption(Versioned, SQLModel, table=True):
    """A period, both days included, in which the legal minimums it lists are not required by law.

    The minimums are `domain.law.Minimum` values; compliance reports an act inside the period as not required by
    law and gives the municipality's policy's verdict beside it (domain.compliance.Exemption).
    """

    __tablename__ = "exemption"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    legal_basis: str = Field(sa_column=Column(Text, nullable=False))
    first_day: date
    last_day: date
    minimums: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
