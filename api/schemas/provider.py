"""Providers (dagtilbud) and units (afdelinger, dagplejere)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field, HttpUrl, computed_field

from api.schemas.common import (
    Cvr,
    Dagtilbudsnummer,
    InputModel,
    Name,
    PNumber,
    PostalCode,
    ReadModel,
    Reason,
    StoredTimestamp,
)
from domain.providers import AgeGroup, ProviderKind, UnitKind
from domain.states import RegisterStatus as Status

_KIND = "Kind of provider: " + "; ".join(f"`{k.value}` = {k.label_da}" for k in ProviderKind) + "."
_AGE = "Age groups served: " + "; ".join(f"`{a.value}` = {a.label_da}" for a in AgeGroup) + "."
_CYCLE_START = (
    "The first day of the provider's first supervision cycle, set by the administration (for example the day of its "
    "last announced visit before it was registered here). Each cycle lasts the policy's `cycle_months` and the next "
    "follows on without a gap, so the visits and the report each cycle asks for fall due on fixed days. Null: the "
    "cycle starts at the provider's first completed visit after registration (if held within a cycle of it), "
    "otherwise on the day it was registered. It may lie before registration, never after today."
)
_UNIT_KIND = "`department` = afdeling/matrikel of an institution; `childminder` = one dagplejer in the dagpleje."


class ProviderBase(InputModel):
    name: Name = Field(description="The provider's name as parents know it.", examples=["Børnehuset Solsikken"])
    kind: ProviderKind = Field(description=_KIND)
    age_groups: list[AgeGroup] = Field(min_length=1, description=_AGE)
    dagtilbudsnummer: Dagtilbudsnummer = Field(
        description="The 6-character dagtilbudsnummer, unique within the municipality.", examples=["101234"]
    )
    cvr: Cvr | None = Field(None, description="CVR number (8 digits), for self-governing and private providers.")
    p_number: PNumber | None = Field(None, description="P-number (produktionsenhedsnummer, 10 digits).")
    street: Name = Field(description="Street and number.")
    postal_code: PostalCode = Field(description="Danish postal code (4 digits).")
    city: Name = Field(description="Postal district.")
    website_url: HttpUrl | None = Field(None, description="The provider's website, where reports are published.")
    has_parent_board: bool = Field(True, description="Whether the provider has a parent board (forældrebestyrelse).")
    cycle_start: date | None = Field(None, description=_CYCLE_START)


class ProviderCreate(ProviderBase):
    """A new provider."""


class ProviderUpdate(InputModel):
    """Fields to change; omitted fields keep their value. Closing has its own endpoint."""

    name: Name | None = Field(None, description="The provider's name.")
    kind: ProviderKind | None = Field(None, description=_KIND)
    age_groups: list[AgeGroup] | None = Field(None, min_length=1, description=_AGE)
    dagtilbudsnummer: Dagtilbudsnummer | None = Field(None, description="The 6-character dagtilbudsnummer.")
    cvr: Cvr | None = Field(None, description="CVR number (8 digits); null removes it.")
    p_number: PNumber | None = Field(None, description="P-number (10 digits); null removes it.")
    street: Name | None = Field(None, description="Street and number.")
    postal_code: PostalCode | None = Field(None, description="Danish postal code (4 digits).")
    city: Name | None = Field(None, description="Postal district.")
    website_url: HttpUrl | None = Field(None, description="The provider's website; null removes it.")
    has_parent_board: bool | None = Field(None, description="Whether the provider has a parent board.")
    cycle_start: date | None = Field(None, description=_CYCLE_START + " Null removes a date set earlier.")


class Closing(InputModel):
    """Closing a provider or unit: it stays readable, with its history, but is no longer supervised."""

    closed_on: date = Field(description="The day it closed (or closes).")
    reason: Reason = Field(description="Why it closed, e.g. merged into another provider.")


class ProviderRead(ReadModel):
    """A provider (dagtilbud)."""

    id: uuid.UUID = Field(description="The provider's id.")
    municipality_id: uuid.UUID = Field(description="The municipality that supervises it.")
    name: str = Field(description="The provider's name.")
    kind: ProviderKind = Field(description=_KIND)
    age_groups: list[AgeGroup] = Field(description=_AGE)
    dagtilbudsnummer: str = Field(description="The 6-character dagtilbudsnummer.")
    cvr: str | None = Field(description="CVR number, if any.")
    p_number: str | None = Field(description="P-number, if any.")
    street: str = Field(description="Street and number.")
    postal_code: str = Field(description="Postal code.")
    city: str = Field(description="Postal district.")
    website_url: str | None = Field(description="The provider's website, if known.")
    has_parent_board: bool = Field(description="Whether it has a parent board.")
    cycle_start: date | None = Field(description=_CYCLE_START)
    status: Status = Field(description="`active` or `closed`.")
    closed_on: date | None = Field(description="When it closed, if closed.")
    closing_reason: str | None = Field(description="Why it closed, if closed.")
    created_at: StoredTimestamp = Field(description="When it was registered here.")
    updated_at: StoredTimestamp = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The kind in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def kind_label(self) -> str:
        return self.kind.label_da


class ProviderPage(ReadModel):
    """One page of providers. Follow `next_cursor` (or the `Link: rel=\"next\"` header) for the next."""

    items: list[ProviderRead] = Field(description="The providers on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class UnitBase(InputModel):
    name: Name = Field(description="The unit's name, e.g. an afdeling, or a dagplejer's care name.")
    kind: UnitKind = Field(description=_UNIT_KIND)
    street: Name | None = Field(None, description="Street and number, when it differs from the provider's.")
    postal_code: PostalCode | None = Field(None, description="Postal code, when it differs from the provider's.")
    city: Name | None = Field(None, description="Postal district, when it differs from the provider's.")


class UnitCreate(UnitBase):
    """A new unit of the provider."""


class UnitUpdate(InputModel):
    """Fields to change; omitted fields keep their value."""

    name: Name | None = Field(None, description="The unit's name.")
    kind: UnitKind | None = Field(None, description=_UNIT_KIND)
    street: Name | None = Field(None, description="Street and number; null removes it.")
    postal_code: PostalCode | None = Field(None, description="Postal code; null removes it.")
    city: Name | None = Field(None, description="Postal district; null removes it.")


class UnitRead(ReadModel):
    """A unit: an afdeling/matrikel of an institution, or a dagplejer in the dagpleje."""

    id: uuid.UUID = Field(description="The unit's id.")
    provider_id: uuid.UUID = Field(description="The provider it belongs to.")
    name: str = Field(description="The unit's name.")
    kind: UnitKind = Field(description=_UNIT_KIND)
    street: str | None = Field(description="Street and number, if its own.")
    postal_code: str | None = Field(description="Postal code, if its own.")
    city: str | None = Field(description="Postal district, if its own.")
    status: Status = Field(description="`active` or `closed`.")
    closed_on: date | None = Field(description="When it closed, if closed.")
    closing_reason: str | None = Field(description="Why it closed, if closed.")
    created_at: datetime = Field(description="When it was registered here.")
    updated_at: datetime = Field(description="When it last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")


class UnitPage(ReadModel):
    """One page of units."""

    items: list[UnitRead] = Field(description="The units on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
