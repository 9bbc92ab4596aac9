"""sign-in limits: failed attempts per account and per client address, with their lockout

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 18:00:00

- sign_in_limit: one row per account (username or client_id tried) or client address with recent failures at
  the token endpoint; kept in the database so that every worker sees the same limit. Rows are keyed by an
  HMAC of what was tried and are deleted on success, when an admin lifts a lockout, or once they are stale.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_in_limit",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("limited_by", sa.String(length=20), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_limit")),
    )
    with op.batch_alter_table("sign_in_limit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_limit_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sign_in_limit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_limit_updated_at"))
    op.drop_table("sign_in_limit")
