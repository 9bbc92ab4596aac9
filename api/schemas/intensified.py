"""Intensified supervision (skærpet tilsyn) as the API shows it, and the administration's decision to end it."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field, computed_field

from api.schemas.action_plan import PlanStatus
from api.schemas.common import InputModel, ReadModel
from domain.escalation import ActionKind, EscalationState
from domain.policy import ConcernLevel

_STATE = (
    "Where the provider stands: "
    + "; ".join(f"`{s.value}` = {s.label_da}" for s in EscalationState if s.is_intensified)
    + "."
)
_CONCERN = "The concern that started it: " + "; ".join(f"`{c.value}` = {c.label_da}" for c in ConcernLevel) + "."
_ACTION = "What must be done: " + "; ".join(f"`{k.value}` = {k.label_da}" for k in ActionKind) + "."


class RequiredActionRead(ReadModel):
    """Something an escalation decision requires, with its deadline and the paragraph behind it."""

    id: uuid.UUID = Field(description="The required action's id.")
    kind: ActionKind = Field(description=_ACTION)
    due_on: date = Field(description="The day it must be done by.")
    legal_reference: str = Field(
        description="The paragraph it rests on, as numbered in the law in force on the day of the decision."
    )
    reason: str = Field(description="Why it is required, in plain words.")
    visit_id: uuid.UUID | None = Field(description="The visit whose assessment required it, if any.")
    done_on: date | None = Field(description="The day it was done; null while it is still open.")

    @computed_field(description="The kind in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return self.kind.label_da

    @computed_field(description="Whether it has been done.")  # type: ignore[prop-decorator]
    @property
    def done(self) -> bool:
        return self.done_on is not None


class CompletedVisit(ReadModel):
    """A visit completed while the provider was under intensified supervision."""

    id: uuid.UUID = Field(description="The visit's id.")
    kind: str = Field(description="`announced`, `unannounced` or `intensified`.")
    held_on: date = Field(description="The day the visit was held.")
    supervisor_id: uuid.UUID = Field(description="The supervisor who led the visit.")


class ActionPlanRef(ReadModel):
    """An action plan made during the intensified supervision."""

    id: uuid.UUID = Field(description="The action plan's id.")
    status: PlanStatus = Field(description="`draft`, `comment`, `approved` or `completed`.")
    due_on: date = Field(description="The day the plan must be approved by.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class IntensifiedRead(ReadModel):
    """One period of intensified supervision of a provider, from the decision that started it to its end."""

    id: uuid.UUID = Field(description="The intensified supervision's id.")
    provider_id: uuid.UUID = Field(description="The provider under intensified supervision.")
    state: EscalationState = Field(description=_STATE)
    concern: ConcernLevel = Field(description=_CONCERN)
    started_on: date = Field(description="The day it started.")
    started_by_visit_id: uuid.UUID | None = Field(description="The visit whose assessment started it, if any.")
    cause_unit_ids: list[uuid.UUID] = Field(
        description="The units (afdelinger, dagplejere) whose own assessment showed concern while it ran, first "
        "the ones that started it; empty when only the provider as a whole did. Ending it needs a new scored "
        "assessment of each of them without concern."
    )
    ended_on: date | None = Field(description="The day the administration ended it; null while it runs.")
    end_grounds: str | None = Field(description="The administration's written grounds for ending it.")
    ended_by: str | None = Field(description="Who in the administration decided to end it.")
    created_at: datetime = Field(description="When it was recorded here.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The state in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def state_label(self) -> str:
        return self.state.label_da

    @computed_field(description="The concern level in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def concern_label(self) -> str:
        return self.concern.label_da

    @computed_field(description="Whether it is still running (not ended).")  # type: ignore[prop-decorator]
    @property
    def open(self) -> bool:
        return self.ended_on is None


class CauseUnit(ReadModel):
    """A unit whose own assessment caused (or raised) the intensified supervision. Internal: never published."""

    id: uuid.UUID = Field(description="The unit's id.")
    name: str = Field(description="The unit's name.")


class IntensifiedDetail(IntensifiedRead):
    """An intensified supervision with what it requires, the visits since it started and its action plans."""

    cause_units: list[CauseUnit] = Field(
        description="The units in `cause_unit_ids`, with their names, in the same order."
    )
    required_actions: list[RequiredActionRead] = Field(
        description="Everything its decisions require, open and done, by due date."
    )
    visits_since_start: list[CompletedVisit] = Field(
        description="Visits completed after the day it started (and before it ended), oldest first."
    )
    next_visit_due: date | None = Field(
        description="When the next visit under intensified supervision is due, by the policy in force today; "
        "null once it has ended."
    )
    action_plans: list[ActionPlanRef] = Field(description="Its action plans (handleplaner), oldest first.")


class IntensifiedPage(ReadModel):
    """One page of intensified supervision periods, newest start first."""

    items: list[IntensifiedRead] = Field(description="The periods on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class IntensifiedEnd(InputModel):
    """The administration's decision to end intensified supervision.

    Every unmet condition is named in one 409, including missing grounds, so the caseworker can fix them all.
    """

    grounds: str | None = Field(
        None,
        max_length=4000,
        description="The written grounds for ending it (at least 20 characters); recorded with the decision.",
    )
