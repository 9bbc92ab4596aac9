"""A member municipality's self-assessment of its supervision practice in a network, before and after, and its answers.

The questionnaire is data (`domain.self_assessment`); these tables hold which version was answered, the
municipality's own judgement per question, and, from the day it was submitted, the evidence the service filled in.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field


class SelfAssessment(Versioned, SQLModel, table=True):
    """One member's self-assessment in one network and phase (`domain.self_assessment.Phase`): one per phase.

    `status` is a `SelfAssessmentStatus`; `questionnaire_version` is the questionnaire answered (edition and law,
    `"1/2025"`), fixed on submission to the law in force on `answered_on`, the day it was submitted.
    """

    __tablename__ = "self_assessment"
    # The unique triple also serves "the network's self-assessments" (its first column).
    __table_args__ = (UniqueConstraint("network_id", "municipality_id", "phase"),)

    id: uuid.UUID = id_field()
    network_id: uuid.UUID = Field(foreign_key="network.id")
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    phase: str = Field(max_length=20)
    status: str = Field(max_length=20)
    questionnaire_version: str = Field(max_length=40)
    answered_on: date | None = None
    submitted_by: str | None = Field(default=None, max_length=200)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class SelfAssessmentAnswer(SQLModel, table=True):
    """The municipality's judgement on one question, its comment, and the evidence snapshot taken on submission.

    `evidence` is null while the self-assessment is a draft (a draft shows today's figures, computed when read).
    Changed only through its self-assessment, whose version is the ETag of both.
    """

    __tablename__ = "self_assessment_answer"
    __table_args__ = (UniqueConstraint("self_assessment_id", "question_key"),)

    id: uuid.UUID = id_field()
    self_assessment_id: uuid.UUID = Field(foreign_key="self_assessment.id")
    question_key: str = Field(max_length=80)
    judgement: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, sa_column=Column(Text))
    evidence: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON))
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
