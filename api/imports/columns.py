"""The columns a kind of import reads: their names as people write them (Danish or English), and the header check.

A header cell matches a column when, lower-cased with spaces, hyphens and dots read as `_`, it is the column's name
or one of its aliases. A missing required column or a column no kind knows stops the file before any row is read,
with the header cell named: a typo in an optional column would otherwise be silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from api.imports.values import blank


@dataclass(frozen=True)
class Column:
    name: str  # the documented name
    aliases: frozenset[str] = field(default_factory=frozenset)
    required: bool = True


@dataclass(frozen=True)
class HeaderProblem:
    column: str | None
    detail: str


def normalised(header_cell: str) -> str:
    """`P-nummer ` -> `p_nummer`; `Dagtilbuds nr.` -> `dagtilbuds_nr`."""
    return re.sub(r"[\s\-./]+", "_", header_cell.strip().lower().removeprefix("\ufeff")).strip("_")


def bind(header: Sequence[str], columns: Sequence[Column]) -> tuple[dict[str, int], list[HeaderProblem]]:
    """Where each column is in the header, and every problem with the header."""
    names = {normalised(alias): column.name for column in columns for alias in {column.name, *column.aliases}}
    found: dict[str, int] = {}
    problems: list[HeaderProblem] = []
    for index, cell in enumerate(header):
        if not cell.strip():
            continue  # an empty header cell: Excel's trailing separators; its cells must be empty (checked per row)
        name = names.get(normalised(cell))
        if name is None:
            known = ", ".join(c.name for c in columns)
            problems.append(HeaderProblem(cell, f"Unknown column. The columns of this import are: {known}."))
        elif name in found:
            problems.append(HeaderProblem(cell, f"The column {name} is in the file twice."))
        else:
            found[name] = index
    for column in columns:
        if column.required and column.name not in found:
            problems.append(HeaderProblem(column.name, "This column is required and missing from the first row."))
    return found, problems


def cell(cells: Sequence[Any], index: int | None) -> Any:
    """The value at `index`, or None when the row is shorter or the column absent."""
    if index is None or index >= len(cells):
        return None
    return cells[index]


def empty_row(cells: Sequence[Any]) -> bool:
    """A row with nothing in it: Excel keeps such rows (`;;;;`) after the data; they are skipped, not errors."""
    return all(blank(value) for value in cells)
