"""shared_notes: a check-in note its author chose to share, anonymously, with their team's managers;
shared_note_messages: the conversation on it (manager side and author side), relayed without names.

Revision ID: 0010_shared_notes
Revises: 0009_team_actions
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_shared_notes"
down_revision = "0009_team_actions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shared_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("teams.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mood_entry_id", sa.Integer(), sa.ForeignKey("mood_entries.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("author_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
        sa.Column("iso_week", sa.String(8), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.UniqueConstraint("team_id", "number", name="uq_shared_notes_team_number"),
        sa.UniqueConstraint("mood_entry_id", name="uq_shared_notes_mood_entry"),
    )
    op.create_index("ix_shared_notes_team_week", "shared_notes", ["team_id", "iso_week"])
    op.create_index("ix_shared_notes_author_id", "shared_notes", ["author_id"])
    op.create_table(
        "shared_note_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("note_id", sa.Integer(), sa.ForeignKey("shared_notes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("side", sa.String(8), nullable=False),
        sa.Column("sender_id", sa.Integer(), sa.ForeignKey("people.id", ondelete="SET NULL"), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_shared_note_messages_note_id", "shared_note_messages", ["note_id"])


def downgrade() -> None:
    op.drop_index("ix_shared_note_messages_note_id", table_name="shared_note_messages")
    op.drop_table("shared_note_messages")
    op.drop_index("ix_shared_notes_author_id", table_name="shared_notes")
    op.drop_index("ix_shared_notes_team_week", table_name="shared_notes")
    op.drop_table("shared_notes")
