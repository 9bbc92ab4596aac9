"""impartiality declarations

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 11:00:22.998836
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "impartiality_declaration",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("relation", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("declared_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_impartiality_declaration_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_impartiality_declaration_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_impartiality_declaration_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impartiality_declaration")),
        sa.UniqueConstraint(
            "user_id", "provider_id", "relation", name=op.f("uq_impartiality_declaration_user_id_provider_id_relation")
        ),
    )
    with op.batch_alter_table("impartiality_declaration", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_impartiality_declaration_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_impartiality_declaration_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_impartiality_declaration_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("impartiality_declaration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_impartiality_declaration_user_id"))
        batch_op.drop_index(batch_op.f("ix_impartiality_declaration_provider_id"))
        batch_op.drop_index(batch_op.f("ix_impartiality_declaration_municipality_id"))

    op.drop_table("impartiality_declaration")
