"""Table definitions (SQLAlchemy Core), shared by the store and the migrations."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

metadata = MetaData()

schemas = Table(
    "schemas",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("guid", String(36), nullable=False, unique=True),
    Column("schema_type", String(16), nullable=False),
    Column("text", Text, nullable=False),
    # sha256 of the identity form + type + references + metadata + rules: decides "same schema".
    Column("identity_hash", String(64), nullable=False, unique=True),
    # sha256 of the identity form + type + references only: lookups match on content.
    Column("content_hash", String(64), nullable=False, index=True),
    Column("references_json", Text, nullable=False, default="[]"),
    Column("metadata_json", Text, nullable=True),
    Column("rule_set_json", Text, nullable=True),
    Column("created_ms", BigInteger, nullable=False),
)

schema_references = Table(
    "schema_references",
    metadata,
    Column("schema_id", BigInteger, nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("ref_subject", Text, nullable=False),
    Column("ref_version", Integer, nullable=False),
    PrimaryKeyConstraint("schema_id", "position"),
    Index("ix_schema_references_target", "ref_subject", "ref_version"),
)

subject_versions = Table(
    "subject_versions",
    metadata,
    Column("subject", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("schema_id", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    Column("ts", BigInteger, nullable=False),
    # Governance lifecycle (migration 0003_governance); metadata_override replaces the schema's
    # metadata for this version when governance metadata is edited in place.
    Column("state", String(16), nullable=False, default="ACTIVE", server_default="ACTIVE"),
    Column("sunset_date", String(40), nullable=True),
    Column("reason", Text, nullable=True),
    Column("metadata_override", Text, nullable=True),
    PrimaryKeyConstraint("subject", "version"),
    Index("ix_subject_versions_schema_id", "schema_id"),
)

configs = Table(
    "configs",
    metadata,
    Column("scope", Text, primary_key=True),  # "" = global
    Column("body", Text, nullable=False),
)

modes = Table(
    "modes",
    metadata,
    Column("scope", Text, primary_key=True),
    Column("mode", String(32), nullable=False),
)

# One row: the next schema id. Locked FOR UPDATE while a new id is allocated, so ids are
# handed out in commit order across every process sharing the database.
id_counter = Table(
    "id_counter",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_id", BigInteger, nullable=False),
)

# Governance (migration 0003_governance): lifecycle transition history and consumers.
lifecycle_events = Table(
    "lifecycle_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("subject", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("kind", String(16), nullable=False),  # "state" or "metadata"
    Column("from_state", String(16), nullable=True),
    Column("to_state", String(16), nullable=True),
    Column("reason", Text, nullable=True),
    Column("ts", BigInteger, nullable=False),
    Index("ix_lifecycle_events_subject", "subject"),
)

subject_consumers = Table(
    "subject_consumers",
    metadata,
    Column("subject", Text, nullable=False),
    Column("consumer_id", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("ts", BigInteger, nullable=False),
    PrimaryKeyConstraint("subject", "consumer_id"),
)

# Security (migration 0004_security): API keys and the hash-chained audit log.
api_keys = Table(
    "api_keys",
    metadata,
    Column("key_id", String(64), primary_key=True),
    Column("secret_hash", Text, nullable=False),  # scrypt$n$r$p$salt$hash, never the secret
    Column("role", String(32), nullable=False),
    Column("subjects_json", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=True),
    Column("revoked_ms", BigInteger, nullable=True),
    Column("rate_limit_per_minute", Integer, nullable=True),
    Column("description", Text, nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    # Assigned under the append lock (max + 1): the chain order is the id order.
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("time", String(40), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(64), nullable=False),
    Column("resource", Text, nullable=False),
    Column("subject", Text, nullable=True),
    Column("result", String(16), nullable=False),
    Column("request_id", Text, nullable=True),
    Column("client", Text, nullable=True),
    Column("before_json", Text, nullable=True),
    Column("after_json", Text, nullable=True),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_audit_log_actor", "actor"),
    Index("ix_audit_log_subject", "subject"),
)

# Usage (migration 0005_usage): counts per subject version, added to by every node's flushes.
schema_usage = Table(
    "schema_usage",
    metadata,
    Column("subject", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("valid", BigInteger, nullable=False, default=0, server_default="0"),
    Column("invalid", BigInteger, nullable=False, default=0, server_default="0"),
    Column("lookups", BigInteger, nullable=False, default=0, server_default="0"),
    Column("last_used_ms", BigInteger, nullable=False, default=0, server_default="0"),
    PrimaryKeyConstraint("subject", "version"),
)

# Change events (migration 0006_events): the transactional outbox, per-sink deliveries, the
# attempts made, and the registered webhooks. See `events.store` for the ordering design.
events = Table(
    "events",
    metadata,
    # Insert order (a serial); never reused on SQLite either (AUTOINCREMENT), so rows waiting
    # for their sequence are numbered in the order they were written.
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),
    Column("type", String(64), nullable=False),
    Column("subject", Text, nullable=True),
    Column("time_ms", BigInteger, nullable=False),
    Column("data", Text, nullable=False),
    Column("traceparent", String(64), nullable=True),
    # Commit order across the registry, given after commit (NULL until then).
    Column("sequence", BigInteger, nullable=True, unique=True),
    # An idempotency key: one sunset reminder per version and lead time, whatever the nodes.
    Column("once_key", Text, nullable=True, unique=True),
    Index("ix_events_unsequenced", "sequence", "id"),
    sqlite_autoincrement=True,
)

event_deliveries = Table(
    "event_deliveries",
    metadata,
    Column("sink", String(80), nullable=False),  # "webhook:<id>", "nats", "amqp"
    Column("event_id", String(36), nullable=False),
    Column("sequence", BigInteger, nullable=False),
    Column("subject", Text, nullable=True),  # copied from the event: per-subject ordering
    Column("state", String(10), nullable=False),  # pending, claimed, delivered, dead
    Column("owner", Text, nullable=True),  # the node holding a claim
    # pending: not before; claimed: the lease's end (ms since the epoch, the store's clock).
    Column("available_ms", BigInteger, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text, nullable=True),
    Column("updated_ms", BigInteger, nullable=False),
    PrimaryKeyConstraint("sink", "event_id"),
    Index("ix_event_deliveries_open", "sink", "state", "sequence"),
    Index("ix_event_deliveries_event", "event_id"),
)

event_attempts = Table(
    "event_attempts",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("sink", String(80), nullable=False),
    Column("event_id", String(36), nullable=False),
    Column("number", Integer, nullable=False),
    Column("time_ms", BigInteger, nullable=False),
    Column("status", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Index("ix_event_attempts_sink", "sink", "id"),
    Index("ix_event_attempts_event", "event_id"),
    sqlite_autoincrement=True,
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("url", Text, nullable=False),
    Column("secret", Text, nullable=False),  # HMAC needs it back: stored, shown only once
    Column("types_json", Text, nullable=False),
    Column("subjects_json", Text, nullable=False),
    Column("scope_json", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)

# Samples (migration 0007_samples): recent validated records and curated ones, per subject,
# replayed against proposed versions (registry/samples.py). PII-tagged fields never get here.
schema_samples = Table(
    "schema_samples",
    metadata,
    # BIGINT on PostgreSQL; INTEGER on SQLite, so it is the rowid and autoincrements
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("subject", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # "recent" or "curated"
    Column("record_json", Text, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
    Index("ix_schema_samples_subject_kind", "subject", "kind", "id"),
)

# Contexts (migration 0008_contexts): every named context, the number its schema keys carry
# (see registry/contexts.py) and its own id counter. The default context "." has no row: its
# keys are its ids and its counter is the `id_counter` row (or PostgreSQL's sequence).
contexts = Table(
    "contexts",
    metadata,
    Column("name", Text, primary_key=True),
    Column("number", BigInteger, nullable=False, unique=True),
    Column("next_id", BigInteger, nullable=False),
    Column("created_ms", BigInteger, nullable=False),
)
