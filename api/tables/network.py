"""Networks of municipalities (KL's development partnership): members, participants, meetings and shared material.

The rules (membership states, limits, the benchmark floor) are `domain.networks`; these tables only hold the
facts. A network belongs to no single tenant: `created_by_municipality_id` says who created it, and what a
municipality may see of it follows from its `network_membership` (see `api.services.networks`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import ClassVar

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import UTCDateTime, Versioned, created_at_field, id_field, updated_at_field, version_field
from domain.networks import DEFAULT_K, DEFAULT_M


class Network(Versioned, SQLModel, table=True):
    """A network of municipalities that meets over a period, with its benchmark thresholds k and m."""

    __tablename__ = "network"

    id: uuid.UUID = id_field()
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_column=Column(Text))
    created_by_municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    k_min_providers: int = Field(default=DEFAULT_K)
    m_min_municipalities: int = Field(default=DEFAULT_M)
    starts_on: date | None = None
    ends_on: date | None = None
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class NetworkMembership(Versioned, SQLModel, table=True):
    """One municipality's place in one network (`domain.networks.MembershipStatus`), one row per pair.

    `named_beside_figures` is the member's consent to its name appearing beside its figures in benchmarks.
    """

    __tablename__ = "network_membership"
    # An invitation is written by the inviting municipality's admin: its audit event belongs to the inviter's trail,
    # never to the invited municipality's (which would show it a person of another municipality).
    audited_in_actors_municipality: ClassVar[bool] = True
    # The unique pair serves "the members of a network"; the index serves "the networks of a municipality".
    __table_args__ = (
        UniqueConstraint("network_id", "municipality_id"),
        Index("ix_network_membership_municipality_status", "municipality_id", "status"),
    )

    id: uuid.UUID = id_field()
    network_id: uuid.UUID = Field(foreign_key="network.id")
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id")
    status: str = Field(max_length=20)
    invited_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    named_beside_figures: bool = Field(default=False)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class NetworkParticipant(SQLModel, table=True):
    """A user a member municipality names as its participant in the network (`domain.networks.NetworkRole`)."""

    __tablename__ = "network_participant"
    __table_args__ = (UniqueConstraint("membership_id", "user_id"),)

    id: uuid.UUID = id_field()
    membership_id: uuid.UUID = Field(foreign_key="network_membership.id")
    user_id: uuid.UUID = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=20)
    created_at: datetime = created_at_field()


class NetworkMeeting(Versioned, SQLModel, table=True):
    """A meeting of the network: the day, a title, the agenda and the notes the members share."""

    __tablename__ = "network_meeting"
    __table_args__ = (Index("ix_network_meeting_network_held", "network_id", "held_on"),)

    id: uuid.UUID = id_field()
    network_id: uuid.UUID = Field(foreign_key="network.id")
    held_on: date
    title: str = Field(max_length=200)
    agenda: str | None = Field(default=None, sa_column=Column(Text))
    notes: str | None = Field(default=None, sa_column=Column(Text))
    created_by_municipality_id: uuid.UUID = Field(foreign_key="municipality.id")
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class NetworkMaterial(SQLModel, table=True):
    """Material a member shares with the network: a document's text, a link, or a note (`MaterialKind`)."""

    __tablename__ = "network_material"
    __table_args__ = (Index("ix_network_material_network_created", "network_id", "created_at"),)

    id: uuid.UUID = id_field()
    network_id: uuid.UUID = Field(foreign_key="network.id")
    shared_by_municipality_id: uuid.UUID = Field(foreign_key="municipality.id")
    title: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    body: str | None = Field(default=None, sa_column=Column(Text))
    link: str | None = Field(default=None, max_length=2083)
    created_at: datetime = created_at_field()
