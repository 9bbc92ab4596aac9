"""Ties between a supervisor and a provider that make them partial (uvildighed, §5a)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import created_at_field, id_field


class ImpartialityDeclaration(SQLModel, table=True):
    """A supervisor is leader or staff at a provider, or declared a conflict of interest there.

    Any of these means the person may not supervise that provider (domain.impartiality).
    """

    __tablename__ = "impartiality_declaration"
    __table_args__ = (UniqueConstraint("user_id", "provider_id", "relation"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    relation: str = Field(max_length=20)  # leader | staff | conflict
    reason: str = Field(sa_column=Column(Text, nullable=False))
    declared_on: date
    created_at: datetime = created_at_field()
