"""Networks of municipalities (KL's development partnership): the network, its members, participants, meetings and
material. No person of another municipality is ever named: participants are listed for one's own municipality only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, HttpUrl, StringConstraints

from api.schemas.common import InputModel, Kommunekode, Name, ReadModel
from domain.networks import (
    DEFAULT_K,
    DEFAULT_M,
    FLOOR_K,
    FLOOR_M,
    MAX_PARTICIPANTS,
    MaterialKind,
    MembershipStatus,
    NetworkRole,
)

Description = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]

_STATUS = "; ".join(f"`{s.value}` = {s.label_da}" for s in MembershipStatus)
_K = f"The least number of providers any benchmark figure rests on: default {DEFAULT_K}, never below {FLOOR_K}."
_M = f"The least number of municipalities any benchmark figure rests on: default {DEFAULT_M}, never below {FLOOR_M}."
_NAMED = "Whether this municipality agrees to its name appearing beside its own figures in the network's benchmarks."
_NOTES = "Notes shared with the network. Never a child's name, and no person of another municipality."
_VERSION = "Changes with every update; the same value as the ETag header."


class NetworkCreate(InputModel):
    """A new network. The creating municipality becomes its first member; others join by invitation."""

    name: Name = Field(description="The network's name, e.g. 'KL-netværk Syd 2027'.")
    description: Description | None = Field(None, description="What the network is about.")
    k_min_providers: int = Field(DEFAULT_K, le=10_000, description=_K)
    m_min_municipalities: int = Field(DEFAULT_M, le=100, description=_M)
    starts_on: date | None = Field(None, description="The day the network starts (the self-assessment is before).")
    ends_on: date | None = Field(None, description="The day it ends; on or after `starts_on`.")
    named_beside_figures: bool = Field(False, description=_NAMED)


class NetworkUpdate(InputModel):
    """Fields to change; omitted fields keep their value. Only the creating municipality's admin changes these."""

    name: Name | None = Field(None, description="The network's name.")
    description: Description | None = Field(None, description="What the network is about.")
    k_min_providers: int | None = Field(None, le=10_000, description=_K)
    m_min_municipalities: int | None = Field(None, le=100, description=_M)
    starts_on: date | None = Field(None, description="The day the network starts.")
    ends_on: date | None = Field(None, description="The day it ends; on or after `starts_on`.")


