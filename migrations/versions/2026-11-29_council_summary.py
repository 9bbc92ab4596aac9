"""council summary: the administration's summary of the supervision for the council, per period and version

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-29 21:00:00

- council_summary: one row per version of a municipality's summary for a period (dagtilbudsloven §3a stk. 5, the
  political discussion every second year): draft or final, the administration's commentary per section, the content
  frozen when final, and the version it replaces when it is a correction. Drafted and finalised by account ids, no
  names. The index serves the municipality's list, newest first.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "council_summary",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary_version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("commentary", sa.JSON(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("finalised_on", sa.Date(), nullable=True),
        sa.Column("finalised_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_council_summary_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["council_summary.id"], name=op.f("fk_council_summary_replaces_id_council_summary")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_summary")),
    )
    with op.batch_alter_table("council_summary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_summary_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(
            "ix_council_summary_municipality_created", ["municipality_id", "created_at", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("council_summary", schema=None) as batch_op:
        batch_op.drop_index("ix_council_summary_municipality_created")
        batch_op.drop_index(batch_op.f("ix_council_summary_municipality_id"))
    op.drop_table("council_summary")
