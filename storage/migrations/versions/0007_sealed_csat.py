"""team_weeks: each week's sealed customer-rating sums per team (ratings, agents, satisfied, comments and
their tone, the sources) and the overlap gap over rated agents, so CSAT follows the same frozen-week rules as mood.

Revision ID: 0007_sealed_csat
Revises: 0006_customer_ratings
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_sealed_csat"
down_revision = "0006_customer_ratings"
branch_labels = None
depends_on = None

COUNTS = ("csat_ratings", "csat_agents", "csat_satisfied", "csat_comments", "csat_comment_agents")


def upgrade() -> None:
    with op.batch_alter_table("team_weeks") as table:
        for name in COUNTS:
            table.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("csat_comment_sum", sa.Float(), nullable=False, server_default="0"))
        table.add_column(sa.Column("csat_sources", sa.String(200), nullable=False, server_default=""))
        table.add_column(sa.Column("csat_gap", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("team_weeks") as table:
        for name in (*COUNTS, "csat_comment_sum", "csat_sources", "csat_gap"):
            table.drop_column(name)
