"""shared practice: models a member shares with its network, drafts of a policy, and adopted instruments

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-29 19:30:00

- shared_model: a member's policy or instrument version shared with a network as a model (a snapshot of its
  content, the sharing municipality, the day), `shared` or `withdrawn`; the index serves "the models of a network".
- policy_draft: a draft of a municipality's policy, never in force, changed until it is published as the next
  policy_version; adopted from a model, it records the source (network, sharing municipality, model, version).
- instrument_version.source_model_id: the model an instrument version was adopted from, if any.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shared_model",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("source_label", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("shared_on", sa.Date(), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_shared_model_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], name=op.f("fk_shared_model_network_id_network")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shared_model")),
    )
    with op.batch_alter_table("shared_model", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shared_model_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index("ix_shared_model_network_state", ["network_id", "state"], unique=False)

    op.create_table(
        "policy_draft",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("source_network_id", sa.Uuid(), nullable=True),
        sa.Column("source_municipality_id", sa.Uuid(), nullable=True),
        sa.Column("source_model_id", sa.Uuid(), nullable=True),
        sa.Column("source_version", sa.Integer(), nullable=True),
        sa.Column("published_version", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_policy_draft_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(
            ["source_model_id"], ["shared_model.id"], name=op.f("fk_policy_draft_source_model_id_shared_model")
        ),
        sa.ForeignKeyConstraint(
            ["source_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_policy_draft_source_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["source_network_id"], ["network.id"], name=op.f("fk_policy_draft_source_network_id_network")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_draft")),
    )
    with op.batch_alter_table("policy_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_draft_municipality_id"), ["municipality_id"], unique=False)

    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_model_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_instrument_version_source_model_id_shared_model"),
            "shared_model",
            ["source_model_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_instrument_version_source_model_id_shared_model"), type_="foreignkey")
        batch_op.drop_column("source_model_id")

    with op.batch_alter_table("policy_draft", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_policy_draft_municipality_id"))

    op.drop_table("policy_draft")
    with op.batch_alter_table("shared_model", schema=None) as batch_op:
        batch_op.drop_index("ix_shared_model_network_state")
        batch_op.drop_index(batch_op.f("ix_shared_model_municipality_id"))

    op.drop_table("shared_model")
