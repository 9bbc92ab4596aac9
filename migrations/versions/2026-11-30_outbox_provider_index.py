"""outbox provider index: a provider-bound caller's change feed reads its own provider's events in order

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-30 09:00:00

- outbox_event (municipality_id, provider_id, position): a leader's, staff member's or parent board's page of
  GET /changes is one ordered range of its provider's events and one of the municipality-wide events, each
  stopping at the LIMIT, instead of a walk through the whole municipality's history filtering out other providers.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_outbox_event_municipality_provider_position"


def upgrade() -> None:
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.create_index(NAME, ["municipality_id", "provider_id", "position"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_event", schema=None) as batch_op:
        batch_op.drop_index(NAME)
