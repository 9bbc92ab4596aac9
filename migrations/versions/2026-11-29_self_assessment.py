"""self-assessment: a network member's assessment of its own supervision practice, before and after

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 21:30:00

- self_assessment: one per network, member municipality and phase (before/after), with the questionnaire version
  answered (domain.self_assessment), its status (draft/submitted) and the day it was submitted; the unique triple
  serves "the network's self-assessments", the index on municipality_id a municipality's own;
- self_assessment_answer: the municipality's judgement and comment per question, and from submission the evidence
  the service filled in (compliance figures, reports in time), frozen as JSON.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "self_assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("questionnaire_version", sa.String(length=40), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.String(length=200), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_self_assessment_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], name=op.f("fk_self_assessment_network_id_network")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment")),
        sa.UniqueConstraint(
            "network_id", "municipality_id", "phase", name=op.f("uq_self_assessment_network_id_municipality_id_phase")
        ),
    )
    with op.batch_alter_table("self_assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_self_assessment_municipality_id"), ["municipality_id"], unique=False)

    op.create_table(
        "self_assessment_answer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("self_assessment_id", sa.Uuid(), nullable=False),
        sa.Column("question_key", sa.String(length=80), nullable=False),
        sa.Column("judgement", sa.String(length=20), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["self_assessment_id"],
            ["self_assessment.id"],
            name=op.f("fk_self_assessment_answer_self_assessment_id_self_assessment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_assessment_answer")),
        sa.UniqueConstraint(
            "self_assessment_id", "question_key", name=op.f("uq_self_assessment_answer_self_assessment_id_question_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("self_assessment_answer")
    with op.batch_alter_table("self_assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_assessment_municipality_id"))
    op.drop_table("self_assessment")