class NetworkRead(ReadModel):
    """A network, as the caller's municipality sees it."""

    id: uuid.UUID = Field(description="The network's id.")
    name: str = Field(description="The network's name.")
    description: str | None = Field(description="What the network is about.")
    created_by_municipality_id: uuid.UUID = Field(description="The municipality that created it.")
    k_min_providers: int = Field(description=_K)
    m_min_municipalities: int = Field(description=_M)
    starts_on: date | None = Field(description="The day the network starts.")
    ends_on: date | None = Field(description="The day it ends.")
    my_status: MembershipStatus | None = Field(
        description=f"The caller's municipality's membership: {_STATUS}; null for the creator that is no member."
    )
    created_at: datetime = Field(description="When it was created.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description=_VERSION)


class NetworkList(ReadModel):
    """The networks the caller's municipality is a member of or invited to (a participant: those it takes part in)."""

    items: list[NetworkRead] = Field(description="The networks, by name.")


class InvitationCreate(InputModel):
    """An invitation of a municipality to the network."""

    kommunekode: Kommunekode = Field(description="The invited municipality's kommunekode (three digits).")


class MembershipDecision(InputModel):
    """Accepting an invitation, with the municipality's consent to be named beside its figures."""

    named_beside_figures: bool = Field(False, description=_NAMED)


class MembershipUpdate(InputModel):
    """A member's change of its consent to be named beside its figures."""

    named_beside_figures: bool = Field(description=_NAMED)


class MembershipRead(ReadModel):
    """One municipality's place in the network. Municipalities are public bodies: their names are shown."""

    network_id: uuid.UUID = Field(description="The network.")
    municipality_id: uuid.UUID = Field(description="The municipality.")
    municipality_name: str = Field(description="The municipality's name.")
    kommunekode: str = Field(description="The municipality's kommunekode.")
    status: MembershipStatus = Field(description=_STATUS)
    invited_at: datetime = Field(description="When it was (last) invited.")
    responded_at: datetime | None = Field(description="When it accepted or declined.")
    left_at: datetime | None = Field(description="When it left; its figures stopped flowing then.")
    named_beside_figures: bool = Field(description=_NAMED)
    participants: int = Field(description="How many participants it has named (never who, for another municipality).")
    version: int = Field(description=_VERSION)


class MemberList(ReadModel):
    """The network's members and open invitations, and where it falls short of KL's frame (advice, not refusal)."""

    items: list[MembershipRead] = Field(description="Members and invited municipalities, by name.")
    advice: list[str] = Field(description="KL's frame: 8-12 municipalities, 3-5 participants each; what falls short.")


class ParticipantIn(InputModel):
    """A user of the caller's own municipality named as a participant."""

    user_id: uuid.UUID = Field(description="The user's id; an active admin, supervisor or leader of your municipality.")
    role: NetworkRole = Field(NetworkRole.PARTICIPANT, description="`participant` or `coordinator`.")


class ParticipantsReplace(InputModel):
    """The full list of the municipality's participants; it replaces the previous one."""

    participants: list[ParticipantIn] = Field(
        max_length=MAX_PARTICIPANTS, description=f"At most {MAX_PARTICIPANTS} participants, each once."
    )


class ParticipantRead(ReadModel):
    """A participant of the caller's own municipality."""

    user_id: uuid.UUID = Field(description="The user's id.")
    full_name: str = Field(description="The person's name (shown to their own municipality only).")
    role: NetworkRole = Field(description="`participant` or `coordinator`.")


class ParticipantList(ReadModel):
    """The caller's own municipality's participants in the network."""

    items: list[ParticipantRead] = Field(description="The participants, by name.")


class MeetingCreate(InputModel):
    """A meeting of the network."""

    held_on: date = Field(description="The day of the meeting.")
    title: Name = Field(description="What the meeting is, e.g. 'Netværksmøde 2: systematisk opfølgning'.")
    agenda: Text | None = Field(None, description="The agenda.")
    notes: Text | None = Field(None, description=_NOTES)


class MeetingUpdate(InputModel):
    """Fields to change; omitted fields keep their value."""

    held_on: date | None = Field(None, description="The day of the meeting.")
    title: Name | None = Field(None, description="What the meeting is.")
    agenda: Text | None = Field(None, description="The agenda.")
    notes: Text | None = Field(None, description=_NOTES)


class MeetingRead(ReadModel):
    """A meeting of the network, with its agenda and shared notes."""

    id: uuid.UUID = Field(description="The meeting's id.")
    network_id: uuid.UUID = Field(description="The network.")
    held_on: date = Field(description="The day of the meeting.")
    title: str = Field(description="What the meeting is.")
    agenda: str | None = Field(description="The agenda.")
    notes: str | None = Field(description="The shared notes.")
    created_by_municipality_id: uuid.UUID = Field(description="The municipality that put it in.")
    created_at: datetime = Field(description="When it was put in.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description=_VERSION)


class MeetingList(ReadModel):
    """The network's meetings, soonest first."""

    items: list[MeetingRead] = Field(description="The meetings, by day.")


class MaterialCreate(InputModel):
    """Material shared with the network: a document's text, a link, or a note."""

    title: Name = Field(description="What it is.")
    kind: MaterialKind = Field(description="`document` (text in `body`), `link` (in `link`) or `note`.")
    body: Text | None = Field(None, description="The text. Never a child's name or other personal data.")
    link: HttpUrl | None = Field(None, description="Where the material is, for `link`.")


class MaterialRead(ReadModel):
    """Material a member shared with the network."""

    id: uuid.UUID = Field(description="The material's id.")
    network_id: uuid.UUID = Field(description="The network.")
    shared_by_municipality_id: uuid.UUID = Field(description="The municipality that shared it.")
    shared_by_municipality_name: str = Field(description="Its name.")
    title: str = Field(description="What it is.")
    kind: MaterialKind = Field(description="`document`, `link` or `note`.")
    body: str | None = Field(description="The text.")
    link: str | None = Field(description="The link.")
    created_at: datetime = Field(description="When it was shared.")


class MaterialList(ReadModel):
    """The material shared with the network, newest first."""

    items: list[MaterialRead] = Field(description="The material.")
