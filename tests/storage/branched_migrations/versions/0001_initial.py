"""Initial registry tables.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schemas",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("guid", sa.String(36), nullable=False, unique=True),
        sa.Column("schema_type", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("identity_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("references_json", sa.Text, nullable=False),
        sa.Column("metadata_json", sa.Text, nullable=True),
        sa.Column("rule_set_json", sa.Text, nullable=True),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_schemas_content_hash", "schemas", ["content_hash"])
    op.create_table(
        "schema_references",
        sa.Column("schema_id", sa.BigInteger, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("ref_subject", sa.Text, nullable=False),
        sa.Column("ref_version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("schema_id", "position"),
    )
    op.create_index(
        "ix_schema_references_target", "schema_references", ["ref_subject", "ref_version"]
    )
    op.create_table(
        "subject_versions",
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("schema_id", sa.BigInteger, nullable=False),
        sa.Column("deleted", sa.Boolean, nullable=False),
        sa.Column("ts", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("subject", "version"),
    )
    op.create_index("ix_subject_versions_schema_id", "subject_versions", ["schema_id"])
    op.create_table(
        "configs",
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "modes",
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("mode", sa.String(32), nullable=False),
    )
    op.create_table(
        "id_counter",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("next_id", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(
        sa.table("id_counter", sa.column("name", sa.String), sa.column("next_id", sa.BigInteger)),
        [{"name": "schema", "next_id": 1}],
    )
