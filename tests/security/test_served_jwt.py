"""A Bearer JWT accepted end to end: a served registry checks tokens against a JWKS served by
a real local HTTP server; the SDK (`bearer_token=`) and the CLI (`--token`,
`LLM_SCHEMA_TOKEN`) register and read within the token's scope, and are refused outside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from secsupport import AVRO_V1
from test_security_jwt import AUDIENCE, ISSUER, jwks_url, token

from llm_schema_registry.client import AuthenticationError, RegistryClient
from support import ServerProcess

__all__ = ["jwks_url"]  # the JWKS server fixture, used here too

CLI = [sys.executable, "-m", "llm_schema_registry.cli.main"]


@pytest.fixture
def registry(jwks_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "REGISTRY_AUTH_ENABLED": "true",
        "REGISTRY_JWT_JWKS_URL": jwks_url,
        "REGISTRY_JWT_ISSUER": ISSUER,
        "REGISTRY_JWT_AUDIENCE": AUDIENCE,
    }
    server = ServerProcess(f"sqlite:///{tmp_path}/r.db", tmp_path, env)
    yield server
    server.stop()


def _cli(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "LLM_SCHEMA_URL": url, **env}
    return subprocess.run([*CLI, *args], env=full, capture_output=True, text=True, timeout=60)


def test_the_sdk_and_the_cli_authenticate_with_a_jwks_token(
    registry: ServerProcess, tmp_path: Path
) -> None:
    publisher = token(roles=[{"role": "publisher", "subjects": ["telemetry.*"]}])
    with RegistryClient(registry.url, bearer_token=publisher, retries=0) as sdk:
        schema_id = sdk.register("telemetry.events", AVRO_V1)
        assert sdk.get_schema(schema_id).schema == AVRO_V1
        with pytest.raises(AuthenticationError) as outside:
            sdk.register("billing.invoices", AVRO_V1)
        assert outside.value.error_code == 40301
    with RegistryClient(registry.url, bearer_token=token(exp=1), retries=0) as expired:
        with pytest.raises(AuthenticationError) as refused:
            expired.subjects()
        assert refused.value.error_code == 40101

    schema = tmp_path / "e.avsc"
    schema.write_text(AVRO_V1)
    made = _cli(registry.url, "--token", publisher, "register", "telemetry.cli", str(schema))
    assert made.returncode == 0, made.stdout + made.stderr
    listed = _cli(
        registry.url, "--output", "json", "list", LLM_SCHEMA_TOKEN=token(roles=["consumer"])
    )
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == ["telemetry.cli", "telemetry.events"]
    forbidden = _cli(registry.url, "--token", publisher, "register", "billing.cli", str(schema))
    assert forbidden.returncode == 2
    assert forbidden.stderr == "error: Forbidden: the caller lacks this permission\n"
    unsigned = _cli(registry.url, "--token", "not.a.token", "list")
    assert unsigned.returncode == 2
    assert unsigned.stderr == "error: Unauthorized: missing or invalid credentials\n"

    # The audit trail names the token's subject.
    auditor = {"Authorization": f"Bearer {token(roles=['auditor'])}"}
    entries = httpx.get(f"{registry.url}/audit", headers=auditor).json()
    assert {"jwt:alice"} <= {e["actor"] for e in entries if e["action"] == "schema.create"}
