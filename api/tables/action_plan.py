"""Action plans (handleplaner) on serious concern (§5b stk. 4-5), their items and the parent board's comments."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class ActionPlan(Versioned, SQLModel, table=True):
    """draft -> comment (parent board may comment until `comment_window_ends`) -> approved -> completed."""

    __tablename__ = "action_plan"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id", index=True)
    intensified_id: uuid.UUID = Field(foreign_key="intensified_supervision.id", index=True)
    status: str = Field(default="draft", max_length=20)
    due_on: date  # approved by this date (policy: action_plan_days after serious concern)
    supervisor_id: uuid.UUID = Field(foreign_key="user_account.id")
    leader_name: str = Field(max_length=200)  # written together with the leader (§5b stk. 5)
    summary: str | None = Field(default=None, sa_column=Column(Text))
    comment_window_ends: date | None = None
    approved_on: date | None = None
    approved_by: str | None = Field(default=None, max_length=200)
    follow_up_note: str | None = Field(default=None, sa_column=Column(Text))
    followed_up_on: date | None = None
    completed_on: date | None = None
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class ActionPlanItem(Versioned, SQLModel, table=True):
    """One goal of the plan: what is done, by whom, by when, and how success is known."""

    __tablename__ = "action_plan_item"

    id: uuid.UUID = id_field()
    plan_id: uuid.UUID = Field(foreign_key="action_plan.id", index=True)
    goal: str = Field(sa_column=Column(Text, nullable=False))
    actions: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(max_length=200)
    deadline: date
    success_criterion: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="open", max_length=20)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class ActionPlanComment(SQLModel, table=True):
    """The parent board's comment on a plan, kept with it (§5b stk. 5)."""

    __tablename__ = "action_plan_comment"

    id: uuid.UUID = id_field()
    plan_id: uuid.UUID = Field(foreign_key="action_plan.id", index=True)
    author_id: str = Field(max_length=200)
    author_name: str = Field(max_length=200)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = created_at_field()
