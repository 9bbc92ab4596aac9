"""Visits, their observations and dialogue, the assessments and escalation a completed visit gives, and the
impartiality declarations that decide who may conduct a visit."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field
from pydantic.types import StrictInt

from api.schemas.common import InputModel, Name, ReadModel, Reason
from domain.compliance import DataSource
from domain.cycle import VisitKind
from domain.escalation import ActionKind, EscalationState
from domain.policy import ConcernLevel
from domain.states import VisitStatus


class Relation(StrEnum):
    """A person's tie to a provider that rules out supervising it."""

    LEADER = "leader"  # dagtilbudsleder there
    STAFF = "staff"  # medarbejder there
    CONFLICT = "conflict"  # a declared conflict of interest (inhabilitet)


_KIND = "Kind of visit: " + "; ".join(f"`{k.value}` = {k.label_da}" for k in VisitKind) + "."
_CONCERN = "Concern level: " + "; ".join(f"`{c.value}` = {c.label_da}" for c in ConcernLevel) + "."
_STATE = "Escalation state: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in EscalationState) + "."
_ACTION = "What must be done: " + "; ".join(f"`{a.value}` = {a.label_da}" for a in ActionKind) + "."
_DATA = (
    "The data the visit drew on (the data duty of the law), each at most once: "
    + "; ".join(f"`{d.value}` = {d.label_da}" for d in DataSource)
    + ". Under the law until 2024 a visit shows the provider's earlier reports, earlier dialogue and any earlier"
    " intensified supervision or action plan among them; from 2025 any relevant data counts."
)
_CURRICULUM = "The visit started from the pedagogical foundation of the læreplan, as the law asks."
_RELATION = "`leader` or `staff` at the provider, or `conflict` for a declared conflict of interest."
Text = Annotated[str, StringConstraints(min_length=1, max_length=20000)]
Strength = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Score = StrictInt | None


class VisitCreate(InputModel):
    """A visit to plan. An announced visit needs an instrument: it is the systematic observation."""

    provider_id: uuid.UUID = Field(description="The provider to visit; it must be active.")
    kind: VisitKind = Field(description=_KIND)
    planned_on: date = Field(description="The day the visit is planned for.")
    unit_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Active units of the provider to visit; empty means the provider as a whole."
    )
    supervisor_id: uuid.UUID = Field(
        description="The supervisor: an active supervisor or admin, impartial (uvildig) towards the provider."
    )
    co_observer_id: uuid.UUID | None = Field(None, description="A second observer, also active and impartial.")
    instrument_id: uuid.UUID | None = Field(
        None, description="The observation instrument version; required for an announced visit."
    )
    notes: Text | None = Field(None, description="The supervisor's preparation notes.")
    data_sources: list[DataSource] = Field(default_factory=list, description=_DATA)
    based_on_curriculum: bool = Field(False, description=_CURRICULUM)


class VisitUpdate(InputModel):
    """Fields to change while the visit is planned; omitted fields keep their value."""

    planned_on: date | None = Field(None, description="The day the visit is planned for.")
    unit_ids: list[uuid.UUID] | None = Field(None, description="Active units of the provider to visit.")
    supervisor_id: uuid.UUID | None = Field(None, description="The supervisor; checked for impartiality again.")
    co_observer_id: uuid.UUID | None = Field(None, description="The second observer; null removes them.")
    instrument_id: uuid.UUID | None = Field(None, description="The instrument version; announced visits need one.")
    notes: Text | None = Field(None, description="The supervisor's notes; null removes them.")
    strengths: list[Strength] | None = Field(None, description="Strengths seen so far, for the report.")
    data_sources: list[DataSource] | None = Field(None, description=_DATA + " Replaces the list recorded before.")
    based_on_curriculum: bool | None = Field(None, description=_CURRICULUM)


class Cancellation(InputModel):
    """Cancelling a planned visit."""

    reason: Reason = Field(description="Why the visit is cancelled.")


