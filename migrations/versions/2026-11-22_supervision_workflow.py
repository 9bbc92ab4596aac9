"""supervision workflow

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 10:58:04.162737
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("subject", "key", name=op.f("uq_idempotency_record_subject_key")),
    )
    op.create_table(
        "instrument_version",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_instrument_version_municipality_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_version")),
        sa.UniqueConstraint(
            "municipality_id", "key", "version", name=op.f("uq_instrument_version_municipality_id_key_version")
        ),
    )
    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_instrument_version_municipality_id"), ["municipality_id"], unique=False)

    op.create_table(
        "visit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("unit_ids", sa.JSON(), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("co_observer_id", sa.Uuid(), nullable=True),
        sa.Column("instrument_id", sa.Uuid(), nullable=True),
        sa.Column("dialogue_held_on", sa.Date(), nullable=True),
        sa.Column("dialogue_participants", sa.JSON(), nullable=False),
        sa.Column("dialogue_summary", sa.Text(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("concern_level", sa.String(length=20), nullable=True),
        sa.Column("concern_justification", sa.Text(), nullable=True),
        sa.Column("strengths", sa.JSON(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_reason", sa.String(length=500), nullable=True),
        sa.Column("policy_version_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["co_observer_id"], ["user_account.id"], name=op.f("fk_visit_co_observer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"], ["instrument_version.id"], name=op.f("fk_visit_instrument_id_instrument_version")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_visit_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_visit_provider_id_provider")),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["user_account.id"], name=op.f("fk_visit_supervisor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_supervisor_id"), ["supervisor_id"], unique=False)

    op.create_table(
        "assessment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("coverage", sa.Float(), nullable=True),
        sa.Column("insufficient_observation", sa.Boolean(), nullable=False),
        sa.Column("band_key", sa.String(length=40), nullable=True),
        sa.Column("band_label", sa.String(length=60), nullable=True),
        sa.Column("concern_from_score", sa.String(length=20), nullable=True),
        sa.Column("concern", sa.String(length=20), nullable=False),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.Column("parts", sa.JSON(), nullable=False),
        sa.Column("policy_version_number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_assessment_provider_id_provider")),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_assessment_unit_id_unit")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_assessment_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assessment_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "concern_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("reporter_name", sa.String(length=200), nullable=True),
        sa.Column("reporter_contact", sa.String(length=200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("triage_note", sa.Text(), nullable=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_concern_notice_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_concern_notice_provider_id_provider")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_concern_notice_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_notice")),
    )
    with op.batch_alter_table("concern_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_concern_notice_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concern_notice_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_concern_notice_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "follow_up_dialogue",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("agreed_follow_up", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_follow_up_dialogue_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_dialogue")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_follow_up_dialogue_visit_id")),
    )
    op.create_table(
        "intensified_supervision",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("concern", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("started_by_visit_id", sa.Uuid(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_grounds", sa.Text(), nullable=True),
        sa.Column("ended_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_intensified_supervision_municipality_id_municipality"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_intensified_supervision_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_visit_id"], ["visit.id"], name=op.f("fk_intensified_supervision_started_by_visit_id_visit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intensified_supervision")),
    )
    with op.batch_alter_table("intensified_supervision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intensified_supervision_municipality_id"), ["municipality_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intensified_supervision_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "observation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("observed_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_observation_unit_id_unit")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_observation_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observation_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_recommendation_provider_id_provider")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_recommendation_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "action_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("intensified_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("supervisor_id", sa.Uuid(), nullable=False),
        sa.Column("leader_name", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("comment_window_ends", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["intensified_id"],
            ["intensified_supervision.id"],
            name=op.f("fk_action_plan_intensified_id_intensified_supervision"),
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"], ["municipality.id"], name=op.f("fk_action_plan_municipality_id_municipality")
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_action_plan_provider_id_provider")),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["user_account.id"], name=op.f("fk_action_plan_supervisor_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan")),
    )
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_plan_intensified_id"), ["intensified_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_plan_municipality_id"), ["municipality_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_action_plan_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "required_action",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("intensified_id", sa.Uuid(), nullable=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("legal_reference", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intensified_id"],
            ["intensified_supervision.id"],
            name=op.f("fk_required_action_intensified_id_intensified_supervision"),
        ),
        sa.ForeignKeyConstraint(["provider_id"], ["provider.id"], name=op.f("fk_required_action_provider_id_provider")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_required_action_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_required_action")),
    )
    with op.batch_alter_table("required_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_required_action_intensified_id"), ["intensified_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_required_action_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "action_plan_comment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.String(length=200), nullable=False),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["action_plan.id"], name=op.f("fk_action_plan_comment_plan_id_action_plan")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_comment")),
    )
    with op.batch_alter_table("action_plan_comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_plan_comment_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "action_plan_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("success_criterion", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plan.id"], name=op.f("fk_action_plan_item_plan_id_action_plan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_item")),
    )
    with op.batch_alter_table("action_plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_plan_item_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "parent_board_notice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("action_plan_id", sa.Uuid(), nullable=True),
        sa.Column("informed_on", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_plan_id"], ["action_plan.id"], name=op.f("fk_parent_board_notice_action_plan_id_action_plan")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["provider.id"], name=op.f("fk_parent_board_notice_provider_id_provider")
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_parent_board_notice_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parent_board_notice")),
    )
    with op.batch_alter_table("parent_board_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parent_board_notice_action_plan_id"), ["action_plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_parent_board_notice_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_parent_board_notice_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("parent_board_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parent_board_notice_visit_id"))
        batch_op.drop_index(batch_op.f("ix_parent_board_notice_provider_id"))
        batch_op.drop_index(batch_op.f("ix_parent_board_notice_action_plan_id"))

    op.drop_table("parent_board_notice")
    with op.batch_alter_table("action_plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_item_plan_id"))

    op.drop_table("action_plan_item")
    with op.batch_alter_table("action_plan_comment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_comment_plan_id"))

    op.drop_table("action_plan_comment")
    with op.batch_alter_table("required_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_required_action_provider_id"))
        batch_op.drop_index(batch_op.f("ix_required_action_intensified_id"))

    op.drop_table("required_action")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_provider_id"))
        batch_op.drop_index(batch_op.f("ix_action_plan_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_action_plan_intensified_id"))

    op.drop_table("action_plan")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_visit_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_provider_id"))

    op.drop_table("recommendation")
    with op.batch_alter_table("observation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observation_visit_id"))

    op.drop_table("observation")
    with op.batch_alter_table("intensified_supervision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intensified_supervision_provider_id"))
        batch_op.drop_index(batch_op.f("ix_intensified_supervision_municipality_id"))

    op.drop_table("intensified_supervision")
    op.drop_table("follow_up_dialogue")
    with op.batch_alter_table("concern_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_concern_notice_visit_id"))
        batch_op.drop_index(batch_op.f("ix_concern_notice_provider_id"))
        batch_op.drop_index(batch_op.f("ix_concern_notice_municipality_id"))

    op.drop_table("concern_notice")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_visit_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_provider_id"))

    op.drop_table("assessment")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_visit_provider_id"))
        batch_op.drop_index(batch_op.f("ix_visit_municipality_id"))

    op.drop_table("visit")
    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_version_municipality_id"))

    op.drop_table("instrument_version")
    op.drop_table("idempotency_record")
