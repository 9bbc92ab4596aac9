"""The council's summary of the supervision (dagtilbudsloven §3a stk. 5 via domain.law): one row per version."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class CouncilSummary(Versioned, SQLModel, table=True):
    """One version of a municipality's summary for a period: a draft (content computed when read), or final
    (`content` frozen as it was on `finalised_on`). A correction is a new row that `replaces_id` the final one;
    finalising it marks the replaced row superseded. Who drafted and finalised are account ids, never names."""

    __tablename__ = "council_summary"
    __table_args__ = (Index("ix_council_summary_municipality_created", "municipality_id", "created_at", "id"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    period_from: date
    period_to: date
    status: str = Field(default="draft", max_length=20)  # draft | final | superseded
    summary_version: int = 1
    replaces_id: uuid.UUID | None = Field(default=None, foreign_key="council_summary.id")
    correction_note: str | None = Field(default=None, sa_column=Column(Text))
    # The administration's commentary: {"overall": text, "<section>": text} (domain.council_summary.SummarySection).
    commentary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # frozen when final
    created_by: str = Field(max_length=200)  # the account's id
    finalised_on: date | None = None
    finalised_by: str | None = Field(default=None, max_length=200)  # the account's id
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
