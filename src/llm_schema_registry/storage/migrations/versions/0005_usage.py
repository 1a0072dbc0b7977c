"""Usage: records validated and version lookups per subject version, summed over every node.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schema_usage",
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("valid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("invalid", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lookups", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("last_used_ms", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("subject", "version"),
    )


def downgrade() -> None:
    op.drop_table("schema_usage")
