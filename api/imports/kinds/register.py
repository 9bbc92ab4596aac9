"""Finding a row's provider and unit by the register's ids: the dagtilbudsnummer, then the unit's name.

Only the municipality's own providers are loaded, so another municipality's dagtilbudsnummer is an unknown provider,
never a write to it. A municipality has at most a few hundred providers: the lookup is a dict, loaded once per run.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from api.imports.kinds import CellProblem
from api.imports.values import blank, text
from api.tables import Municipality, Provider, Unit
from domain.identifiers import dagtilbudsnummer_problem

NUMBER_COLUMN = "dagtilbudsnummer"
UNIT_COLUMN = "unit"


def dagtilbudsnummer(value: object) -> str:
    """The number as written, trimmed and upper-cased; Excel's lost leading zeros (`12345`) are put back."""
    number = text(value, 20).upper()
    return number.zfill(6) if number.isdigit() and len(number) < 6 else number


@dataclass(frozen=True)
class Found:
    provider_id: uuid.UUID
    kind: str


class Register:
    def __init__(self, session: Session, municipality_id: uuid.UUID) -> None:
        self.municipality = session.get(Municipality, municipality_id)
        rows = session.exec(
            select(Provider.id, Provider.dagtilbudsnummer, Provider.kind).where(
                Provider.municipality_id == municipality_id
            )
        ).all()
        self.providers = {number: Found(pid, kind) for pid, number, kind in rows}
        units = session.exec(
            select(Unit.id, Unit.provider_id, Unit.name)
            .join(Provider, Provider.id == Unit.provider_id)
            .where(Provider.municipality_id == municipality_id)
        ).all()
        self.units = {(provider_id, name.strip().casefold()): unit_id for unit_id, provider_id, name in units}

    def provider(self, value: object) -> Found:
        """The provider with this dagtilbudsnummer in the municipality, or CellProblem why not."""
        if blank(value):
            raise ValueError("A dagtilbudsnummer is required.")
        number = dagtilbudsnummer(value)
        found = self.providers.get(number)
        if found is None:
            name = self.municipality.name if self.municipality else "the municipality"
            raise ValueError(
                dagtilbudsnummer_problem(number) or f"{name} has no provider with dagtilbudsnummer {number}."
            )
        return found

    def unit(self, provider_id: uuid.UUID, value: object) -> uuid.UUID | None:
        """The provider's unit of this name (None for the provider as a whole), or ValueError why not."""
        if blank(value):
            return None
        unit_id = self.units.get((provider_id, str(value).strip().casefold()))
        if unit_id is None:
            raise ValueError(f"The provider has no unit named {str(value).strip()!r}.")
        return unit_id


def problem(column: str, value: object, exc: Exception) -> CellProblem:
    return CellProblem(column, value, str(exc))
