"""Concern notices (bekymringshenvendelser) as the API accepts and shows them."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, Name, ReadModel
from domain.states import ConcernStatus, TriageOutcome

Text = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
Contact = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ConcernSource(StrEnum):
    """Who the concern came from, as a kind (who exactly is in `reporter_name`, for the supervision only)."""

    PARENT = "parent"
    STAFF = "staff"
    PARTNER = "partner"
    ANONYMOUS = "anonymous"
    OTHER = "other"

    @property
    def label_da(self) -> str:
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    ConcernSource.PARENT: "forælder",
    ConcernSource.STAFF: "medarbejder",
    ConcernSource.PARTNER: "samarbejdspartner",
    ConcernSource.ANONYMOUS: "anonym",
    ConcernSource.OTHER: "anden",
}


_SOURCE = "Who it came from: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in ConcernSource) + "."
_STATUS = "Status: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in ConcernStatus) + "."


class ConcernNoticeCreate(InputModel):
    """A concern about a provider's learning environment or other circumstances, as received."""

    provider_id: uuid.UUID = Field(description="The provider the concern is about.")
    received_on: date = Field(description="The day the concern was received; not in the future.")
    source: ConcernSource = Field(description=_SOURCE)
    reporter_name: Name | None = Field(
        None, description="Who reported it. Personal data: shown only to the administration and supervisors."
    )
    reporter_contact: Contact | None = Field(
        None, description="How to reach the reporter (phone, e-mail). Shown only to the administration and supervisors."
    )
    summary: Text = Field(description="What the concern is about, without naming children.")


class Triage(InputModel):
    """The supervision's first assessment of a concern notice."""

    status: TriageOutcome = Field(description="`triaged` to take it forward, `dismissed` for no further action.")
    note: Text = Field(description="The assessment and its grounds.")


class LinkVisit(InputModel):
    """The unannounced visit planned because of the concern."""

    visit_id: uuid.UUID = Field(description="An unannounced visit to the same provider.")


class ConcernNoticeRead(ReadModel):
    """A concern notice. Who reported it is shown only to the administration and supervisors."""

    id: uuid.UUID = Field(description="The notice's id.")
    provider_id: uuid.UUID = Field(description="The provider the concern is about.")
    received_on: date = Field(description="The day it was received.")
    source: ConcernSource = Field(description=_SOURCE)
    reporter_name: str | None = Field(description="Who reported it; null when not known or not yours to see.")
    reporter_contact: str | None = Field(description="How to reach the reporter; null when not known or not yours.")
    reporter_hidden: bool = Field(description="True when who reported is withheld from you (your role may not see it).")
    summary: str = Field(description="What the concern is about.")
    status: ConcernStatus = Field(description=_STATUS)
    triage_note: str | None = Field(description="The triage assessment, once triaged or dismissed.")
    visit_id: uuid.UUID | None = Field(
        description="The unannounced visit planned because of it; hidden from the provider's own people until held."
    )
    created_at: datetime = Field(description="When it was registered here.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class ConcernNoticePage(ReadModel):
    """One page of concern notices, newest received first."""

    items: list[ConcernNoticeRead] = Field(description="The notices on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
