"""Samples: recent validated records and curated ones per subject, replayed against
proposed versions.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schema_samples",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_schema_samples_subject_kind", "schema_samples", ["subject", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_schema_samples_subject_kind", "schema_samples")
    op.drop_table("schema_samples")
