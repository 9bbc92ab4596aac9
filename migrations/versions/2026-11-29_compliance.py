"""compliance: the data a visit drew on, its starting point in the læreplan, and exemption periods

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 16:30:00

- visit.data_sources: the data the visit drew on (§5a stk. 4), domain.compliance.DataSource values;
- visit.based_on_curriculum: the visit started from the pedagogical foundation of the læreplan (§5a stk. 1);
- exemption: a period in which a municipality may deviate from the legal minimums (e.g. a velfærdsaftale).
Existing visits get no data and no curriculum flag: what was not recorded counts as not done.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_sources", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("based_on_curriculum", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "exemption",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("minimums", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_exemption_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exemption")),
    )
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exemption_municipality_id"), ["municipality_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("exemption", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exemption_municipality_id"))
    op.drop_table("exemption")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("based_on_curriculum")
        batch_op.drop_column("data_sources")