class VisitRead(ReadModel):
    """A supervision visit (tilsynsbesøg)."""

    id: uuid.UUID = Field(description="The visit's id.")
    municipality_id: uuid.UUID = Field(description="The municipality that supervises.")
    provider_id: uuid.UUID = Field(description="The provider visited.")
    kind: VisitKind = Field(description=_KIND)
    status: VisitStatus = Field(description="`planned`, `completed` or `cancelled`.")
    planned_on: date = Field(description="The day the visit was planned for.")
    held_on: date | None = Field(description="The day it was held; set on completion.")
    unit_ids: list[uuid.UUID] = Field(description="The units visited; empty means the provider as a whole.")
    supervisor_id: uuid.UUID = Field(description="The supervisor who conducts the visit.")
    co_observer_id: uuid.UUID | None = Field(description="The second observer, if any.")
    instrument_id: uuid.UUID | None = Field(description="The observation instrument version, if any.")
    dialogue_held_on: date | None = Field(
        description="When the dialogue with leader and staff during the visit was held."
    )
    dialogue_participants: list[str] = Field(description="Who took part in that dialogue.")
    dialogue_summary: str | None = Field(description="What the dialogue was about.")
    notes: str | None = Field(description="The supervisor's notes.")
    concern_level: ConcernLevel | None = Field(
        description="The concern level the supervisor set on completion, if any."
    )
    concern_justification: str | None = Field(
        description="Why concern was raised above what the score implies; the report shows it."
    )
    strengths: list[str] = Field(description="Strengths seen, for the report.")
    data_sources: list[DataSource] = Field(description=_DATA)
    based_on_curriculum: bool = Field(description=_CURRICULUM)
    completed_at: datetime | None = Field(description="When the visit was completed.")
    cancelled_reason: str | None = Field(description="Why it was cancelled, if cancelled.")
    policy_version_number: int | None = Field(description="The policy version the assessment used (0 = default).")
    created_at: datetime = Field(description="When the visit was planned here.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The kind in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return self.kind.label_da


class VisitPage(ReadModel):
    """One page of visits, by planned date."""

    items: list[VisitRead] = Field(description="The visits on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ObservationCreate(InputModel):
    """A systematic observation: item scores against the visit's instrument, and notes."""

    unit_id: uuid.UUID | None = Field(None, description="The unit observed (one of the visit's units), or null.")
    scores: dict[str, Score] = Field(
        default_factory=dict, description="Score per item key; null means not observed. Only with an instrument."
    )
    notes: Text | None = Field(None, description="What was observed, in words.")


class ObservationRead(ReadModel):
    """One observation made during a visit."""

    id: uuid.UUID = Field(description="The observation's id.")
    visit_id: uuid.UUID = Field(description="The visit it was made during.")
    unit_id: uuid.UUID | None = Field(description="The unit observed, or null for the provider as a whole.")
    scores: dict[str, int | None] = Field(description="Score per item key; null means not observed.")
    notes: str | None = Field(description="What was observed, in words.")
    observed_by: str = Field(description="Who recorded it.")
    created_at: datetime = Field(description="When it was recorded.")


class ObservationList(ReadModel):
    """The observations of a visit, oldest first."""

    items: list[ObservationRead] = Field(description="The observations.")


class Dialogue(InputModel):
    """The dialogue with leader and staff during the visit."""

    held_on: date = Field(description="The day of the dialogue.")
    participants: list[Name] = Field(min_length=1, description="Who took part, e.g. names and roles.")
    summary: Text = Field(description="What was discussed.")


class Completion(InputModel):
    """Completing a visit: the day it was held and the supervisor's judgement."""

    held_on: date = Field(description="The day the visit was held; not in the future.")
    concern: ConcernLevel | None = Field(
        None, description=_CONCERN + " Omit it to keep the level the score implies; it can be raised, never lowered."
    )
    justification: str | None = Field(
        None, max_length=5000, description="Required to raise concern above the score's level; the report shows it."
    )
    strengths: list[Strength] | None = Field(None, description="Strengths seen; replaces those recorded before.")
    data_sources: list[DataSource] | None = Field(
        None, description=_DATA + " Omit it to keep the list recorded while planning."
    )
    based_on_curriculum: bool | None = Field(None, description=_CURRICULUM + " Omit it to keep the recorded value.")


class PartRead(ReadModel):
    """The percent of one area or theme over its scored items."""

    key: str = Field(description="The area's or theme's key.")
    name: str = Field(description="The area's or theme's name.")
    percent: float | None = Field(description="Percent over the scored items (rounded down to 0.1); null if none.")
    scored: int = Field(description="How many scores were pooled.")
    total: int = Field(description="How many items the part has.")


class AssessmentParts(ReadModel):
    """The result per area and theme, and the items no observation scored."""

    areas: list[PartRead] = Field(default_factory=list, description="Per area of the instrument.")
    themes: list[PartRead] = Field(default_factory=list, description="Per theme of the instrument.")
    unscored: list[str] = Field(default_factory=list, description="Item keys that no observation scored.")


class AssessmentRead(ReadModel):
    """The assessment of a completed visit, for the provider (no unit) or one unit. Never changed."""

    id: uuid.UUID = Field(description="The assessment's id.")
    visit_id: uuid.UUID = Field(description="The visit it comes from.")
    provider_id: uuid.UUID = Field(description="The provider assessed.")
    unit_id: uuid.UUID | None = Field(description="The unit assessed; null for the provider as a whole.")
    assessed_on: date = Field(description="The day of the visit.")
    percent: float | None = Field(
        description="Total percent, rounded down to 0.1; null without an instrument or with too few items scored."
    )
    coverage: float | None = Field(description="Share of the instrument's items that were scored (0-1).")
    insufficient_observation: bool = Field(description="Too few items were scored for a total percent.")
    band_key: str | None = Field(description="The quality band (udviklingsperspektiv), e.g. `good`; null without one.")
    band_label: str | None = Field(description="The band in Danish, e.g. `god`.")
    concern_from_score: ConcernLevel | None = Field(description="The concern the band alone implies.")
    concern: ConcernLevel = Field(description=_CONCERN + " This level drives escalation.")
    justification: str | None = Field(description="Why concern is above what the score implies; shown in the report.")
    parts: AssessmentParts = Field(description="Per area and theme.")
    policy_version_number: int = Field(description="The policy version the assessment used (0 = default).")
    created_at: datetime = Field(description="When it was computed.")

    @computed_field(description="The concern level in Danish.")  # type: ignore[prop-decorator]
    @property
    def concern_label(self) -> str:
        return self.concern.label_da


class AssessmentList(ReadModel):
    """The assessments of one visit: the provider's first, then each unit's."""

    items: list[AssessmentRead] = Field(description="The assessments.")


class AssessmentPage(ReadModel):
    """One page of a provider's assessments, newest first."""

    items: list[AssessmentRead] = Field(description="The assessments on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class ActionRead(ReadModel):
    """Something the escalation decision requires, by a date, with the paragraph behind it."""

    kind: ActionKind = Field(description=_ACTION)
    label_da: str = Field(description="The action in Danish.")
    due_on: date = Field(description="The last day it is in time.")
    legal_reference: str = Field(
        description="The paragraph it rests on, as numbered in the law in force on the day of the assessment."
    )
    reason: str = Field(description="Why it is required, in plain words.")
    done_on: date | None = Field(
        None, description="When it was done: starting intensified supervision is done by the completion itself."
    )


class EscalationRead(ReadModel):
    """What the completed visit means on the escalation ladder and what must happen now."""

    previous_state: EscalationState = Field(description=_STATE + " Before this visit.")
    state: EscalationState = Field(description=_STATE + " After this visit.")
    state_label: str = Field(description="The state after this visit, in Danish.")
    concern: ConcernLevel = Field(
        description=_CONCERN + " The most serious at any scope of the visit: the provider as a whole or a unit."
    )
    actions: list[ActionRead] = Field(description="What must be done, and by when.")
    intensified_supervision_id: uuid.UUID | None = Field(
        description="The open intensified supervision of the provider, if there is one."
    )


class VisitCompleted(VisitRead):
    """The completed visit with its assessments and the escalation that follows."""

    assessments: list[AssessmentRead] = Field(description="The provider's assessment first, then each unit's.")
    escalation: EscalationRead = Field(description="The escalation decision.")


class DeclarationCreate(InputModel):
    """A tie between a person and a provider that rules out supervising it."""

    provider_id: uuid.UUID = Field(description="The provider.")
    relation: Relation = Field(description=_RELATION)
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)] = Field(
        description="What the tie is, e.g. `Søster er pædagog i huset`."
    )
    declared_on: date = Field(description="The day it was declared.")


class DeclarationRead(ReadModel):
    """A recorded tie between a person and a provider."""

    id: uuid.UUID = Field(description="The declaration's id.")
    user_id: uuid.UUID = Field(description="The person.")
    provider_id: uuid.UUID = Field(description="The provider.")
    relation: Relation = Field(description=_RELATION)
    reason: str = Field(description="What the tie is.")
    declared_on: date = Field(description="The day it was declared.")
    created_at: datetime = Field(description="When it was recorded.")


class DeclarationList(ReadModel):
    """A person's declared ties, by provider."""

    items: list[DeclarationRead] = Field(description="The declarations.")
