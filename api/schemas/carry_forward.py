"""Read models of re-visits that carry forward (domain.carry_forward): what the visit before flagged for this one,
why, and once this visit is completed, before against after."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, Field

from domain.carry_forward import Level, Outcome, ReasonKind
from domain.providers import UnitKind
from domain.states import VisitStatus

_REASON = (
    "Why: `weak` = its percent was in a band of concern at the earlier visit; `lowest_items` = items of it were "
    "scored at the lowest level; `recommendation` = an open recommendation names it; `action_plan` = an action plan "
    "not yet completed names it."
)
_OUTCOME = "How it went: " + "; ".join(f"`{o.value}` = {o.label_da}" for o in Outcome) + "."
_HIDDEN = " Null where a dagplejer's result may not be shown to you."


class CarriedReasonRead(BaseModel):
    """One reason a part is carried forward."""

    kind: ReasonKind = Field(description=_REASON)
    text_da: str = Field(description="The reason in Danish, as the report prints it.")
    on: date | None = Field(description="The day of the earlier visit, or of the recommendation's visit or the plan.")
    visit_id: uuid.UUID | None = Field(description="The earlier visit, for `weak` and `lowest_items`.")
    percent: float | None = Field(description="For `weak`: the percent at the earlier visit." + _HIDDEN)
    reference_id: uuid.UUID | None = Field(description="The recommendation or the action plan that names it.")
    items: list[str] = Field(description="For `lowest_items`: the item keys scored at the lowest level.")


class CarriedPartRead(BaseModel):
    """An area or theme carried forward to this visit; once it is completed, with this visit's result beside."""

    key: str = Field(description="The area's or theme's key in the instrument.")
    name: str = Field(description="The area's or theme's name.")
    level: Level = Field(description="`area` or `theme`.")
    area_key: str | None = Field(description="For a theme: its area's key, where known.")
    reasons: list[CarriedReasonRead] = Field(description="Why it is carried forward.")
    before_visit_id: uuid.UUID | None = Field(description="The earlier visit its earlier result is from.")
    before_on: date | None = Field(description="The day of that visit.")
    before_percent: float | None = Field(description="Its percent then; null without one." + _HIDDEN)
    before_band_label_da: str | None = Field(description="Its band then, in Danish." + _HIDDEN)
    after_percent: float | None = Field(description="Its percent at this visit, once completed." + _HIDDEN)
    after_band_label_da: str | None = Field(description="Its band at this visit, in Danish." + _HIDDEN)
    change: float | None = Field(description="After minus before, in percentage points." + _HIDDEN)
    outcome: Outcome | None = Field(description=_OUTCOME + " Null until the visit is completed.")
    outcome_label_da: str | None = Field(description="The outcome in Danish.")


class CarriedScopeRead(BaseModel):
    """What is carried forward for the provider as a whole, or for one unit (a unit's themes follow the unit)."""

    unit_id: uuid.UUID | None = Field(description="The unit; null for the provider as a whole.")
    unit_kind: UnitKind | None = Field(description="The unit's kind; a dagplejer's unit is never named here.")
    parts: list[CarriedPartRead] = Field(description="The areas first, then the themes, in instrument order.")


class ObservationItemRead(BaseModel):
    """An item of the visit's instrument in the order to observe it: carried-forward ones first."""

    key: str = Field(description="The item's key.")
    theme_key: str = Field(description="Its theme's key.")
    area_key: str = Field(description="Its area's key.")
    carried_forward: bool = Field(description="Its theme or area is carried forward: re-score it at this visit.")
    lowest_before: bool = Field(description="It was scored at the lowest level at the earlier visit.")


class CarriedForward(BaseModel):
    """What the provider's visit before flagged for this visit, and why: earlier findings feed the next visit. For a
    visit not yet completed it is computed now; for a completed one it is what was recorded when it was completed,
    with the before/after."""

    visit_id: uuid.UUID = Field(description="The visit.")
    provider_id: uuid.UUID = Field(description="The provider visited.")
    status: VisitStatus = Field(description="The visit's status.")
    recorded: bool = Field(description="True for a completed visit: the flags and results were stored at completion.")
    scopes: list[CarriedScopeRead] = Field(description="The provider's scope first, then each unit's with flags.")
    observation_order: list[ObservationItemRead] = Field(
        description="The visit's instrument items, carried-forward ones first (empty without an instrument)."
    )
