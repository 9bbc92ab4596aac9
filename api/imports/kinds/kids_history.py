"""Earlier KIDS results: a provider's or unit's percentage per area (and theme) on the day it was assessed.

Columns: dagtilbudsnummer; unit (optional); date (`31-12-2025` or `2025-12-31`); instrument (optional: the key of
one of the municipality's instruments; by default `kids`, or its only instrument); area and theme (the instrument's
key or Danish name; theme empty for the area as a whole); percent (0-100). Areas and themes are stored by key, so
the history lines up with the assessments the service makes itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Date, String, Uuid
from sqlmodel import Session, select

from api.imports.columns import Column, cell
from api.imports.kinds import CellProblem, RowRefused
from api.imports.kinds.register import NUMBER_COLUMN, UNIT_COLUMN, Register
from api.imports.merge import Target
from api.imports.values import NumberStyle, blank, day, decimal, text
from api.tables import HistoricalAssessment, InstrumentVersion
from api.tables.indicator import NUMBER
from domain.imports import PERCENT_RANGE

DEFAULT_INSTRUMENT = "kids"
COLUMNS = (
    Column(NUMBER_COLUMN, frozenset({"dagtilbudsnr", "dagtilbud_nr", "dagtilbuds_nr"})),
    Column(UNIT_COLUMN, frozenset({"enhed", "afdeling"}), required=False),
    Column("date", frozenset({"dato", "assessed_on", "tilsynsdato", "observationsdato"})),
    Column("instrument", frozenset({"redskab", "instrument_key"}), required=False),
    Column("area", frozenset({"område", "omraade", "area_key"})),
    Column("theme", frozenset({"tema", "theme_key"}), required=False),
    Column("percent", frozenset({"procent", "pct", "score", "resultat"})),
)
STAGE_COLUMNS = (
    ("provider_id", Uuid()),
    ("scope_id", Uuid()),
    ("unit_id", Uuid()),
    ("assessed_on", Date()),
    ("instrument_key", String(60)),
    ("area_key", String(60)),
    ("theme_key", String(60)),
    ("percent", NUMBER),
)
TARGET = Target(
    HistoricalAssessment.__table__,  # type: ignore[arg-type]
    keys=("provider_id", "scope_id", "assessed_on", "instrument_key", "area_key", "theme_key"),
    values=("percent",),
    extras=("unit_id",),
)
FILE_COLUMN = {"percent": "percent"}


class _Structure:
    """An instrument's areas and themes by key and by Danish name (lower-case), over all its versions."""

    def __init__(self) -> None:
        self.areas: dict[str, str] = {}
        self.themes: dict[str, tuple[str, str]] = {}  # theme key or name -> (area key, theme key)

    def add(self, definition: dict) -> None:
        for area in definition.get("areas", []):
            for name in (area["key"], area.get("name", "")):
                self.areas[name.strip().casefold()] = area["key"]
            for theme in area.get("themes", []):
                for name in (theme["key"], theme.get("name", "")):
                    self.themes[name.strip().casefold()] = (area["key"], theme["key"])


class KidsHistory:
    columns = COLUMNS
    stage_columns = STAGE_COLUMNS
    target = TARGET
    file_column = FILE_COLUMN

    def checker(self, session: Session, municipality_id: uuid.UUID, index: dict[str, int], style: NumberStyle):  # type: ignore[no-untyped-def]
        return _Checker(session, municipality_id, index, style)


class _Checker:
    def __init__(self, session: Session, municipality_id: uuid.UUID, index: dict[str, int], style: NumberStyle):
        self.register = Register(session, municipality_id)
        self.instruments: dict[str, _Structure] = {}
        rows = session.exec(
            select(InstrumentVersion.key, InstrumentVersion.definition).where(
                InstrumentVersion.municipality_id == municipality_id
            )
        )
        for key, definition in rows:
            self.instruments.setdefault(key, _Structure()).add(definition)
        only = next(iter(self.instruments)) if len(self.instruments) == 1 else None
        self.default = DEFAULT_INSTRUMENT if DEFAULT_INSTRUMENT in self.instruments else only
        self.style = style
        self.at = [index.get(c.name) for c in COLUMNS]

    def _instrument(self, value: Any) -> tuple[str, _Structure]:
        key = self.default if blank(value) else text(value, 60).lower()
        if key is None:
            raise ValueError("Name the instrument: the municipality has several (or none) and none is called kids.")
        structure = self.instruments.get(key)
        if structure is None:
            raise ValueError(f"The municipality has no instrument {key!r}; import its definition first.")
        return key, structure

    def check(self, cells: Sequence[Any]) -> tuple[Any, ...]:
        number_at, unit_at, date_at, instrument_at, area_at, theme_at, percent_at = self.at
        problems: list[CellProblem] = []
        provider = unit_id = assessed_on = instrument = area = percent = None
        theme = ""
        raw_number = cell(cells, number_at)
        try:
            provider = self.register.provider(raw_number).provider_id
            unit_id = self.register.unit(provider, cell(cells, unit_at))
        except ValueError as exc:
            column, raw = (NUMBER_COLUMN, raw_number) if provider is None else (UNIT_COLUMN, cell(cells, unit_at))
            problems.append(CellProblem(column, raw, str(exc)))
        raw_date = cell(cells, date_at)
        try:
            if blank(raw_date):
                raise ValueError("A date is required.")
            assessed_on = day(raw_date)
        except ValueError as exc:
            problems.append(CellProblem("date", raw_date, str(exc)))
        structure = None
        try:
            instrument, structure = self._instrument(cell(cells, instrument_at))
        except ValueError as exc:
            problems.append(CellProblem("instrument", cell(cells, instrument_at), str(exc)))
        raw_area, raw_theme = cell(cells, area_at), cell(cells, theme_at)
        if structure is not None:
            area = None if blank(raw_area) else structure.areas.get(str(raw_area).strip().casefold())
            if area is None:
                detail = "An area is required." if blank(raw_area) else f"{instrument} has no such area."
                problems.append(CellProblem("area", raw_area, detail))
            if not blank(raw_theme):
                found = structure.themes.get(str(raw_theme).strip().casefold())
                if found is None:
                    problems.append(CellProblem("theme", raw_theme, f"{instrument} has no such theme."))
                elif area is not None and found[0] != area:
                    problems.append(CellProblem("theme", raw_theme, f"The theme is not in the area {area}."))
                else:
                    theme = found[1]
        raw_percent = cell(cells, percent_at)
        try:
            if blank(raw_percent):
                raise ValueError("A percentage is required.")
            percent = round(decimal(raw_percent, self.style), 4)
            low, high = PERCENT_RANGE
            if not low <= percent <= high:
                raise ValueError("A percentage lies between 0 and 100.")
        except ValueError as exc:
            problems.append(CellProblem("percent", raw_percent, str(exc)))
        if problems:
            raise RowRefused(problems)
        scope = (unit_id or provider).hex  # type: ignore[union-attr]
        return (provider.hex, scope, unit_id.hex if unit_id else None, assessed_on, instrument, area, theme, percent)  # type: ignore[union-attr]
