"""legal core: fixed cycle starts, the units behind an escalation, a report's first publication

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 16:10:00

- provider.cycle_start: the first day of the provider's supervision cycle, so every due date is a fixed day
  (set by an admin, or by the first supervision after registration);
- intensified_supervision.cause_unit_ids: the units whose concern started or raised the episode, so ending it
  can ask for a new assessment of each of them;
- report.first_published_on: the day the first version was published; a correction keeps it, so the two-year
  clock of the publication duty is not reset by correcting a typo.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cycle_start", sa.Date(), nullable=True))
    with op.batch_alter_table("intensified_supervision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause_unit_ids", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_published_on", sa.Date(), nullable=True))
    # Existing published reports: the first publication is the oldest published_on along the correction chain.
    # One pass per chain length is enough in practice; corrections of corrections are rare and short.
    for _ in range(5):
        op.execute(
            "UPDATE report SET first_published_on = COALESCE("
            "(SELECT COALESCE(o.first_published_on, o.published_on) FROM report o WHERE o.id = report.replaces_id),"
            " published_on) WHERE published_on IS NOT NULL OR replaces_id IS NOT NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("first_published_on")
    with op.batch_alter_table("intensified_supervision", schema=None) as batch_op:
        batch_op.drop_column("cause_unit_ids")
    with op.batch_alter_table("provider", schema=None) as batch_op:
        batch_op.drop_column("cycle_start")
