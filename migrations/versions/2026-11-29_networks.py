"""networks: KL's development partnership of municipalities, with members, participants, meetings and material

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 21:00:00

- network: created by one municipality's admin, with a period and the benchmark thresholds k (providers) and m
  (municipalities) every figure across the network must rest on (domain.networks: defaults 10 and 3, floor 5 and 2);
- network_membership: one row per network and municipality, its state (invited, accepted, declined, left), when
  it was invited, answered and left, and whether the member agreed to be named beside its figures; the index on
  (municipality_id, status) serves "the networks of a municipality";
- network_participant: the users a member names as its participants, with their role in the network;
- network_meeting: the day, title, agenda and shared notes of a meeting;
- network_material: what a member shares: a document's text, a link or a note.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "network",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_municipality_id", sa.Uuid(), nullable=False),
        sa.Column("k_min_providers", sa.Integer(), nullable=False),
        sa.Column("m_min_municipalities", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_network_created_by_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
    )
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_created_by_municipality_id"), ["created_by_municipality_id"], unique=False
        )

    op.create_table(
        "network_material",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("shared_by_municipality_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("link", sa.String(length=2083), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], name=op.f("fk_network_material_network_id_network")),
        sa.ForeignKeyConstraint(
            ["shared_by_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_network_material_shared_by_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_material")),
    )
    with op.batch_alter_table("network_material", schema=None) as batch_op:
        batch_op.create_index("ix_network_material_network_created", ["network_id", "created_at"], unique=False)

    op.create_table(
        "network_meeting",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_by_municipality_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_municipality_id"],
            ["municipality.id"],
            name=op.f("fk_network_meeting_created_by_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], name=op.f("fk_network_meeting_network_id_network")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_meeting")),
    )
    with op.batch_alter_table("network_meeting", schema=None) as batch_op:
        batch_op.create_index("ix_network_meeting_network_held", ["network_id", "held_on"], unique=False)

    op.create_table(
        "network_membership",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("named_beside_figures", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_network_membership_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["network_id"], ["network.id"], name=op.f("fk_network_membership_network_id_network")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_membership")),
        sa.UniqueConstraint(
            "network_id", "municipality_id", name=op.f("uq_network_membership_network_id_municipality_id")
        ),
    )
    with op.batch_alter_table("network_membership", schema=None) as batch_op:
        batch_op.create_index("ix_network_membership_municipality_status", ["municipality_id", "status"], unique=False)

    op.create_table(
        "network_participant",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["network_membership.id"],
            name=op.f("fk_network_participant_membership_id_network_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_network_participant_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_participant")),
        sa.UniqueConstraint("membership_id", "user_id", name=op.f("uq_network_participant_membership_id_user_id")),
    )
    with op.batch_alter_table("network_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_participant_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("network_participant", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_participant_user_id"))

    op.drop_table("network_participant")
    with op.batch_alter_table("network_membership", schema=None) as batch_op:
        batch_op.drop_index("ix_network_membership_municipality_status")

    op.drop_table("network_membership")
    with op.batch_alter_table("network_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_network_meeting_network_held")

    op.drop_table("network_meeting")
    with op.batch_alter_table("network_material", schema=None) as batch_op:
        batch_op.drop_index("ix_network_material_network_created")

    op.drop_table("network_material")
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_created_by_municipality_id"))

    op.drop_table("network")
