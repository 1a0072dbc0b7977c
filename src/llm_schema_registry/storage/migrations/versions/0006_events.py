"""Change events: the transactional outbox, deliveries per sink, attempts, webhooks.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SERIAL = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", SERIAL, primary_key=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("traceparent", sa.String(64), nullable=True),
        sa.Column("sequence", sa.BigInteger, nullable=True, unique=True),
        sa.Column("once_key", sa.Text, nullable=True, unique=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_events_unsequenced", "events", ["sequence", "id"])
    op.create_table(
        "event_deliveries",
        sa.Column("sink", sa.String(80), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        sa.Column("subject", sa.Text, nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("owner", sa.Text, nullable=True),
        sa.Column("available_ms", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("updated_ms", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("sink", "event_id"),
    )
    op.create_index("ix_event_deliveries_open", "event_deliveries", ["sink", "state", "sequence"])
    op.create_index("ix_event_deliveries_event", "event_deliveries", ["event_id"])
    op.create_table(
        "event_attempts",
        sa.Column("id", SERIAL, primary_key=True),
        sa.Column("sink", sa.String(80), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("time_ms", sa.BigInteger, nullable=False),
        sa.Column("status", sa.Integer, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_attempts_sink", "event_attempts", ["sink", "id"])
    op.create_index("ix_event_attempts_event", "event_attempts", ["event_id"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("types_json", sa.Text, nullable=False),
        sa.Column("subjects_json", sa.Text, nullable=False),
        sa.Column("scope_json", sa.Text, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_ms", sa.BigInteger, nullable=False),
    )
    # The last sequence given: numbers keep growing after old events are purged.
    op.execute("INSERT INTO id_counter (name, next_id) VALUES ('event_sequence', 1)")


def downgrade() -> None:
    op.execute("DELETE FROM id_counter WHERE name = 'event_sequence'")
    for table in ("webhooks", "event_attempts", "event_deliveries", "events"):
        op.drop_table(table)
