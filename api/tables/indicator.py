"""The indicator catalogue of a municipality and the indicator values of its providers and units.

Values are aggregates per provider or unit and period; no row here is ever about a child.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.tables.base import Versioned, created_at_field, id_field, updated_at_field, version_field

# Values and scales: NUMERIC on PostgreSQL, read back as float on both databases (SQLite has no decimal type).
NUMBER = Numeric(14, 4, asdecimal=False)


class Indicator(Versioned, SQLModel, table=True):
    """One indicator of a municipality's catalogue (domain.indicators.IndicatorDefinition, stored).

    The default catalogue (domain.indicator_catalogue) is materialised per municipality on first use, inserting the
    keys it does not have yet; an admin may then change applicability, visibility and threshold, or add local ones.
    """

    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("municipality_id", "key"),)

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    source: str = Field(max_length=40)
    unit: str = Field(max_length=20)
    scale_min: float | None = Field(default=None, sa_type=NUMBER)
    scale_max: float | None = Field(default=None, sa_type=NUMBER)
    period_kind: str = Field(max_length=20)
    applies_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    shown_to_provider_roles: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    publishable: bool = Field(default=False)
    small_number_threshold: int = Field(default=5)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
    version: int = version_field()


class IndicatorValue(SQLModel, table=True):
    """One value of one indicator for one provider, or one of its units, and one period.

    The key is (provider, scope, indicator, period), and it is the primary key: a value has no stored id, so an
    import writes one index, not a random id's and a unique key's (random ids scatter inserts over the whole
    index). `scope_id` is the unit's id for a unit's value and the provider's id for the provider's own: never NULL,
    so the key holds on both databases (a NULL unit_id would make every provider-level row distinct) and an import
    can rely on it. `municipality_id` is the provider's. `import_run_id` names the import that wrote the row.

    No foreign keys, on purpose (migration 0010 says why): both writers take every id from the municipality's own
    rows in the same transaction (api/services/indicators.record_value, and the importer, which also checks them
    set-based before it writes: api/imports/merge.dangling), and providers, units and indicators are never deleted.
    """

    __tablename__ = "indicator_value"
    # One indicator across the municipality's providers (trends' context, calibration's quartiles); the primary key
    # serves reads by provider.
    __table_args__ = (Index("ix_indicator_value_indicator_period", "indicator_id", "period"),)

    provider_id: uuid.UUID = Field(primary_key=True)
    scope_id: uuid.UUID = Field(primary_key=True)
    indicator_id: uuid.UUID = Field(primary_key=True)
    period: str = Field(max_length=10, primary_key=True)
    municipality_id: uuid.UUID
    unit_id: uuid.UUID | None = Field(default=None)
    value: float = Field(sa_type=NUMBER)
    count: int | None = Field(default=None, description="respondents or cases the value is computed from")
    source_note: str | None = Field(default=None, max_length=500)
    import_run_id: uuid.UUID | None = Field(default=None)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()

    @property
    def id(self) -> uuid.UUID:
        """The value's id, derived from its key (the API's and the audit trail's; nothing stores it)."""
        return value_id(self.provider_id, self.scope_id, self.indicator_id, self.period)


VALUE_ID_NAMESPACE = uuid.UUID("6f1c2a4e-9b7d-5e3a-8c1f-0d2b4a6e8c10")


def value_id(provider_id: uuid.UUID, scope_id: uuid.UUID, indicator_id: uuid.UUID, period: str) -> uuid.UUID:
    """A stable id for the value with this key (UUID version 5): the same key always gives the same id."""
    return uuid.uuid5(VALUE_ID_NAMESPACE, f"{provider_id.hex}:{scope_id.hex}:{indicator_id.hex}:{period}")
