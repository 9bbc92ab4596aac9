"""Versions of a municipality's supervision policy. A version never changes once saved."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import created_at_field, id_field


class PolicyVersion(SQLModel, table=True):
    """One published version of the policy, in force from `effective_from` until the next version's date.

    Assessments refer to the version they were made under, so a later policy never rewrites old results.
    """

    __tablename__ = "policy_version"
    __table_args__ = (
        UniqueConstraint("municipality_id", "number"),
        UniqueConstraint("municipality_id", "effective_from"),
    )

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    number: int = Field(description="1, 2, 3, ... per municipality")
    effective_from: date
    document: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=1000)
    created_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
