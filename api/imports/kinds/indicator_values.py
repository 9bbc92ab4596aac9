"""Indicator values: one aggregate per provider (or unit), indicator and period, keyed by the register's ids.

Columns: dagtilbudsnummer; unit (optional: the unit's name; empty for the provider as a whole); indicator (the
catalogue's key); period (`2025`, `2025-H1`, `2025-R1`, as the indicator's period kind); value; count (optional:
respondents or cases the value is computed from); note (optional). Values are checked against the indicator's unit
and scale (domain.indicators.check_value), and an indicator must apply to the provider's kind.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Integer, String, Uuid
from sqlmodel import Session

from api.imports.columns import Column, cell
from api.imports.kinds import CellProblem, RowRefused
from api.imports.kinds.register import NUMBER_COLUMN, UNIT_COLUMN, Register
from api.imports.merge import Reference, Target
from api.imports.values import NumberStyle, blank, decimal, integer, text
from api.services.indicators import catalogue, definition
from api.tables import Indicator, IndicatorValue, Provider, Unit
from api.tables.indicator import NUMBER
from domain.errors import DomainError
from domain.indicators import IndicatorDefinition, check_value, parse_period
from domain.privacy import refuse_personal_data
from domain.providers import ProviderKind

COLUMNS = (
    Column(NUMBER_COLUMN, frozenset({"dagtilbudsnr", "dagtilbud_nr", "dagtilbuds_nr", "dagtilbudsnummer"})),
    Column(UNIT_COLUMN, frozenset({"enhed", "afdeling", "unit_name"}), required=False),
    Column("indicator", frozenset({"indikator", "indicator_key", "noegle", "nøgle"})),
    Column("period", frozenset({"periode", "år", "aar", "year"})),
    Column("value", frozenset({"værdi", "vaerdi"})),
    Column("count", frozenset({"antal", "n", "respondenter", "besvarelser"}), required=False),
    Column("note", frozenset({"bemærkning", "bemaerkning", "kilde", "source_note"}), required=False),
)
STAGE_COLUMNS = (
    ("provider_id", Uuid()),
    ("scope_id", Uuid()),
    ("unit_id", Uuid()),
    ("indicator_id", Uuid()),
    ("period", String(10)),
    ("value", NUMBER),
    ("count", Integer()),
    ("source_note", String(500)),
)
TARGET = Target(
    IndicatorValue.__table__,  # type: ignore[arg-type]
    keys=("provider_id", "scope_id", "indicator_id", "period"),
    values=("value", "count"),  # as recording one value compares them (api/services/indicators.record_value)
    extras=("unit_id", "source_note"),
    # indicator_value has no foreign keys (migration 0010): these are checked once per run instead.
    references=(
        Reference("provider_id", Provider.__table__, "municipality_id", NUMBER_COLUMN),  # type: ignore[arg-type]
        Reference("unit_id", Unit.__table__, "provider_id", UNIT_COLUMN),  # type: ignore[arg-type]
        Reference("indicator_id", Indicator.__table__, "municipality_id", "indicator"),  # type: ignore[arg-type]
    ),
)
# The stage's value columns as the file names them, for conflicts: "value" is the file's "value" column.
FILE_COLUMN = {"value": "value", "count": "count"}
MEMO_LIMIT = 100_000  # distinct keys or values remembered; past it, rows are simply checked in full


class IndicatorValues:
    columns = COLUMNS
    stage_columns = STAGE_COLUMNS
    target = TARGET
    file_column = FILE_COLUMN

    def checker(self, session: Session, municipality_id: uuid.UUID, index: dict[str, int], style: NumberStyle):  # type: ignore[no-untyped-def]
        return _Checker(session, municipality_id, index, style)


class _Checker:
    """Checks rows fast: a file repeats a few hundred providers, a few indicators and periods, so what the key
    cells (dagtilbudsnummer, unit, indicator, period) resolve to is worked out once per distinct combination, and
    a value's check against its indicator once per distinct (indicator, value, count)."""

    def __init__(self, session: Session, municipality_id: uuid.UUID, index: dict[str, int], style: NumberStyle):
        self.register = Register(session, municipality_id)
        rows = catalogue(session, municipality_id)  # the defaults materialised first, as everywhere else
        self.indicators = {key: (row.id.hex, definition(row)) for key, row in rows.items()}
        self.style = style
        self.number_at, self.unit_at, self.key_at, self.period_at = (
            index.get(name) for name in (NUMBER_COLUMN, UNIT_COLUMN, "indicator", "period")
        )
        self.value_at, self.count_at, self.note_at = (index.get(name) for name in ("value", "count", "note"))
        # The cells `quick` reads, as one tuple by one C call: the key cells (the unit's if the file has it), the
        # value, then the count and the note if the file has them.
        keys = [at for at in (self.number_at, self.unit_at, self.key_at, self.period_at) if at is not None]
        rest = [at for at in (self.count_at, self.note_at) if at is not None]
        self.cells = itemgetter(*keys, self.value_at, *rest)
        self.width = len(keys)
        self.count_slot = self.width + 1 if self.count_at is not None else None
        self.note_slot = self.width + 1 + (self.count_at is not None) if self.note_at is not None else None
        self.danish = style is NumberStyle.DANISH
        self.good_places: dict[Any, tuple[Any, ...]] = {}  # what `quick` knows to be good, by its cells
        self.good_measures: dict[tuple, tuple[Any, ...]] = {}
        self.places: dict[tuple, Any] = {}
        self.measures: dict[tuple, Any] = {}
        self.checked: dict[tuple, CellProblem | None] = {}

    def _provider(self, raw_number: Any, raw_unit: Any) -> tuple[Any, ...]:
        """(provider hex, scope hex, unit hex, provider kind) or a list of problems; remembered per cell pair."""
        memo = (raw_number, raw_unit)
        found = self.places.get(memo)
        if found is None:
            try:
                provider = self.register.provider(raw_number)
            except ValueError as exc:
                found = [CellProblem(NUMBER_COLUMN, raw_number, str(exc))]
            else:
                try:
                    unit_id = self.register.unit(provider.provider_id, raw_unit)
                except ValueError as exc:
                    found = [CellProblem(UNIT_COLUMN, raw_unit, str(exc))]
                else:
                    hexed, unit = provider.provider_id.hex, unit_id.hex if unit_id else None
                    found = (hexed, unit or hexed, unit, provider.kind)
            if len(self.places) < MEMO_LIMIT:
                self.places[memo] = found
        return found

    def _indicator(self, raw_key: Any, raw_period: Any, kind: str | None) -> tuple[Any, ...]:
        """(indicator hex, period key, definition) or a list of problems; remembered per cell pair and kind."""
        memo = (raw_key, raw_period, kind)
        found = self.measures.get(memo)
        if found is not None:
            return found
        problems: list[CellProblem] = []
        entry = None if blank(raw_key) else self.indicators.get(text(raw_key, 60).lower())
        period = None
        if entry is None:
            detail = "An indicator key is required." if blank(raw_key) else "The catalogue has no such indicator."
            problems.append(CellProblem("indicator", raw_key, detail))
        else:
            d = entry[1]
            if kind is not None and kind not in d.applies_to:
                label = ProviderKind(kind).label_da
                problems.append(CellProblem("indicator", raw_key, f"{d.key} does not apply to a {label}."))
            try:
                period = parse_period(text(raw_period, 20), d.period_kind).key
            except (ValueError, DomainError) as exc:
                detail = exc.detail if isinstance(exc, DomainError) else str(exc)
                problems.append(CellProblem("period", raw_period, detail))
        found = problems if problems else (entry[0], period, entry[1])  # type: ignore[index]
        if len(self.measures) < MEMO_LIMIT:
            self.measures[memo] = found
        return found

    def _verdict(self, d: IndicatorDefinition, value: float, count: int | None) -> CellProblem | None:
        """What is wrong with a value for its indicator (None: nothing); remembered per (indicator, value, count)."""
        memo = (d.key, value, count)
        problem = self.checked.get(memo, False)
        if problem is False:
            try:
                check_value(d, value, count)
                problem = None
            except DomainError as exc:
                column = "count" if exc.violations and exc.violations[0].location.endswith("count") else "value"
                problem = CellProblem(column, None, exc.detail)
            if len(self.checked) < MEMO_LIMIT:
                self.checked[memo] = problem
        return problem

    def _check_value(self, d: IndicatorDefinition, value: float, count: int | None, raw: tuple) -> None:
        problem = self._verdict(d, value, count)
        if problem is not None:
            raise RowRefused([CellProblem(problem.column, raw[problem.column == "count"], problem.detail)])

    def quick(self, cells: Sequence[Any]) -> tuple[Any, ...] | None:
        """The staged row of a plain row, or None to leave the row to `check`, which applies every rule and names
        every problem. A plain row: its provider (and unit) and its indicator and period as a row before it that
        passed; a value `float` reads in the file's number style; a count of digits or nothing; no note. Accepts
        exactly the rows `check` accepts, staged the same, at a fraction of the cost; most rows of a file are plain.
        """
        try:
            raw = self.cells(cells)
            place = self.good_places.get(raw[0] if self.unit_at is None else raw[:2])
            if place is None:
                place = self._learn_place(raw)
                if place is None:
                    return None
            at = self.width
            measure = self.good_measures.get((raw[at - 2], raw[at - 1], place[3]))
        except (IndexError, TypeError):  # a short row, or a list or object in a key cell: check says why
            return None
        if measure is None:
            measure = self._learn_measure(raw, place[3])
            if measure is None:
                return None
        raw_value = raw[at]
        if type(raw_value) is not str or "_" in raw_value or (self.note_slot is not None and raw[self.note_slot]):
            return None
        if self.danish:
            if "." in raw_value:
                return None
            raw_value = raw_value.replace(",", ".")
        elif "," in raw_value:
            return None
        try:
            value = float(raw_value)
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        raw_count = None if self.count_slot is None else raw[self.count_slot]
        if raw_count is None or raw_count == "":
            count = None
        elif type(raw_count) is str and raw_count.isascii() and raw_count.isdigit():
            count = int(raw_count)
        else:
            return None
        value = round(value, 4)
        if self._verdict(measure[2], value, count) is not None:
            return None
        return (*place[:3], measure[0], measure[1], value, count, None)

    def parts(self, cells: Sequence[Any]) -> tuple[Any, Any, Any] | None:
        """The cells each part of the staged row is read from, for the direct path's memo (api/imports/direct.py):
        the ids' (dagtilbudsnummer, unit, indicator), the period's (indicator, period) and the values' (indicator,
        value, count). Each part's verdict depends on these cells only. None for a short row or one with a note."""
        try:
            raw = self.cells(cells)
        except IndexError:
            return None
        width = self.width
        if self.note_slot is not None and raw[self.note_slot]:
            return None
        key = raw[width - 2]
        count = None if self.count_slot is None else raw[self.count_slot]
        return raw[: width - 1], (key, raw[width - 1]), (key, raw[width], count)

    def _learn_place(self, raw: tuple) -> tuple[Any, ...] | None:
        """The provider (and unit) of `quick`'s cells if they are good, remembered; None if not."""
        number, unit = (raw[0], None) if self.unit_at is None else raw[:2]
        place = self._provider(number, unit)
        if isinstance(place, list):
            return None
        if len(self.good_places) < MEMO_LIMIT:
            self.good_places[number if self.unit_at is None else (number, unit)] = place
        return place

    def _learn_measure(self, raw: tuple, kind: str) -> tuple[Any, ...] | None:
        """The indicator and period of `quick`'s cells for a provider kind if they are good, remembered; else None."""
        key, period = raw[self.width - 2], raw[self.width - 1]
        measure = self._indicator(key, period, kind)
        if isinstance(measure, list):
            return None
        if len(self.good_measures) < MEMO_LIMIT:
            self.good_measures[(key, period, kind)] = measure
        return measure

    def check(self, cells: Sequence[Any]) -> tuple[Any, ...]:
        try:
            place = self._provider(cell(cells, self.number_at), cell(cells, self.unit_at))
            measure = self._indicator(
                cell(cells, self.key_at),
                cell(cells, self.period_at),
                None if isinstance(place, list) else place[3],
            )
        except TypeError:  # a JSON list or object in a key cell: not hashable, and not valid either
            raise RowRefused([CellProblem(None, None, "A cell holds a list or object; a value is needed.")]) from None
        problems = [*(place if isinstance(place, list) else ()), *(measure if isinstance(measure, list) else ())]
        raw_value, raw_count = cell(cells, self.value_at), cell(cells, self.count_at)
        value = count = note = None
        try:
            if blank(raw_value):
                raise ValueError("A value is required.")
            value = round(decimal(raw_value, self.style), 4)
            if not math.isfinite(value):
                raise ValueError("A value is a finite number.")
        except ValueError as exc:
            problems.append(CellProblem("value", raw_value, str(exc)))
        if not blank(raw_count):
            try:
                count = integer(raw_count, self.style)
            except ValueError as exc:
                problems.append(CellProblem("count", raw_count, str(exc)))
        raw_note = cell(cells, self.note_at)
        if not blank(raw_note):
            try:
                note = text(raw_note, 500)
                refuse_personal_data({"note": note})  # a note is free text: no CPR number, e-mail or phone number
            except DomainError as exc:
                problems.append(CellProblem("note", raw_note, exc.detail))
            except ValueError as exc:
                problems.append(CellProblem("note", raw_note, str(exc)))
        if problems:
            raise RowRefused(problems)
        provider, scope, unit, _kind = place
        indicator, period, d = measure
        self._check_value(d, value, count, (raw_value, raw_count))  # type: ignore[arg-type]
        return (provider, scope, unit, indicator, period, value, count, note)
