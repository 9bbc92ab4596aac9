"""Observation instruments as the API accepts and shows them: areas -> themes -> items, each with a scale.

Only the shape is checked here; every rule about the values (unique keys, min below max, no empty lists) is
checked by domain/instruments.py, so one 422 lists every problem in the definition at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from api.schemas.common import InputModel, ReadModel

Key = Annotated[str, StringConstraints(max_length=60)]


class ScaleDefinition(InputModel):
    """The whole-number scores an item takes."""

    min: int = Field(description="Lowest score on the scale, e.g. 1.")
    max: int = Field(description="Highest score on the scale, e.g. 5; above `min`.")
    allows_not_observed: bool = Field(
        True, description="Whether the item may be left as not observed (null) instead of scored."
    )


class ItemDefinition(InputModel):
    """One item (indikator) that is scored during an observation."""

    key: Key = Field(description="Stable key of the item, unique in the whole instrument; scores are keyed by it.")
    text: str = Field("", max_length=2000, description="What the supervisor looks for; may be empty.")
    scale: ScaleDefinition = Field(description="The scores the item takes.")


class ThemeDefinition(InputModel):
    """A theme, e.g. one of the six læreplan themes."""

    key: Key = Field(description="Stable key of the theme, unique in the instrument.")
    name: str = Field(max_length=200, description="The theme's name, e.g. `Social udvikling`.")
    items: list[ItemDefinition] = Field(description="The theme's items; at least one.")


class AreaDefinition(InputModel):
    """An area, e.g. KIDS's `Fysiske omgivelser`, `Relationer` or `Leg og aktivitet`."""

    key: Key = Field(description="Stable key of the area, unique in the instrument.")
    name: str = Field(max_length=200, description="The area's name.")
    themes: list[ThemeDefinition] = Field(description="The area's themes; at least one.")


class InstrumentDefinition(InputModel):
    """A complete instrument definition, e.g. a municipality's licensed KIDS, as one new version."""

    key: Key = Field(description="Stable key of the instrument, e.g. `kids`; versions share it.", examples=["kids"])
    version: str = Field(max_length=30, description="The version, unique per key, e.g. `2`.", examples=["2"])
    name: str = Field(max_length=200, description="The instrument's name as supervisors know it.")
    areas: list[AreaDefinition] = Field(description="The areas, each with themes and items; at least one.")


class InstrumentSummary(ReadModel):
    """One version of an instrument, without its items."""

    id: uuid.UUID = Field(description="The instrument version's id; a visit names it in `instrument_id`.")
    key: str = Field(description="The instrument's key.")
    version: str = Field(description="The version.")
    name: str = Field(description="The instrument's name.")
    item_count: int = Field(description="How many items an observation can score.")
    created_by: str = Field(description="Who imported this version.")
    created_at: datetime = Field(description="When it was imported.")


class InstrumentRead(InstrumentSummary):
    """One version of an instrument with its full definition."""

    areas: list[AreaDefinition] = Field(description="The areas, themes and items with their scales.")


class InstrumentPage(ReadModel):
    """One page of instrument versions, by key and version."""

    items: list[InstrumentSummary] = Field(description="The instrument versions on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
