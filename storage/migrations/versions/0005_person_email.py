"""people.email: the address a person is known by in the helpdesk and the org chart (lower-cased), so
customer ratings and synced rosters can be matched to people.

Revision ID: 0005_person_email
Revises: 0004_sealed_weeks
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_person_email"
down_revision = "0004_sealed_weeks"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as table:
        table.add_column(sa.Column("email", sa.String(320), nullable=True))
    op.create_index("ix_people_workspace_email", "people", ["workspace_id", "email"])


def downgrade() -> None:
    op.drop_index("ix_people_workspace_email", table_name="people")
    with op.batch_alter_table("people") as table:
        table.drop_column("email")
