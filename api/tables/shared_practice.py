"""Shared practice: models of a policy or local instrument a member shares with its network, and drafts of a policy.

The rules (kinds, states, the comparison) are `domain.shared_practice`; these tables only hold the facts.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field


class SharedModel(Versioned, SQLModel, table=True):
    """A member's policy or instrument version shared with a network as a model: a snapshot, copied on `shared_on`.

    `municipality_id` is the sharing municipality (it agreed to be named by sharing); `source_id` is the shared
    `policy_version` or `instrument_version` (by `kind`), `source_label` its number or `key version` as shown.
    """

    __tablename__ = "shared_model"
    # "the models listed in a network" reads the network's shared ones.
    __table_args__ = (Index("ix_shared_model_network_state", "network_id", "state"),)

    id: uuid.UUID = id_field()
    network_id: uuid.UUID = Field(foreign_key="network.id")
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    kind: str = Field(max_length=20)
    source_id: uuid.UUID
    source_label: str = Field(max_length=100)
    title: str = Field(max_length=200)
    note: str | None = Field(default=None, sa_column=Column(Text))
    content: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(max_length=20)
    shared_on: date
    withdrawn_on: date | None = None
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class PolicyDraft(Versioned, SQLModel, table=True):
    """A draft of a municipality's policy (`domain.shared_practice.PolicyDraftState`): never in force.

    Adopted from a shared model, it records the source: the network, the sharing municipality, the model and the
    shared version's number. Publishing it saves the next `policy_version` and keeps that number here.
    """

    __tablename__ = "policy_draft"

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    state: str = Field(max_length=20)
    document: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    note: str | None = Field(default=None, max_length=1000)
    source_network_id: uuid.UUID | None = Field(default=None, foreign_key="network.id")
    source_municipality_id: uuid.UUID | None = Field(default=None, foreign_key="municipality.id")
    source_model_id: uuid.UUID | None = Field(default=None, foreign_key="shared_model.id")
    source_version: int | None = None
    published_version: int | None = None
    created_by: str = Field(max_length=200)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()
