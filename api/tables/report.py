"""Written supervision reports (tilsynsrapporter): draft -> sent to the leader -> final -> published."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field
from domain.filing import KLE_MAX_LENGTH


class Report(Versioned, SQLModel, table=True):
    """One version of the report on a completed visit, for the provider, one unit, or the dagpleje combined.

    `content` is the assembled domain.reports.ReportContent, frozen when the report becomes final; a published
    report never changes, and a correction is a new row that `replaces_id` the one it corrects.
    """

    __tablename__ = "report"
    __table_args__ = (Index("ix_report_provider_status", "provider_id", "status"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    visit_id: uuid.UUID = Field(foreign_key="visit.id", index=True)
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    scope: str = Field(default="provider", max_length=20)  # provider | unit | combined
    status: str = Field(default="draft", max_length=20)  # draft | sent | final | published | superseded
    report_version: int = 1
    replaces_id: uuid.UUID | None = Field(default=None, foreign_key="report.id")
    correction_note: str | None = Field(default=None, sa_column=Column(Text))
    summary: str | None = Field(default=None, sa_column=Column(Text))
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    leader_comment: str | None = Field(default=None, sa_column=Column(Text))
    sent_on: date | None = None
    comment_window_ends: date | None = None
    finalised_on: date | None = None
    published_on: date | None = None
    # The day the first version of this report was published; a correction keeps it (the §5 clock is not reset).
    first_published_on: date | None = None
    published_by: str | None = Field(default=None, max_length=200)
    case_id: str | None = Field(default=None, max_length=100)  # the case system's references (ESDH)
    case_number: str | None = Field(default=None, max_length=100)
    document_id: str | None = Field(default=None, max_length=100)
    filed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set when the report becomes final: the KLE subject to file it under (the municipality's then) and the
    # SHA-256 of its PDF as GET /reports/{id}/pdf serves it (kept current when publication dates the document).
    kle_classification: str | None = Field(default=None, max_length=KLE_MAX_LENGTH)
    pdf_sha256: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
