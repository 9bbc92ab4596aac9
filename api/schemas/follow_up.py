"""After a visit (dagtilbudsloven §5b): the follow-up dialogue, the parent board informed, and recommendations."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, Name, ReadModel
from domain.states import RecommendationStatus

Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]


class NoticeMethod(StrEnum):
    """How the parent board was informed."""

    MEETING = "meeting"
    LETTER = "letter"
    EMAIL = "email"
    INTRANET = "intranet"
    OTHER = "other"

    @property
    def label_da(self) -> str:
        return _METHOD_LABELS[self]


_METHOD_LABELS = {
    NoticeMethod.MEETING: "bestyrelsesmøde",
    NoticeMethod.LETTER: "brev",
    NoticeMethod.EMAIL: "e-mail",
    NoticeMethod.INTRANET: "intranet (fx Aula)",
    NoticeMethod.OTHER: "andet",
}


_METHOD = "How the parent board was informed: " + "; ".join(f"`{m.value}` = {m.label_da}" for m in NoticeMethod) + "."
_STATUS = "Status: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in RecommendationStatus) + "."


class FollowUpDialogueWrite(InputModel):
    """The follow-up dialogue (opfølgningssamtale) with the leader about the assessment and what follows."""

    held_on: date = Field(description="The day the dialogue was held; not before the visit, not in the future.")
    participants: list[Name] = Field(
        min_length=1, max_length=50, description="Who took part, by name or role, e.g. `Dagtilbudsleder Anne Hansen`."
    )
    summary: Text = Field(description="What was discussed about the assessment.")
    agreed_follow_up: Text | None = Field(None, description="The concrete follow-up agreed, if any.")


class FollowUpDialogueRead(ReadModel):
    """A recorded follow-up dialogue: no. 1 after an announced visit, no. 2 after an unannounced or intensified one."""

    id: uuid.UUID = Field(description="The dialogue's id.")
    visit_id: uuid.UUID = Field(description="The visit it follows up.")
    number: int = Field(description="1 (opfølgningssamtale 1) after an announced visit, 2 after any other.")
    held_on: date = Field(description="The day it was held.")
    participants: list[str] = Field(description="Who took part.")
    summary: str = Field(description="What was discussed.")
    agreed_follow_up: str | None = Field(description="The concrete follow-up agreed, if any.")
    created_at: datetime = Field(description="When it was first recorded.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class ParentBoardNoticeCreate(InputModel):
    """That the parent board was informed of the visit's assessment."""

    informed_on: date = Field(description="The day the board was informed; not before the visit, not in the future.")
    method: NoticeMethod = Field(description=_METHOD)
    note: Text | None = Field(None, description="Anything worth keeping, e.g. the board's questions.")


class ParentBoardNoticeRead(ReadModel):
    """The parent board informed of a visit's assessment."""

    id: uuid.UUID = Field(description="The notice's id.")
    provider_id: uuid.UUID = Field(description="The provider whose parent board was informed.")
    visit_id: uuid.UUID = Field(description="The visit whose assessment the board was told about.")
    informed_on: date = Field(description="The day the board was informed.")
    method: NoticeMethod = Field(description=_METHOD)
    note: str | None = Field(description="A note, if any.")
    created_at: datetime = Field(description="When it was recorded.")

    @computed_field(description="The method in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def method_label(self) -> str:
        return self.method.label_da


class ParentBoardNoticeList(ReadModel):
    """Every time the parent board was informed of a visit, oldest first."""

    items: list[ParentBoardNoticeRead] = Field(description="The notices.")


class RecommendationCreate(InputModel):
    """A recommendation (anbefaling) from a visit: what to do, who owns it, and by when."""

    text: Text = Field(description="What the provider is recommended to do.")
    owner: Name = Field(description="Who is responsible, by name or role, e.g. `Dagtilbudsleder`.")
    due_on: date = Field(description="When it should be done; not before the visit.")


class RecommendationUpdate(InputModel):
    """Fields to change; omitted fields keep their value.

    `text`, `owner` and `due_on` are the supervision's (recommendations:write); `status` and `status_note` are
    kept up to date by the provider's leader (recommendations:status).
    """

    text: Text | None = Field(None, description="What the provider is recommended to do.")
    owner: Name | None = Field(None, description="Who is responsible.")
    due_on: date | None = Field(None, description="When it should be done.")
    status: RecommendationStatus | None = Field(None, description=_STATUS + " `dropped` needs a `status_note`.")
    status_note: Text | None = Field(None, description="How it is going, or why it was dropped; null removes it.")


class RecommendationRead(ReadModel):
    """A recommendation from a visit and how far the provider has come with it."""

    id: uuid.UUID = Field(description="The recommendation's id.")
    visit_id: uuid.UUID = Field(description="The visit it came from.")
    provider_id: uuid.UUID = Field(description="The provider it is for.")
    text: str = Field(description="What the provider is recommended to do.")
    owner: str = Field(description="Who is responsible.")
    due_on: date = Field(description="When it should be done.")
    status: RecommendationStatus = Field(description=_STATUS)
    status_note: str | None = Field(description="How it is going, or why it was dropped.")
    overdue: bool = Field(False, description="True when `due_on` has passed and it is still open or in progress.")
    created_at: datetime = Field(description="When it was written.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class RecommendationPage(ReadModel):
    """One page of recommendations, soonest due first."""

    items: list[RecommendationRead] = Field(description="The recommendations on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
