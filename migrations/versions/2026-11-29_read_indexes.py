"""read indexes: the heavy reads at national scale walk an index in their own order

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 20:00:00

- provider (municipality_id, name, id): the provider list pages by name within a municipality.
- audit_event (municipality_id, at, id) and (municipality_id, actor_id, at, id): the audit list pages newest
  first within a municipality, with or without an actor filter, instead of sorting the tenant's history.
- visit (provider_id, status, held_on): the completed visits of a municipality's providers (/due, the tracker,
  compliance) without reading the planned and cancelled ones.
- report (provider_id, status): the latest published report per scope and the reports in a state (/due).
- required_action (provider_id, done_on): the open required actions.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    ("provider", "ix_provider_municipality_name", ["municipality_id", "name", "id"]),
    ("audit_event", "ix_audit_event_municipality_at", ["municipality_id", "at", "id"]),
    ("audit_event", "ix_audit_event_municipality_actor_at", ["municipality_id", "actor_id", "at", "id"]),
    ("visit", "ix_visit_provider_status_held", ["provider_id", "status", "held_on"]),
    ("report", "ix_report_provider_status", ["provider_id", "status"]),
    ("required_action", "ix_required_action_provider_open", ["provider_id", "done_on"]),
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
