"""own observations: leader and staff observe their own provider with the municipality's instrument

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 19:00:00

- own_observation: one row per observation a leader or staff member made of their own provider (or a unit), with
  the instrument version, the day, item scores and notes, and who recorded it (the account id and role, no name).
  Never linked to a visit and never read by the assessment; the index serves "a provider's own observations in a
  period", which is how the dialogue and evidence views find the ones beside a visit.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "own_observation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("instrument_id", sa.Uuid(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instrument_version.id"],
            name=op.f("fk_own_observation_instrument_id_instrument_version"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_own_observation_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_own_observation_provider_id_provider")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_own_observation_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_own_observation")),
    )
    with op.batch_alter_table("own_observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_own_observation_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index("ix_own_observation_provider_observed", ["provider_id", "observed_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("own_observation", schema=None) as batch_op:
        batch_op.drop_index("ix_own_observation_provider_observed")
        batch_op.drop_index(batch_op.f("ix_own_observation_municipality_id"))
    op.drop_table("own_observation")
