"""One typed Settings object, read from `REGISTRY_*` environment variables and an optional file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./data/registry.db"


class Settings(BaseSettings):
    """Registry configuration. Secrets are `SecretStr` so they never print."""

    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8081
    database_url: SecretStr = SecretStr(DEFAULT_DATABASE_URL)
    # A PostgreSQL read replica for read traffic (writes always go to database_url).
    database_read_url: SecretStr | None = None
    # Redis: change feed between nodes (instead of PostgreSQL LISTEN/NOTIFY).
    redis_url: SecretStr | None = None
    otlp_endpoint: str | None = None  # e.g. http://collector:4318: enables tracing
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_schema_bytes: int = Field(default=1024 * 1024, ge=1024)
    cluster_id: str = "llm-schema-registry"
    log_level: str = "INFO"
    # The most memory the pre-encoded `GET /schemas/ids/{id}` bodies may take (LRU beyond it).
    schema_body_cache_bytes: int = Field(default=64 * 1024 * 1024, ge=64 * 1024)
    # Load those bodies in the background after start, until that bound (api/warmup.py).
    # None: on for PostgreSQL, off for SQLite (embedded: its reads run on the serving thread
    # and a first read costs no network round trip).
    warm_schema_cache: bool | None = None
    # Once started, move the objects start-up made (routes, models, parsed schemas, caches)
    # out of the cyclic garbage collector's sight (`gc.freeze`): its full passes then walk
    # only what requests allocate. Off where many apps start in one process (tests), whose
    # frozen cycles would never be collected.
    gc_freeze: bool = True
    # How many parsed schemas to keep in memory for compatibility checks.
    parsed_cache_size: int = Field(default=4096, ge=16)
    # Security (docs/security.md). Off by default only on loopback; `serve` enforces that.
    auth_enabled: bool = False
    # How long a verified API key is trusted before its row (revoked? expired?) is re-read.
    api_key_cache_seconds: float = Field(default=5.0, ge=0)
    # Failed authentications allowed per client address and per key id, per minute (a burst
    # of this many, then refused with 429 before any hash is paid).
    auth_failures_per_minute: int = Field(default=10, ge=1)
    audit_enabled: bool = True  # mutations, denials and login failures
    jwt_jwks_url: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_secret: SecretStr | None = None  # HS256 shared secret
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_roles_claim: str = "roles"
    signing_key_file: Path | None = None  # PEM private key: Ed25519 or ECDSA P-256
    signing_previous_key_files: str = ""  # comma-separated PEM files of retired keys
    rate_limit_per_minute: int = Field(default=1000, ge=1)
    # JSON, e.g. {"consumer": 5000}; a key's own limit (keys create --rate-limit) wins.
    rate_limit_per_role: dict[str, int] = Field(default_factory=dict)
    # Registration policies (docs/security.md): each "off", "warn" or "block".
    policy_pii: str = "off"
    policy_max_properties: int | None = None
    policy_max_depth: int | None = None
    policy_limits_action: str = "block"
    policy_required_metadata: str = ""  # comma-separated, e.g. "owner,description"
    policy_metadata_action: str = "warn"
    # The gRPC API beside REST (docs/grpc.md): `serve` runs it on this port; 0 turns it off.
    grpc_port: int = Field(default=9090, ge=0, le=65535)
    # Several processes may bind the gRPC port (SO_REUSEPORT): `serve --workers N` sets it.
    grpc_reuse_port: bool = False
    # Change events (docs/events.md): written to the outbox with every change unless off.
    events_enabled: bool = True
    # Where the outbox relay runs (docs/events.md): "inline" in every serving process, or
    # "external" in its own `llm-schema relay` process (the serving process only writes).
    events_relay: Literal["inline", "external"] = "inline"
    events_source: str = "llm-schema-registry"  # CloudEvents `source`: this registry's URL
    events_nats_url: str | None = None  # NATS JetStream, e.g. nats://127.0.0.1:4222
    events_nats_stream: str = "SCHEMA_REGISTRY_EVENTS"  # created when absent
    events_nats_subject_prefix: str = "schema-registry.events"  # + "." + the event type
    events_amqp_url: SecretStr | None = None  # RabbitMQ, e.g. amqp://guest:guest@host/
    events_amqp_exchange: str = "schema-registry.events"  # a durable topic exchange
    # How long a node's claim on an event lasts unrenewed: a killed node's events go to the
    # others (or to it, restarted) after this.
    events_lease_seconds: float = Field(default=60.0, gt=0)
    events_retention_days: float = Field(default=7.0, gt=0)  # delivered events kept
    # How often the relay looks for new events when nothing woke it: commits on this node wake
    # it, and an external relay hears other processes' commits on the change feed (PostgreSQL
    # NOTIFY or Redis), so this is the fallback (SQLite's external relay, a lost notice).
    events_poll_seconds: float = Field(default=1.0, gt=0, le=3600)
    webhook_allow_private: bool = False  # loopback, private and link-local receivers (SSRF)
    webhook_retries: int = Field(default=3, ge=0, le=20)
    webhook_retry_min_seconds: float = Field(default=0.5, ge=0)
    webhook_retry_max_seconds: float = Field(default=5.0, ge=0)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Lead times of `version.sunset_approaching`, in days before a sunset date.
    sunset_reminder_days: str = "30,7"
    sunset_sweep_seconds: float = Field(default=60.0, gt=0)
    # TLS of both APIs (PEM files; `serve --tls-cert/--tls-key/--tls-client-ca` set them); a
    # client CA makes client certificates required (mTLS).
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    # Usage counts (docs/ui.md): each node writes its counts this often; a crash loses at most
    # one interval of them.
    usage_flush_seconds: float = Field(default=10.0, gt=0)
    # Dashboard sessions (docs/ui.md): `kid:secret` pairs, comma-separated; the first signs,
    # all verify (rotation). Unset: a random key per process (set it with several nodes or
    # workers, or sessions only work on the node that issued them).
    ui_session_keys: SecretStr | None = None
    ui_session_hours: float = Field(default=8.0, gt=0)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Precedence: explicit arguments > environment > config file (REGISTRY_CONFIG_FILE).
        return (init_settings, env_settings, _ConfigFileSource(settings_cls))


class _ConfigFileSource(PydanticBaseSettingsSource):
    """Reads a TOML file named by REGISTRY_CONFIG_FILE (keys as the field names)."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        path = os.environ.get("REGISTRY_CONFIG_FILE")
        if not path:
            return {}
        import tomllib

        with Path(path).open("rb") as handle:
            data = tomllib.load(handle)
        return {key: value for key, value in data.items() if key in self.settings_cls.model_fields}
