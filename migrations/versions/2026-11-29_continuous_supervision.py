"""continuous supervision: the conversations with each provider's leadership and the follow-ups agreed in them

Revision ID: 0013
Revises: 0009
Create Date: 2026-11-29 20:00:00

- supervision_conversation: a conversation of the continuous supervision (løbende tilsyn), its type from the policy
  in force on the day it was held (domain.conversations), who took part by role, topics, data looked at, notes;
- conversation_follow_up: what was agreed in it, with an owner (a role or a user), a due day and a status.
Policy versions need no change: one saved without `conversation_types` reads as Kolding's list.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "supervision_conversation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("type_key", sa.String(length=40), nullable=False),
        sa.Column("type_label", sa.String(length=100), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("data_looked_at", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_supervision_conversation_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_supervision_conversation_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_conversation")),
    )
    with op.batch_alter_table("supervision_conversation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervision_conversation_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index("ix_supervision_conversation_provider_held", ["provider_id", "held_on"], unique=False)
    op.create_table(
        "conversation_follow_up",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("conversation_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_role", sa.String(length=40), nullable=True),
        sa.Column("owner_user_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["supervision_conversation.id"],
            name=op.f("fk_conversation_follow_up_conversation_id_supervision_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["user_account.id"], name=op.f("fk_conversation_follow_up_owner_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_conversation_follow_up_provider_id_provider")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversation_follow_up")),
    )
    with op.batch_alter_table("conversation_follow_up", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_follow_up_conversation_id"), ["conversation_id"], unique=False
        )
        batch_op.create_index("ix_conversation_follow_up_provider_status", ["provider_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("conversation_follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_conversation_follow_up_provider_status")
        batch_op.drop_index(batch_op.f("ix_conversation_follow_up_conversation_id"))
    op.drop_table("conversation_follow_up")
    with op.batch_alter_table("supervision_conversation", schema=None) as batch_op:
        batch_op.drop_index("ix_supervision_conversation_provider_held")
        batch_op.drop_index(batch_op.f("ix_supervision_conversation_municipality_id"))
    op.drop_table("supervision_conversation")
