"""The provider's own observations, and how they sit beside the supervisor's in a visit's dialogue and evidence."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from api.schemas.visit import Score
from domain.access import Role
from domain.own_observations import DIFFERENCE_THRESHOLD, ObservationSource

Notes = Annotated[str, StringConstraints(min_length=1, max_length=5000)]
_SOURCE = (
    "Who made the observation: "
    + "; ".join(f"`{s.value}` = {s.label_da}" for s in ObservationSource)
    + ". Own observations are always `provider`: they are shown beside the supervisor's, never counted."
)
_ROLE = "The role of whoever recorded it (`leader` or `staff`); no name is ever shown beside a score."


class OwnObservationCreate(InputModel):
    """An observation the provider's leader or staff made themselves, with the municipality's instrument."""

    observed_on: date = Field(description="The day of the observation; not in the future.")
    unit_id: uuid.UUID | None = Field(None, description="The unit observed (an active unit of the provider), or null.")
    instrument_id: uuid.UUID | None = Field(
        None,
        description="The instrument version observed with; omit it for the municipality's current instrument (the "
        "version imported last). Use the visit's instrument to be compared with the supervisor's.",
    )
    scores: dict[str, Score] = Field(
        default_factory=dict, description="Score per item key of the instrument; null means not observed."
    )
    notes: Notes | None = Field(None, description="What was observed, in words (at most 5000 characters).")


class OwnObservationRead(ReadModel):
    """One of the provider's own observations."""

    id: uuid.UUID = Field(description="The own observation's id.")
    provider_id: uuid.UUID = Field(description="The provider observed.")
    unit_id: uuid.UUID | None = Field(description="The unit observed, or null for the provider as a whole.")
    instrument_id: uuid.UUID = Field(description="The instrument version observed with.")
    observed_on: date = Field(description="The day of the observation.")
    scores: dict[str, int | None] = Field(description="Score per item key; null means not observed.")
    notes: str | None = Field(description="What was observed, in words.")
    recorded_by: str = Field(description="The id of the account that recorded it.")
    recorded_by_role: Role = Field(description=_ROLE)
    created_at: datetime = Field(description="When it was recorded here.")

    @computed_field(description=_SOURCE)  # type: ignore[prop-decorator]
    @property
    def source(self) -> Literal[ObservationSource.PROVIDER]:
        return ObservationSource.PROVIDER


class OwnObservationPage(ReadModel):
    """One page of a provider's own observations, newest first."""

    items: list[OwnObservationRead] = Field(description="The own observations on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class OwnObservationBeside(ReadModel):
    """An own observation as a visit's dialogue and evidence list it: by role, never by name."""

    id: uuid.UUID = Field(description="The own observation's id.")
    source: Literal[ObservationSource.PROVIDER] = Field(description=_SOURCE)
    observed_on: date = Field(description="The day of the observation.")
    unit_id: uuid.UUID | None = Field(description="The unit observed, or null for the provider as a whole.")
    instrument_id: uuid.UUID = Field(description="The instrument version observed with.")
    recorded_by_role: Role = Field(description=_ROLE)
    compared: bool = Field(
        description="Whether it is in the comparison: only own observations made with the visit's instrument are."
    )
    notes: str | None = Field(description="What was observed, in words.")


class PartSideBySide(ReadModel):
    """One area or theme as the supervisor and the provider's own observations see it."""

    key: str = Field(description="The area's or theme's key.")
    name: str = Field(description="The area's or theme's name.")
    supervisor_percent: float | None = Field(
        description="The supervisor's percent over the visit's observations (rounded down to 0.1); null if unscored."
    )
    provider_percent: float | None = Field(
        description="The provider's own percent over its compared own observations (rounded down to 0.1)."
    )
    difference: float | None = Field(
        description="`provider_percent - supervisor_percent` in percentage points; null when either is null."
    )
    differs: bool = Field(
        description="True when the two differ by more than `threshold_points`: a theme to talk about."
    )
    supervisor_scored: int = Field(description="How many supervisor scores were pooled.")
    provider_scored: int = Field(description="How many of the provider's own scores were pooled.")


class OwnObservationsSideBySide(ReadModel):
    """The provider's own observations in the period a visit covers, beside the supervisor's; never counted."""

    source: Literal[ObservationSource.PROVIDER] = Field(description=_SOURCE)
    counted: Literal[False] = Field(
        description="Always false: own observations never enter the assessment, band, concern or escalation."
    )
    observed_after: date | None = Field(
        description="Own observations after this day (the previous completed visit to the provider); null: no limit."
    )
    observed_up_to: date | None = Field(
        description="...up to and including this day (the day the visit was held); null for a visit not yet held."
    )
    instrument_id: uuid.UUID | None = Field(description="The visit's instrument version, which the comparison uses.")
    threshold_points: float = Field(
        description=f"A part is flagged when the two percents differ by more than this ({DIFFERENCE_THRESHOLD:g})."
    )
    supervisor_observations: int = Field(description="How many observations the supervisor recorded on the visit.")
    own_observations: list[OwnObservationBeside] = Field(description="The provider's own observations, newest first.")
    areas: list[PartSideBySide] = Field(description="Per area; empty when the visit has no instrument.")
    themes: list[PartSideBySide] = Field(description="Per theme; empty when the visit has no instrument.")


class VisitDialogueView(ReadModel):
    """The dialogue during a visit, with the provider's own observations beside the supervisor's to prepare it."""

    visit_id: uuid.UUID = Field(description="The visit.")
    provider_id: uuid.UUID = Field(description="The provider visited.")
    held_on: date | None = Field(description="When the dialogue with leader and staff was held; null until then.")
    participants: list[str] = Field(description="Who took part in that dialogue.")
    summary: str | None = Field(description="What the dialogue was about.")
    side_by_side: OwnObservationsSideBySide = Field(
        description="Where the provider and the supervisor see an area or theme differently is the conversation."
    )
