"""Settings come from the environment, then a TOML config file, then defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_schema_registry.settings import Settings


def test_defaults_serve_sqlite_on_loopback_8081(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("REGISTRY_HOST", "REGISTRY_PORT", "REGISTRY_DATABASE_URL", "REGISTRY_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert (settings.host, settings.port) == ("127.0.0.1", 8081)
    assert settings.database_url.get_secret_value().startswith("sqlite:///")


def test_the_environment_wins_over_the_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "registry.toml"
    config.write_text('port = 9090\nhost = "0.0.0.0"\ndatabase_url = "postgresql://u:pw@db/r"\n')
    monkeypatch.setenv("REGISTRY_CONFIG_FILE", str(config))
    monkeypatch.setenv("REGISTRY_PORT", "9191")
    settings = Settings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9191)
    assert settings.database_url.get_secret_value() == "postgresql://u:pw@db/r"


def test_the_database_password_never_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_DATABASE_URL", "postgresql://u:hunter2@db/r")
    assert "hunter2" not in repr(Settings())
    assert "hunter2" not in str(Settings().model_dump())
