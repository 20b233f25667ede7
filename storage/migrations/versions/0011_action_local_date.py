"""team_actions.local_date: the date where the recorder was when the action was recorded, so its week is the
same local ISO week every answer and moment is counted in (not the UTC one). Existing actions get the date of
created_at in the recorder's zone (the person's, else the workspace's; the workspace's once the recorder is gone).

Revision ID: 0011_action_local_date
Revises: 0010_shared_notes
"""
from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from alembic import op

from storage.calendar import zone

revision = "0011_action_local_date"
down_revision = "0010_shared_notes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("team_actions") as table:
        table.add_column(sa.Column("local_date", sa.Date(), nullable=True))
    actions = sa.table("team_actions", sa.column("id", sa.Integer()), sa.column("created_by", sa.Integer()),
                       sa.column("workspace_id", sa.Integer()), sa.column("created_at", sa.DateTime(timezone=True)),
                       sa.column("local_date", sa.Date()))
    people = sa.table("people", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))
    workspaces = sa.table("workspaces", sa.column("id", sa.Integer()), sa.column("timezone", sa.String()))
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(actions.c.id, actions.c.created_at, people.c.timezone, workspaces.c.timezone)
        .select_from(actions.join(workspaces, workspaces.c.id == actions.c.workspace_id)
                     .outerjoin(people, people.c.id == actions.c.created_by))).all()
    for action_id, created_at, person_zone, workspace_zone in rows:
        at = created_at.replace(tzinfo=UTC) if created_at.tzinfo is None else created_at  # SQLite: UTC, no zone
        bind.execute(actions.update().where(actions.c.id == action_id)
                     .values(local_date=at.astimezone(zone(person_zone, workspace_zone)).date()))
    with op.batch_alter_table("team_actions") as table:
        table.alter_column("local_date", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("team_actions") as table:
        table.drop_column("local_date")
