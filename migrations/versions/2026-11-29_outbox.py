"""outbox: every domain event in the same transaction as its change

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29 21:20:00

- outbox_event: one row per domain event; `position` orders a municipality's events (the change feed's cursor),
  `id` is the webhook-id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_event",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("operation", sa.String(length=10), nullable=False),
        sa.Column("aggregate_type", sa.String(length=40), nullable=False),
        sa.Column("aggregate_id", sa.String(length=60), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=True),
        sa.Column("hidden_from_provider", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_outbox_event_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_outbox_event")),
        sa.UniqueConstraint("id", name=op.f("uq_outbox_event_id")),
    )
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_event_aggregate", ["aggregate_type", "aggregate_id", "position"], unique=False)
        batch_op.create_index("ix_outbox_event_municipality_position", ["municipality_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_event_municipality_position")
        batch_op.drop_index("ix_outbox_event_aggregate")
    op.drop_table("outbox_event")
