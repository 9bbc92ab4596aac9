"""Conversations of the continuous supervision (løbende tilsyn) with a provider, and the follow-ups agreed in them."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class SupervisionConversation(Versioned, SQLModel, table=True):
    """A conversation between the administration and a provider's leadership: a læringssamtale, sparring, ...

    `type_key` is a conversation type of the policy in force on `held_on` (domain.conversations), and `type_label`
    its Danish name then, so a later policy that renames the type leaves the record as it was. Participants are
    roles (domain.conversations.ParticipantRole), never names.
    """

    __tablename__ = "supervision_conversation"
    __table_args__ = (Index("ix_supervision_conversation_provider_held", "provider_id", "held_on"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id")
    type_key: str = Field(max_length=40)
    type_label: str = Field(max_length=100)
    held_on: date
    participants: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    data_looked_at: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class ConversationFollowUp(Versioned, SQLModel, table=True):
    """Something agreed in a conversation: what, who owns it (a role or a user), by when, and whether it is done."""

    __tablename__ = "conversation_follow_up"
    # /due reads the open follow-ups of the caller's providers.
    __table_args__ = (Index("ix_conversation_follow_up_provider_status", "provider_id", "status"),)

    id: uuid.UUID = id_field()
    conversation_id: uuid.UUID = Field(foreign_key="supervision_conversation.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id")
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner_role: str | None = Field(default=None, max_length=40)
    owner_user_id: uuid.UUID | None = Field(default=None, foreign_key="user_account.id")
    due_on: date
    status: str = Field(default="open", max_length=20)
    done_on: date | None = None
    done_by: str | None = Field(default=None, max_length=200)
    done_note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
