"""reports

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 12:09:40.442074
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("report_version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Uuid(), nullable=True),
        sa.Column("correction_note", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("leader_comment", sa.Text(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("comment_window_ends", sa.Date(), nullable=True),
        sa.Column("finalised_on", sa.Date(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_by", sa.String(length=200), nullable=True),
        sa.Column("case_id", sa.String(length=100), nullable=True),
        sa.Column("case_number", sa.String(length=100), nullable=True),
        sa.Column("document_id", sa.String(length=100), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_report_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_report_provider_id_provider")),
        sa.ForeignKeyConstraint(["replaces_id"], ["report.id"], name=op.f("fk_report_replaces_id_report")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_report_unit_id_unit")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_report_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
    )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_report_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_visit_id"))
        batch_op.drop_index(batch_op.f("ix_report_provider_id"))
        batch_op.drop_index(batch_op.f("ix_report_municipality_id"))

    op.drop_table("report")
