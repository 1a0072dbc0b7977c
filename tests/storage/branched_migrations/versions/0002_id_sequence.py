"""PostgreSQL: schema ids from a sequence (no global lock per new schema).

Revision ID: 0002_id_sequence
Revises: 0001
"""

from alembic import op

revision = "0002_id_sequence"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite has one writer at a time: the counter row stays
    op.execute("CREATE SEQUENCE IF NOT EXISTS schema_ids")
    # Continue after every id handed out so far, never below it.
    op.execute(
        "SELECT setval('schema_ids', GREATEST((SELECT next_id FROM id_counter "
        "WHERE name = 'schema'), (SELECT COALESCE(MAX(id), 0) + 1 FROM schemas)), false)"
    )
