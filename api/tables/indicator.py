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

    `scope_id` is the unit's id for a unit's value and the provider's id for the provider's own: never NULL, so the
    uniqueness of (provider, scope, indicator, period) holds on both databases (a NULL unit_id would make every
    provider-level row distinct) and an import can rely on it: `ON CONFLICT (provider_id, scope_id, indicator_id,
    period)`. `import_run_id` names the import that wrote the row (no foreign key: the import table is the
    importer's).
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("provider_id", "scope_id", "indicator_id", "period"),  # also serves reads by provider
        Index("ix_indicator_value_indicator_period", "indicator_id", "period"),
    )

    id: uuid.UUID = id_field()
    municipality_id: uuid.UUID = Field(foreign_key="municipality.id", index=True)
    provider_id: uuid.UUID = Field(foreign_key="provider.id")
    unit_id: uuid.UUID | None = Field(default=None, foreign_key="unit.id")
    scope_id: uuid.UUID
    indicator_id: uuid.UUID = Field(foreign_key="indicator.id")
    period: str = Field(max_length=10)
    value: float = Field(sa_type=NUMBER)
    count: int | None = Field(default=None, description="respondents or cases the value is computed from")
    source_note: str | None = Field(default=None, max_length=500)
    import_run_id: uuid.UUID | None = Field(default=None, index=True)
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
