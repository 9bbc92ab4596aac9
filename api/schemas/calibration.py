"""Supervisor calibration: each supervisor's judgement beside the others' and the providers' own. Admin only."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from api.schemas.common import ReadModel
from domain.calibration import (
    MINIMUM_ASSESSMENTS,
    MINIMUM_GROUPED_PROVIDERS,
    MINIMUM_REFERENCE,
    THRESHOLD_POINTS,
    ScoringDirection,
)
from domain.providers import ProviderKind

_DIRECTION = "; ".join(f"`{d.value}` = {d.label_da}" for d in ScoringDirection)
COMPARABLE = (
    "Each of the supervisor's assessments is set against the mean percent of the other supervisors' assessments of "
    "comparable providers: the same provider kind and, when the municipality has a socio-economic profile for "
    f"at least {MINIMUM_GROUPED_PROVIDERS} providers, the same socio-economic quartile, used when the others have at "
    f"least {MINIMUM_REFERENCE} assessments there (otherwise the same kind alone; with fewer than "
    f"{MINIMUM_REFERENCE} of the same kind the assessment is not compared)."
)
CO_OBSERVERS = (
    "Agreement between a visit's lead supervisor and its co-observer is not measured: observations record who entered "
    "them by display name only, and a visit's assessment pools them, so the two observers' scores cannot be told apart."
)


class BandCount(ReadModel):
    """How many of the supervisor's assessments fell in one band."""

    band_key: str = Field(description="The band's key, e.g. `god`.")
    label_da: str = Field(description="The band's Danish name.")
    count: int = Field(description="How many of the supervisor's assessments in the period fell in it.")


class KindCalibration(ReadModel):
    """The supervisor's assessments of one provider kind."""

    provider_kind: ProviderKind = Field(description="The provider kind.")
    led: int = Field(description="Assessments of this kind they led.")
    mean_percent: float | None = Field(description="Their mean percent on this kind; null without any percent.")
    compared: int = Field(description="Of these, the assessments compared with the others'.")
    mean_difference: float | None = Field(
        description="Their mean difference from the others on this kind, in percentage points (negative: lower)."
    )


class AreaOwnDifference(ReadModel):
    """One area: the supervisor's percent minus the provider's own observations' percent."""

    key: str = Field(description="The area's key in the instrument.")
    name: str = Field(description="The area's name.")
    visits: int = Field(description="Visits where both the supervisor and the provider's own observations scored it.")
    mean_difference: float = Field(
        description="The mean of (supervisor's percent - the provider's own percent) over those visits, in "
        "percentage points: positive means the supervisor sees the area more favourably than the provider does."
    )


class OwnObservationsCalibration(ReadModel):
    """The supervisor's visits beside the providers' own observations (the comparison of the visit's dialogue)."""

    visits: int = Field(description="The supervisor's visits with own observations of the same instrument to compare.")
    areas: list[AreaOwnDifference] = Field(description="Per area, in the instrument's order.")


class SupervisorCalibration(ReadModel):
    """One supervisor who led assessed visits in the period."""

    user_id: uuid.UUID = Field(description="The supervisor's user id.")
    name: str = Field(description="The supervisor's name (shown to the administration only, and only here).")
    led: int = Field(description="Provider-level assessments of completed visits they led in the period.")
    with_percent: int = Field(description="Of those, the ones with a percent (the rest had too little observation).")
    mean_percent: float | None = Field(description="The mean percent of their assessments; null without any.")
    bands: list[BandCount] = Field(description="Their assessments per band, the policy's highest band first.")
    compared: int = Field(description="Their assessments with a reference among comparable providers.")
    compared_by_quartile: int = Field(
        description="Of those, the ones compared within the same kind and socio-economic quartile."
    )
    mean_difference: float | None = Field(
        description="Their mean difference from the others on comparable providers, in percentage points "
        "(their percent minus the others' mean, averaged over their compared assessments; negative: they score "
        "lower). Null when nothing could be compared."
    )
    spread: float | None = Field(
        description="The standard deviation of those per-assessment differences, in percentage points; null below two."
    )
    flagged: bool = Field(
        description=f"True when the mean difference is more than {THRESHOLD_POINTS:g} points either way and rests "
        f"on at least {MINIMUM_ASSESSMENTS} compared assessments."
    )
    direction: ScoringDirection | None = Field(description=f"Which way a flagged supervisor differs: {_DIRECTION}.")
    by_kind: list[KindCalibration] = Field(description="The same per provider kind.")
    co_observed_visits: int = Field(description="Visits in the period where they were the co-observer.")
    own_observations: OwnObservationsCalibration = Field(
        description="Their visits beside the providers' own observations, per area."
    )


class CalibrationRead(ReadModel):
    """How each supervisor's scores compare with the others' on comparable providers, and with the providers' own
    observations. For the administration only: consistent judgement is part of impartiality."""

    assessed_from: date = Field(description="The first day of the period (visits held on or after it).")
    assessed_to: date = Field(description="The last day of the period (visits held on or before it).")
    provider_kind: ProviderKind | None = Field(description="The provider kind read, or null for every kind.")
    comparable: str = Field(description="What comparable providers means here, in plain words.")
    grouped_by_socio_economic_quartile: bool = Field(
        description="Whether providers were grouped by socio-economic quartile (enough profiles were recorded)."
    )
    threshold_points: float = Field(description="A supervisor is flagged beyond this many percentage points ...")
    minimum_assessments: int = Field(description="... resting on at least this many compared assessments.")
    co_observer_agreement: str = Field(description="Why agreement between co-observers is not shown.")
    supervisors: list[SupervisorCalibration] = Field(description="The supervisors, flagged first, then by name.")
