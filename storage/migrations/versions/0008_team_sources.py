"""team_sources: teams that follow a Slack user group or channel, a Teams team or the org chart; and
people.welcomed_at, so a synced person gets one welcome DM, ever. People known before this migration
count as welcomed: they already talk to Tandem. sync_opt_outs: the one key kept of someone who asked to be
forgotten, so a sync does not add them back.

Revision ID: 0008_team_sources
Revises: 0007_sealed_csat
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_team_sources"
down_revision = "0007_sealed_csat"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("managers_from_source", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_added", sa.Integer(), nullable=False),
        sa.Column("last_removed", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("team_id", name="uq_team_sources_team_id"),
    )
    op.create_index("ix_team_sources_lookup", "team_sources", ["workspace_id", "kind", "reference"])
    op.create_table(
        "sync_opt_outs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(330), nullable=False),
        sa.Column("person_key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("workspace_id", "key", name="uq_sync_opt_outs_workspace_key"),
    )
    with op.batch_alter_table("people") as table:
        table.add_column(sa.Column("welcomed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE people SET welcomed_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("people") as table:
        table.drop_column("welcomed_at")
    op.drop_table("sync_opt_outs")
    op.drop_index("ix_team_sources_lookup", table_name="team_sources")
    op.drop_table("team_sources")
