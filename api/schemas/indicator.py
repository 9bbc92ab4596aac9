"""The indicator catalogue and indicator values: aggregates per provider or unit and period, never about a child."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from api.schemas.common import InputModel, Name, ReadModel
from domain.access import Role
from domain.indicators import IndicatorSource, MeasureUnit, PeriodKind
from domain.providers import ProviderKind

IndicatorKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{1,59}$", min_length=2, max_length=60)]
PeriodKey = Annotated[str, StringConstraints(min_length=4, max_length=10)]
Description = Annotated[str, StringConstraints(max_length=1000)]
SourceNote = Annotated[str, StringConstraints(max_length=500)]

_SOURCE = "Where the values come from: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in IndicatorSource) + "."
_UNIT = (
    "`percent` (0-100), `count` (a number of cases: always under the small-number rule), `rate` (per 1,000), "
    "`score` (on the indicator's scale), `days`."
)
_PERIOD_KIND = "`year` (periods like `2025`), `half_year` (`2025-H1`, `2025-H2`), `survey_round` (`2025-R1`)."
_PERIOD = (
    "The period the value covers, in the indicator's kind: a year `2025`, a half-year `2025-H1` or `2025-H2`, "
    "or a survey round `2025-R1` (the round's year and its number within the year)."
)
_APPLIES = "The provider kinds the indicator applies to (the framework's table of data per provider kind)."
_SHOWN = (
    "Which provider roles (`leader`, `staff`, `parent_board`) see the indicator's values for their own provider. "
    "Admin and supervisors always see every indicator."
)
_PUBLISHABLE = (
    "Whether its values may ever leave the administration: be published, or be put before the committee (whose "
    "agendas are public). The committee sees only publishable indicators."
)
_THRESHOLD = (
    "The small-number rule: beyond admin and supervisors, a count under this number, or a value computed from fewer "
    "respondents or cases, shows as `<5` (with this number) and no value. Default 5."
)


class IndicatorCreate(InputModel):
    """A local indicator of your municipality's catalogue."""

    key: IndicatorKey = Field(description="A stable key: lower-case letters, digits and `_`.", examples=["own_survey"])
    name: Name = Field(description="The Danish name, as shown beside the values.")
    description: Description | None = Field(None, description="What the indicator measures and how.")
    source: IndicatorSource = Field(IndicatorSource.LOCAL, description=_SOURCE)
    unit: MeasureUnit = Field(description=_UNIT)
    scale_min: float | None = Field(None, description="The lowest value on the scale (a score needs it).")
    scale_max: float | None = Field(None, description="The highest value on the scale (a score needs it).")
    period_kind: PeriodKind = Field(description=_PERIOD_KIND)
    applies_to: list[ProviderKind] = Field(max_length=20, description=_APPLIES)
    shown_to_provider_roles: list[Role] = Field(default_factory=list, max_length=3, description=_SHOWN)
    publishable: bool = Field(False, description=_PUBLISHABLE)
    small_number_threshold: int = Field(5, ge=1, le=100, description=_THRESHOLD)


class IndicatorUpdate(InputModel):
    """What an admin may change; omitted fields are kept. Unit, scale and period kind stay: values depend on them."""

    name: Name | None = Field(None, description="The Danish name.")
    description: Description | None = Field(None, description="What the indicator measures; null removes it.")
    applies_to: list[ProviderKind] | None = Field(None, max_length=20, description=_APPLIES)
    shown_to_provider_roles: list[Role] | None = Field(None, max_length=3, description=_SHOWN)
    publishable: bool | None = Field(None, description=_PUBLISHABLE)
    small_number_threshold: int | None = Field(None, ge=1, le=100, description=_THRESHOLD)


class IndicatorRead(ReadModel):
    """One indicator of the municipality's catalogue."""

    key: str = Field(description="The indicator's stable key, used in paths, filters and imports.")
    name: str = Field(description="The Danish name.")
    description: str | None = Field(description="What it measures, if described.")
    source: IndicatorSource = Field(description=_SOURCE)
    unit: MeasureUnit = Field(description=_UNIT)
    scale_min: float | None = Field(description="The lowest value on the scale, if it has one.")
    scale_max: float | None = Field(description="The highest value on the scale, if it has one.")
    period_kind: PeriodKind = Field(description=_PERIOD_KIND)
    applies_to: list[ProviderKind] = Field(description=_APPLIES)
    shown_to_provider_roles: list[Role] = Field(description=_SHOWN)
    publishable: bool = Field(description=_PUBLISHABLE)
    small_number_threshold: int = Field(description=_THRESHOLD)
    is_default: bool = Field(description="Whether it comes from the default (Kolding) catalogue; else local.")
    created_at: datetime = Field(description="When it entered the catalogue.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class IndicatorList(ReadModel):
    """The catalogue, by key: the indicators you may see."""

    items: list[IndicatorRead] = Field(description="The indicators.")


class IndicatorValueCreate(InputModel):
    """One value of one indicator for the provider (or one of its units) and one period."""

    indicator: IndicatorKey = Field(description="The indicator's key in your catalogue.", examples=["kids_total"])
    unit_id: uuid.UUID | None = Field(None, description="The unit (afdeling, dagplejer); null for the provider's own.")
    period: PeriodKey = Field(description=_PERIOD, examples=["2025"])
    value: float = Field(description="The aggregate value, in the indicator's unit and scale.")
    count: int | None = Field(None, ge=0, le=1_000_000, description="How many respondents or cases it comes from.")
    source_note: SourceNote | None = Field(None, description="Where the figure comes from, e.g. a report or a file.")
    replace: bool = Field(
        False, description="Replace a different value already recorded for the same period; without it that is 409."
    )


class IndicatorValueRead(ReadModel):
    """A value as your role may see it: beyond admin and supervisors, small numbers show as `<5` and no value."""

    id: uuid.UUID = Field(
        description="The value's id, derived from its provider, unit, indicator and period: a replaced value keeps it."
    )
    provider_id: uuid.UUID = Field(description="The provider the value is about.")
    unit_id: uuid.UUID | None = Field(description="The unit, or null for the provider as a whole.")
    indicator: str = Field(description="The indicator's key.")
    indicator_name: str = Field(description="The indicator's Danish name.")
    unit: MeasureUnit = Field(description=_UNIT)
    period: str = Field(description=_PERIOD)
    value: float | None = Field(description="The value; null when the small-number rule suppresses it.")
    count: int | None = Field(description="Respondents or cases behind it, if known; null when suppressed.")
    display: str = Field(description='The value as Danish text: "72,5 %", "3", or "<5" when suppressed.')
    suppressed: bool = Field(description="Whether the small-number rule hides the value from you.")
    source_note: str | None = Field(description="Where the figure comes from, if noted.")
    import_run_id: uuid.UUID | None = Field(description="The import that wrote it, if imported.")
    created_at: datetime = Field(description="When it was recorded.")
    updated_at: datetime = Field(description="When it last changed (a replaced value).")


class IndicatorValuePage(ReadModel):
    """One page of values, newest period first. Follow `next_cursor` (or the `Link` header) for the next."""

    items: list[IndicatorValueRead] = Field(description="The values on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class EvidenceIndicatorValue(IndicatorValueRead):
    """The latest value up to the visit's day of an indicator that applies to the provider's kind."""

    source: IndicatorSource = Field(description=_SOURCE)
