"""The provider's own observations (egne observationer): leader and staff observing with the municipality's
instrument. Shown beside the supervisor's; never part of an assessment (domain/own_observations.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import created_at_field, id_field


class OwnObservation(SQLModel, table=True):
    """One observation a leader or staff member made of their own provider (or one of its units). Never changed.

    Deliberately not linked to a visit: a planned unannounced visit must stay unknown to the provider, and which
    visit an own observation sits beside follows from its date (`domain.own_observations.period_of_visit`).
    """

    __tablename__ = "own_observation"
    __table_args__ = (Index("ix_own_observation_provider_observed", "provider_id", "observed_on"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id")
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    instrument_id: uuid.UUID = Field(foreign_key="instrument_version.id")
    observed_on: date
    scores: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str = Field(max_length=200)  # the account's id (the subject), never a name
    recorded_by_role: str = Field(max_length=20)
    created_at: datetime = created_at_field()
