"""indicators: each municipality's indicator catalogue and the values of its providers and units

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 21:00:00

- indicator: one indicator of a municipality's catalogue (key unique per municipality). The default catalogue
  (domain.indicator_catalogue, Kolding's) is materialised per municipality on first use, not here.
- indicator_value: one aggregate value per provider or unit, indicator and period. `scope_id` is the unit's id or,
  for the provider's own value, the provider's: never NULL, so the key (provider_id, scope_id, indicator_id, period)
  holds on both databases and imports can rely on it. The table is written in bulk (issue 12: 100,000 rows of a file
  at 50,000 rows/s or more), so it carries only what its integrity needs; every index and foreign key costs each
  imported row (measured on PostgreSQL 15, 100,000 rows by INSERT ... SELECT: 0.27 s into the bare table, 0.5 s with
  the primary key, 2.9 s as first designed):
  - The key is the primary key; there is no stored id (a random uuid id and its index added ~0.7 s per 100,000 rows
    beside the unique key, a time-ordered one as much). The API's `id` of a value is derived from the key.
  - No foreign keys: PostgreSQL checks one per inserted row (~0.45 s per 100,000 rows each, four of them
    ~1.8 s). `municipality_id` is implied by `provider_id`; both writers (recording one value, and the importer)
    take every provider, unit and indicator id from the municipality's own rows in their transaction, and the
    importer checks them again set-based, once per run, just before it writes; no provider, unit or indicator is
    ever deleted (closing a provider keeps its history). A foreign key would guard only against writers outside
    the service.
  - One other index, (indicator_id, period), for reads of one indicator across the municipality's providers (the
    trends' context and the calibration's quartiles; +0.3 s per 100,000 imported rows). Reads by provider use the
    primary key's prefix. No index on municipality_id or import_run_id: no read uses them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER = sa.Numeric(14, 4, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "indicator",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("scale_min", NUMBER, nullable=True),
        sa.Column("scale_max", NUMBER, nullable=True),
        sa.Column("period_kind", sa.String(length=20), nullable=False),
        sa.Column("applies_to", sa.JSON(), nullable=False),
        sa.Column("shown_to_provider_roles", sa.JSON(), nullable=False),
        sa.Column("publishable", sa.Boolean(), nullable=False),
        sa.Column("small_number_threshold", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_indicator_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator")),
        sa.UniqueConstraint("municipality_id", "key", name=op.f("uq_indicator_municipality_id_key")),
    )
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_municipality_id"), ["municipality_id"], unique=False)

    op.create_table(
        "indicator_value",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("indicator_id", sa.Uuid(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("value", NUMBER, nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("source_note", sa.String(length=500), nullable=True),
        sa.Column("import_run_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("provider_id", "scope_id", "indicator_id", "period", name=op.f("pk_indicator_value")),
    )
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index("ix_indicator_value_indicator_period", ["indicator_id", "period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_indicator_value_indicator_period")
    op.drop_table("indicator_value")
    with op.batch_alter_table("indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_indicator_municipality_id"))
    op.drop_table("indicator")
