"""Intensified supervision (skærpet tilsyn) episodes and the actions escalation decisions require."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class IntensifiedSupervision(Versioned, SQLModel, table=True):
    """One period of intensified supervision of a provider, from the decision that started it to its end.

    `state` is `intensified` or `intensified_with_action_plan` (domain.escalation.EscalationState); a provider
    with no open period is in the normal cycle. Ending is an administration decision with grounds.
    """

    __tablename__ = "intensified_supervision"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    state: str = Field(max_length=40)
    concern: str = Field(max_length=20)
    started_on: date
    started_by_visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id")
    # The units (as id strings) whose own assessment caused or raised the episode; empty when the provider did.
    cause_unit_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]"))
    ended_on: date | None = None
    end_grounds: str | None = Field(default=None, sa_column=Column(Text))
    ended_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class RequiredAction(SQLModel, table=True):
    """Something an escalation decision requires, with its deadline and the paragraph behind it."""

    __tablename__ = "required_action"
    __table_args__ = (Index("ix_required_action_provider_open", "provider_id", "done_on"),)

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    intensified_id: uuid.UUID | None = Field(default=None, foreign_key="intensified_supervision.id", index=True)
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id")
    kind: str = Field(max_length=40)
    due_on: date
    legal_reference: str = Field(max_length=100)
    reason: str = Field(max_length=500)
    done_on: date | None = None
    created_at: datetime = created_at_field()
