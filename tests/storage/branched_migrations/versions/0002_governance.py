"""Governance: version lifecycle columns, transition history and consumers.

Revision ID: 0002_governance
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_governance"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("subject_versions") as batch:
        batch.add_column(sa.Column("state", sa.String(16), nullable=False, server_default="ACTIVE"))
        batch.add_column(sa.Column("sunset_date", sa.String(40), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text, nullable=True))
        batch.add_column(sa.Column("metadata_override", sa.Text, nullable=True))
    op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("from_state", sa.String(16), nullable=True),
        sa.Column("to_state", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("ts", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_lifecycle_events_subject", "lifecycle_events", ["subject"])
    op.create_table(
        "subject_consumers",
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("consumer_id", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("subject", "consumer_id"),
    )


def downgrade() -> None:
    op.drop_table("subject_consumers")
    op.drop_index("ix_lifecycle_events_subject", "lifecycle_events")
    op.drop_table("lifecycle_events")
    with op.batch_alter_table("subject_versions") as batch:
        batch.drop_column("metadata_override")
        batch.drop_column("reason")
        batch.drop_column("sunset_date")
        batch.drop_column("state")
