"""What happens after a visit: the follow-up dialogue, the parent board informed, recommendations."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class FollowUpDialogue(Versioned, SQLModel, table=True):
    """Opfølgningssamtale with the leader: no. 1 after an announced visit, no. 2 after an unannounced one."""

    __tablename__ = "follow_up_dialogue"

    id: uuid.UUID = id_field()
    visit_id: uuid.UUID = Field(foreign_key="visit.id", unique=True)
    number: int
    held_on: date
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    agreed_follow_up: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class ParentBoardNotice(SQLModel, table=True):
    """The parent board informed of an assessment (§5b stk. 1) or of an action plan (§5b stk. 5)."""

    __tablename__ = "parent_board_notice"

    id: uuid.UUID = id_field()
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    visit_id: uuid.UUID | None = Field(default=None, foreign_key="visit.id", index=True)
    action_plan_id: uuid.UUID | None = Field(default=None, foreign_key="action_plan.id", index=True)
    informed_on: date
    method: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()


class Recommendation(Versioned, SQLModel, table=True):
    """A recommendation (anbefaling) from a visit, which the leader keeps up to date."""

    __tablename__ = "recommendation"

    id: uuid.UUID = id_field()
    visit_id: uuid.UUID = Field(foreign_key="visit.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(max_length=200)
    due_on: date
    status: str = Field(default="open", max_length=20)
    status_note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
