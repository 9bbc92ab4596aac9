"""Conversations of the continuous supervision (løbende tilsyn) and the follow-ups agreed in them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from domain.conversations import TYPE_KEY_MAX_LENGTH, ParticipantRole
from domain.states import FollowUpStatus

Topic = Annotated[str, StringConstraints(min_length=1, max_length=200)]
DataLabel = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Description = Annotated[str, StringConstraints(min_length=1, max_length=2000)]
Notes = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]

_ROLES = "; ".join(f"`{r.value}` = {r.label_da}" for r in ParticipantRole)
_PARTICIPANTS = f"Who took part, by role (never by name): {_ROLES}."
_TYPE = "The conversation type's key in the policy in force on `held_on`, e.g. `learning_conversation`."
_TOPICS = "What was talked about, as short headings. Never a child's name."
_DATA = "The data looked at: indicator keys (e.g. `sick_leave`) or short labels (e.g. `KIDS 2025`)."
_NOTES = "Notes from the conversation. Never a child's name or other personal data about children."
_OWNER_ROLE = f"Who owns it, by role: {_ROLES}. Give this or `owner_user_id`."
_OWNER_USER = "Who owns it, as a user of the municipality. Give this or `owner_role`."
_STATUS = "`open` until done; `done` with `done_on`."


class FollowUpCreate(InputModel):
    """Something agreed in the conversation: what, who owns it (a role or a user) and by when."""

    description: Description = Field(description="What was agreed.")
    owner_role: ParticipantRole | None = Field(None, description=_OWNER_ROLE)
    owner_user_id: uuid.UUID | None = Field(None, description=_OWNER_USER)
    due_on: date = Field(description="When it should be done; not before the conversation. It shows in `GET /due`.")


class ConversationCreate(InputModel):
    """A conversation of the continuous supervision with a provider's leadership, and what was agreed in it."""

    type_key: str = Field(max_length=TYPE_KEY_MAX_LENGTH, description=_TYPE)
    held_on: date = Field(description="The day it was held; not in the future.")
    participants: list[ParticipantRole] = Field(min_length=1, max_length=20, description=_PARTICIPANTS)
    topics: list[Topic] = Field(default_factory=list, max_length=20, description=_TOPICS)
    data_looked_at: list[DataLabel] = Field(default_factory=list, max_length=50, description=_DATA)
    notes: Notes | None = Field(None, description=_NOTES)
    follow_ups: list[FollowUpCreate] = Field(
        default_factory=list, max_length=30, description="What was agreed, each with an owner and a due day."
    )


class ConversationUpdate(InputModel):
    """Fields to change; omitted fields keep their value. Follow-ups are marked done on their own."""

    type_key: str | None = Field(None, max_length=TYPE_KEY_MAX_LENGTH, description=_TYPE)
    held_on: date | None = Field(None, description="The day it was held; not in the future.")
    participants: list[ParticipantRole] | None = Field(None, min_length=1, max_length=20, description=_PARTICIPANTS)
    topics: list[Topic] | None = Field(None, max_length=20, description=_TOPICS)
    data_looked_at: list[DataLabel] | None = Field(None, max_length=50, description=_DATA)
    notes: Notes | None = Field(None, description=_NOTES)


class FollowUpComplete(InputModel):
    """That an agreed follow-up is done."""

    done_on: date = Field(description="The day it was done: from the conversation up to today.")
    note: Description | None = Field(None, description="How it was done, if worth keeping.")


class FollowUpRead(ReadModel):
    """A follow-up agreed in a conversation. Its ETag (`version`) is what marking it done sends in If-Match."""

    id: uuid.UUID = Field(description="The follow-up's id.")
    conversation_id: uuid.UUID = Field(description="The conversation it was agreed in.")
    provider_id: uuid.UUID = Field(description="The provider.")
    description: str = Field(description="What was agreed.")
    owner_role: ParticipantRole | None = Field(description="Who owns it, by role; null when a user owns it.")
    owner_user_id: uuid.UUID | None = Field(description="Who owns it, as a user; null when a role owns it.")
    due_on: date = Field(description="When it should be done.")
    status: FollowUpStatus = Field(description=_STATUS)
    done_on: date | None = Field(description="The day it was done.")
    done_by: str | None = Field(description="Who marked it done.")
    done_note: str | None = Field(description="How it was done.")
    created_at: datetime = Field(description="When it was recorded.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The owner's role in Danish, for display; null when a user owns it.")  # type: ignore[prop-decorator]
    @property
    def owner_role_label(self) -> str | None:
        return self.owner_role.label_da if self.owner_role else None


class ConversationRead(ReadModel):
    """A recorded conversation of the continuous supervision, with everything agreed in it."""

    id: uuid.UUID = Field(description="The conversation's id.")
    provider_id: uuid.UUID = Field(description="The provider.")
    type_key: str = Field(description="The conversation type's key.")
    type_label: str = Field(description="The type's Danish name in the policy in force on `held_on`.")
    held_on: date = Field(description="The day it was held.")
    participants: list[ParticipantRole] = Field(description=_PARTICIPANTS)
    topics: list[str] = Field(description="What was talked about.")
    data_looked_at: list[str] = Field(description="The data looked at.")
    notes: str | None = Field(description="Notes from the conversation.")
    recorded_by: str = Field(description="Who recorded it.")
    follow_ups: list[FollowUpRead] = Field(description="What was agreed, soonest due first.")
    created_at: datetime = Field(description="When it was recorded.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class ConversationPage(ReadModel):
    """A page of a provider's conversations, newest first."""

    items: list[ConversationRead] = Field(description="The conversations.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class EvidenceConversation(ReadModel):
    """A conversation of the continuous supervision since the previous visit, with what was still open."""

    id: uuid.UUID = Field(description="The conversation's id.")
    type_key: str = Field(description="The conversation type's key, e.g. `learning_conversation`.")
    type_label: str = Field(description="The type's Danish name, e.g. `læringssamtale`.")
    held_on: date = Field(description="The day it was held.")
    participants: list[ParticipantRole] = Field(description="Who took part, by role.")
    topics: list[str] = Field(description="What was talked about.")
    data_looked_at: list[str] = Field(description="The data looked at.")
    notes: str | None = Field(description="Notes from the conversation.")
    open_follow_ups: list[FollowUpRead] = Field(
        description="What was agreed and still open on the day of the visit (today for a visit not yet held)."
    )
