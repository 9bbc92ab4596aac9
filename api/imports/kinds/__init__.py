"""The kinds of import: what each reads, how it checks a row, and where its rows go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.types import TypeEngine
from sqlmodel import Session

from api.imports.columns import Column
from api.imports.merge import Target


@dataclass(frozen=True)
class CellProblem:
    """One bad cell: its column (the documented name), the value as written, and why."""

    column: str | None
    value: Any
    detail: str


class RowRefused(Exception):
    def __init__(self, problems: Sequence[CellProblem]) -> None:
        super().__init__(problems[0].detail if problems else "refused")
        self.problems = list(problems)


class Checker(Protocol):
    """A kind of import bound to one municipality and one file's header."""

    def check(self, cells: Sequence[Any]) -> tuple[Any, ...]:
        """The row as staged (without its line), or RowRefused with every problem in it."""
        ...


class StagedKind(Protocol):
    """A kind whose rows are staged and merged in SQL (KIDS history, indicator values)."""

    columns: tuple[Column, ...]
    stage_columns: tuple[tuple[str, TypeEngine[Any]], ...]
    target: Target

    def checker(self, session: Session, municipality_id: Any, index: dict[str, int]) -> Checker: ...
