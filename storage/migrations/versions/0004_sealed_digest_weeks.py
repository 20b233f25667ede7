"""team_weeks becomes the sealed record of a settled week: full sums (score distribution, notes) and the
overlap gap, written once for every team of a workspace and never recomputed (issue 6: edits and
forget-me after a week settled must not change the figures a manager can ask for again).

Revision ID: 0004_sealed_weeks
Revises: 0003_slack_oauth
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sealed_weeks"
down_revision = "0003_slack_oauth"
branch_labels = None
depends_on = None

COUNTS = ("score_1", "score_2", "score_3", "score_4", "score_5", "notes", "note_authors")


def upgrade() -> None:
    with op.batch_alter_table("team_weeks") as table:
        for name in COUNTS:
            table.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("note_polarity_sum", sa.Float(), nullable=False, server_default="0"))
        table.add_column(sa.Column("overlap_gap", sa.Integer(), nullable=True))
        table.add_column(sa.Column("sealed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("team_weeks") as table:
        for name in ("sealed", "overlap_gap", "note_polarity_sum", *reversed(COUNTS)):
            table.drop_column(name)
