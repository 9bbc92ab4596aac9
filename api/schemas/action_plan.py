"""Action plans (handleplaner, dagtilbudsloven §5b) as the API shows and accepts them: plans, items, comments."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, Name, ReadModel
from domain.states import ItemStatus, PlanStatus


class NoticeMethod(StrEnum):
    """How the parent board was informed."""

    MEETING = "meeting"
    LETTER = "letter"
    EMAIL = "email"
    INTRANET = "intranet"
    OTHER = "other"


_PLAN_STATUS = "Where the plan is: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in PlanStatus) + "."
_ITEM_STATUS = "How far the goal has come: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in ItemStatus) + "."
_METHOD = "How the parent board was informed: `meeting`, `letter`, `email`, `intranet` or `other`."

Text = Annotated[str, StringConstraints(min_length=1, max_length=10000)]


class ActionPlanCreate(InputModel):
    """A new action plan, written by the supervisor together with the leader."""

    leader_name: Name = Field(description="The leader the plan is made with.")
    summary: Text | None = Field(None, description="How quality will be strengthened and followed up, in short.")
    due_on: date | None = Field(
        None,
        description="The day the plan must be approved by. Left out: the deadline the escalation decision set, "
        "else the policy's `action_plan_days` after intensified supervision started.",
    )


class ActionPlanUpdate(InputModel):
    """Fields to change while the plan is a draft or out for comment; omitted fields keep their value."""

    leader_name: Name | None = Field(None, description="The leader the plan is made with.")
    summary: Text | None = Field(None, description="How quality will be strengthened and followed up; null removes it.")
    due_on: date | None = Field(None, description="The day the plan must be approved by.")


class ItemCreate(InputModel):
    """One goal of the plan: what is done, by whom, by when, and how success is known."""

    goal: Text = Field(description="What is to be better, e.g. the children's language environment at meals.")
    actions: Text = Field(description="What will be done to get there.")
    owner: Name = Field(description="Who is responsible, by name or function.")
    deadline: date = Field(description="By when it is to be done.")
    success_criterion: Text = Field(description="How everyone will know the goal is reached.")


class ItemUpdate(InputModel):
    """Fields to change; omitted fields keep their value. Once the plan is approved only `status` may change."""

    goal: Text | None = Field(None, description="What is to be better.")
    actions: Text | None = Field(None, description="What will be done to get there.")
    owner: Name | None = Field(None, description="Who is responsible.")
    deadline: date | None = Field(None, description="By when it is to be done.")
    success_criterion: Text | None = Field(None, description="How everyone will know the goal is reached.")
    status: ItemStatus | None = Field(None, description=_ITEM_STATUS)


class OpenForComments(InputModel):
    """The parent board has been informed of the plan and may now comment on it."""

    informed_on: date = Field(description="The day the parent board was informed of the plan.")
    method: NoticeMethod = Field(description=_METHOD)
    note: Text | None = Field(None, description="Anything worth keeping about how the board was informed.")
    window_days: int | None = Field(
        None,
        ge=1,
        le=365,
        description="Days the board has to comment, from `informed_on`; left out: the policy's "
        "`parent_board_comment_days`.",
    )


class CommentCreate(InputModel):
    """The parent board's comment on the plan."""

    text: Text = Field(description="The comment, kept with the plan.")


class FollowUp(InputModel):
    """How the approved plan has been followed up."""

    followed_up_on: date = Field(description="The day the plan was followed up.")
    note: Text = Field(description="What the follow-up showed.")


class ItemRead(ReadModel):
    """One goal of an action plan."""

    id: uuid.UUID = Field(description="The item's id.")
    plan_id: uuid.UUID = Field(description="The plan it belongs to.")
    goal: str = Field(description="What is to be better.")
    actions: str = Field(description="What will be done to get there.")
    owner: str = Field(description="Who is responsible.")
    deadline: date = Field(description="By when it is to be done.")
    success_criterion: str = Field(description="How everyone will know the goal is reached.")
    status: ItemStatus = Field(description=_ITEM_STATUS)
    created_at: datetime = Field(description="When it was added.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class CommentRead(ReadModel):
    """A comment from the parent board, kept with the plan."""

    id: uuid.UUID = Field(description="The comment's id.")
    plan_id: uuid.UUID = Field(description="The plan it is about.")
    author_name: str = Field(description="Who wrote it, on behalf of the parent board.")
    text: str = Field(description="The comment.")
    created_at: datetime = Field(description="When it was made.")


class CommentPage(ReadModel):
    """One page of the parent board's comments, oldest first."""

    items: list[CommentRead] = Field(description="The comments on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class NoticeRead(ReadModel):
    """A record that the parent board was informed of the plan."""

    id: uuid.UUID = Field(description="The notice's id.")
    informed_on: date = Field(description="The day the board was informed.")
    method: NoticeMethod = Field(description=_METHOD)
    note: str | None = Field(description="Anything kept about how the board was informed.")


class ActionPlanRead(ReadModel):
    """An action plan (handleplan) made because of serious concern."""

    id: uuid.UUID = Field(description="The action plan's id.")
    provider_id: uuid.UUID = Field(description="The provider the plan is for.")
    intensified_id: uuid.UUID = Field(description="The intensified supervision it belongs to.")
    status: PlanStatus = Field(description=_PLAN_STATUS)
    due_on: date = Field(description="The day the plan must be approved by.")
    supervisor_id: uuid.UUID = Field(description="The supervisor who writes the plan with the leader.")
    leader_name: str = Field(description="The leader the plan is made with.")
    summary: str | None = Field(description="How quality will be strengthened and followed up, in short.")
    comment_window_ends: date | None = Field(
        description="The last day the parent board may comment; null until the plan is out for comment."
    )
    approved_on: date | None = Field(description="The day it was approved.")
    approved_by: str | None = Field(description="Who approved it.")
    followed_up_on: date | None = Field(description="The day it was last followed up.")
    follow_up_note: str | None = Field(description="What the last follow-up showed.")
    completed_on: date | None = Field(description="The day it was completed.")
    no_parent_board_reason: str | None = Field(
        None,
        description="Why the plan is approved without the parent board's comments, in Danish: the provider has no "
        "parent board (`has_parent_board` is false), so there is no comment window. It cites the plan duty as "
        "numbered on the day of approval (or, before it, the day the plan was made). "
        "Null when the provider has a parent board and the plan goes out for its comments.",
    )
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class ActionPlanDetail(ActionPlanRead):
    """An action plan with its goals, the parent board's comments and when the board was informed."""

    items: list[ItemRead] = Field(description="The plan's goals, in the order they were added.")
    comments: list[CommentRead] = Field(description="The parent board's comments, oldest first.")
    parent_board_notices: list[NoticeRead] = Field(description="When and how the parent board was informed.")


class ActionPlanPage(ReadModel):
    """One page of action plans, newest first."""

    items: list[ActionPlanRead] = Field(description="The plans on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
