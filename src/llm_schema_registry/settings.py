"""One typed Settings object, read from `REGISTRY_*` environment variables and an optional file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

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
    # How many parsed schemas to keep in memory for compatibility checks.
    parsed_cache_size: int = Field(default=4096, ge=16)

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
