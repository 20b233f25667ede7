"""team_actions: what a manager said the team will do, numbered per team, with its outcome once done;
action_feedback: each member's changeable "helps / doesn't help", one per person per action.

Revision ID: 0009_team_actions
Revises: 0008_team_sources
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_team_actions"
down_revision = "0008_team_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.UniqueConstraint("team_id", "number", name="uq_team_actions_team_number"),
    )
    op.create_index("ix_team_actions_workspace_id", "team_actions", ["workspace_id"])
    op.create_table(
        "action_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action_id", sa.Integer(), sa.ForeignKey("team_actions.id", ondelete="CASCADE"), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("helps", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("action_id", "person_id", name="uq_action_feedback_action_person"),
    )
    op.create_index("ix_action_feedback_person_id", "action_feedback", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_action_feedback_person_id", table_name="action_feedback")
    op.drop_table("action_feedback")
    op.drop_index("ix_team_actions_workspace_id", table_name="team_actions")
    op.drop_table("team_actions")
