"""filing: a KLE classification per municipality; the report's KLE number and its PDF's SHA-256

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-29 21:50:00

- municipality.kle_classification: the KLE subject its case system files supervision reports under (default
  28.00.00, the general subject of the daycare hovedgruppe; see domain/filing.py).
- report.kle_classification, report.pdf_sha256: set when a report becomes final. Reports already final keep null:
  their PDFs were never hashed by this service, and the municipality's number then is not known.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kle_classification", sa.String(length=12), nullable=False, server_default="28.00.00")
        )
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kle_classification", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("pdf_sha256", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.drop_column("pdf_sha256")
        batch_op.drop_column("kle_classification")
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("kle_classification")
