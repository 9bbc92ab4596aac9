"""Visits, the observations made during them, and the assessments computed when they are completed."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlalchemy import false as sa_false
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field


class Visit(Versioned, SQLModel, table=True):
    """A supervision visit (tilsynsbesøg): announced, unannounced or intensified.

    `status` is planned -> completed (or cancelled). The dialogue with leader and staff during the visit
    (§5a) is recorded on the visit; the follow-up dialogue afterwards has its own table.
    """

    __tablename__ = "visit"
    __table_args__ = (Index("ix_visit_provider_status_held", "provider_id", "status", "held_on"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    kind: str = Field(max_length=20)
    status: str = Field(default="planned", max_length=20)
    planned_on: date
    held_on: date | None = None
    unit_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    supervisor_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    co_observer_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    instrument_id: uuid.UUID | None = Field(default=None, foreign_key="instrument_version.id")
    dialogue_held_on: date | None = None
    dialogue_participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dialogue_summary: str | None = Field(default=None, sa_column=Column(Text))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    concern_level: str | None = Field(default=None, max_length=20)  # the supervisor's level, if raised
    concern_justification: str | None = Field(default=None, sa_column=Column(Text))
    strengths: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # The data the visit drew on (§5a stk. 4), as domain.compliance.DataSource values, and whether it started from
    # the pedagogical foundation of the læreplan (§5a stk. 1). Not recorded counts as not done.
    data_sources: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    based_on_curriculum: bool = Field(default=False, sa_column_kwargs={"server_default": sa_false()})
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_reason: str | None = Field(default=None, max_length=500)
    policy_version_number: int | None = None  # the policy the assessment was made under (0 = default)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class Observation(SQLModel, table=True):
    """Systematic observation during a visit: item scores for one unit (or the whole provider) and notes."""

    __tablename__ = "observation"

    id: uuid.UUID = id_field()
    visit_id: uuid.UUID = Field(foreign_key="visit.id", index=True)
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    observed_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()


class Assessment(SQLModel, table=True):
    """The result of a completed visit, for the provider (unit_id null) or one unit. Never changed."""

    __tablename__ = "assessment"

    id: uuid.UUID = id_field()
    visit_id: uuid.UUID = Field(foreign_key="visit.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    assessed_on: date
    percent: float | None = None
    coverage: float | None = None
    insufficient_observation: bool = False
    band_key: str | None = Field(default=None, max_length=40)
    band_label: str | None = Field(default=None, max_length=60)
    concern_from_score: str | None = Field(default=None, max_length=20)
    concern: str = Field(max_length=20)
    justification: str | None = Field(default=None, sa_column=Column(Text))
    parts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))  # areas and themes
    policy_version_number: int = 0
    created_at: datetime = created_at_field()
