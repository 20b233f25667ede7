"""team_weeks (cached weekly sums for digest history) and alert_episodes (one alert per episode)

Revision ID: 0002_insights
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_insights"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("mood_sum", sa.Integer(), nullable=False),
        sa.Column("moments", sa.Integer(), nullable=False),
        sa.Column("moment_authors", sa.Integer(), nullable=False),
        sa.Column("moments_positive", sa.Integer(), nullable=False),
        sa.Column("moments_mixed", sa.Integer(), nullable=False),
        sa.Column("moments_negative", sa.Integer(), nullable=False),
        sa.Column("moment_polarity_sum", sa.Float(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_weeks_team_id_teams"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_weeks")),
        sa.UniqueConstraint("team_id", "iso_week", name="uq_team_weeks_team_week"),
    )
    op.create_table(
        "alert_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("started_week", sa.String(length=8), nullable=False),
        sa.Column("last_week", sa.String(length=8), nullable=False),
        sa.Column("ended_week", sa.String(length=8), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_alert_episodes_team_id_teams"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_episodes")),
    )
    with op.batch_alter_table("alert_episodes", schema=None) as batch_op:
        batch_op.create_index("ix_alert_episodes_team_kind", ["team_id", "kind", "ended_week"], unique=False)
    op.create_table(
        "alert_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.String(length=8), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_alert_checks_team_id_teams"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_checks")),
        sa.UniqueConstraint("team_id", "iso_week", name="uq_alert_checks_team_week"),
    )


def downgrade() -> None:
    op.drop_table("alert_checks")
    with op.batch_alter_table("alert_episodes", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_episodes_team_kind")
    op.drop_table("alert_episodes")
    op.drop_table("team_weeks")
