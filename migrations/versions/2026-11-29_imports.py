"""imports: import runs with their row errors, and the earlier KIDS results they bring in

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 22:00:00

- import_run: one import of one file (providers, kids-history or indicator-values): status, dry run or not, mode,
  counts (rows, created, updated, unchanged, errors) and progress (rows_done), who started it. Listed newest first
  per municipality.
- import_row_error: each refused row of a run (line as the user sees it, column, value, why), paged by line.
- historical_assessment: earlier KIDS results per provider or unit, date, area and theme (theme_key '' for the
  area as a whole), keyed uniquely like indicator_value: `scope_id` is the unit's id or the provider's.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER = sa.Numeric(14, 4, asdecimal=False)


def upgrade() -> None:
    op.create_table(
        "import_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_format", sa.String(length=10), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("count_rows", sa.Integer(), nullable=False),
        sa.Column("count_created", sa.Integer(), nullable=False),
        sa.Column("count_updated", sa.Integer(), nullable=False),
        sa.Column("count_unchanged", sa.Integer(), nullable=False),
        sa.Column("count_errors", sa.Integer(), nullable=False),
        sa.Column("detail", sa.String(length=1000), nullable=True),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=200), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("on_behalf_of", sa.String(length=200), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_import_run_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_run")),
    )
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_run_municipality_created", ["municipality_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "import_row_error",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("import_run_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("column", sa.String(length=200), nullable=True),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_run_id"], ["import_run.id"], name=op.f("fk_import_row_error_import_run_id_import_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_row_error")),
    )
    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.create_index("ix_import_row_error_run_line", ["import_run_id", "line", "seq"], unique=False)

    op.create_table(
        "historical_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("area_key", sa.String(length=60), nullable=False),
        sa.Column("theme_key", sa.String(length=60), nullable=False),
        sa.Column("percent", NUMBER, nullable=False),
        sa.Column("import_run_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_run_id"], ["import_run.id"], name=op.f("fk_historical_assessment_import_run_id_import_run")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_historical_assessment_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_historical_assessment_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_historical_assessment_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_historical_assessment")),
    )
    with op.batch_alter_table("historical_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_historical_assessment_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(
            "uq_historical_assessment_key",
            ["provider_id", "scope_id", "assessed_on", "instrument_key", "area_key", "theme_key"],
            unique=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("historical_assessment", schema=None) as batch_op:
        batch_op.drop_index("uq_historical_assessment_key")
        batch_op.drop_index(batch_op.f("ix_historical_assessment_municipality_id"))

    op.drop_table("historical_assessment")
    with op.batch_alter_table("import_row_error", schema=None) as batch_op:
        batch_op.drop_index("ix_import_row_error_run_line")

    op.drop_table("import_row_error")
    with op.batch_alter_table("import_run", schema=None) as batch_op:
        batch_op.drop_index("ix_import_run_municipality_created")

    op.drop_table("import_run")
