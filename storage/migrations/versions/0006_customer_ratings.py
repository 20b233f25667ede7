"""Customer ratings from helpdesks: the ratings themselves, admins' agent links, the vendors' agent
directory, and each source's pull position.

Revision ID: 0006_customer_ratings
Revises: 0005_person_email
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_customer_ratings"
down_revision = "0005_person_email"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=False),
        sa.Column("raw_value", sa.String(16), nullable=False),
        sa.Column("scale", sa.String(16), nullable=False),
        sa.Column("agent_ref", sa.String(128), nullable=True),
        sa.Column("agent_email", sa.String(320), nullable=True),
        sa.Column("ticket_ref", sa.String(128), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("comment_polarity", sa.Float(), nullable=True),
        sa.Column("comment_label", sa.String(8), nullable=True),
        sa.Column("sentiment_version", sa.String(32), nullable=True),
        sa.Column("via", sa.String(8), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_ratings")),
        sa.UniqueConstraint("source", "external_id", name="uq_customer_ratings_source_id"),
    )
    op.create_index("ix_customer_ratings_rated_at", "customer_ratings", ["rated_at"])
    op.create_index("ix_customer_ratings_agent_email", "customer_ratings", ["agent_email"])
    op.create_table(
        "cx_agent_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspaces.id"], ondelete="CASCADE",
                                name=op.f("fk_cx_agent_links_workspace_id_workspaces")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name=op.f("fk_cx_agent_links_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cx_agent_links")),
        sa.UniqueConstraint("workspace_id", "email", name="uq_cx_agent_links_workspace_email"),
    )
    op.create_index("ix_cx_agent_links_person_id", "cx_agent_links", ["person_id"])
    op.create_table(
        "cx_agents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("agent_ref", sa.String(128), nullable=False),
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cx_agents")),
        sa.UniqueConstraint("source", "agent_ref", name="uq_cx_agents_source_ref"),
    )
    op.create_table(
        "cx_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("high_water", sa.String(64), nullable=True),
        sa.Column("cursor", sa.String(500), nullable=True),
        sa.Column("last_pulled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("last_error_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cx_sources")),
        sa.UniqueConstraint("source", name="uq_cx_sources_source"),
    )


def downgrade() -> None:
    op.drop_table("cx_sources")
    op.drop_table("cx_agents")
    op.drop_index("ix_cx_agent_links_person_id", table_name="cx_agent_links")
    op.drop_table("cx_agent_links")
    op.drop_index("ix_customer_ratings_agent_email", table_name="customer_ratings")
    op.drop_index("ix_customer_ratings_rated_at", table_name="customer_ratings")
    op.drop_table("customer_ratings")
