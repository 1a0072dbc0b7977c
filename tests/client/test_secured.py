"""The SDK and the CLI against a registry with authentication and schema signing on: real
credentials accepted or refused, and bundles that carry verifiable signatures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from llm_schema_registry.client import (
    AuthenticationError,
    Registry,
    RegistryClient,
    export_bundle,
)
from llm_schema_registry.security.signing import verify_document
from support import ServerProcess

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
TICKET = {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]}


def create_key(database_url: str, role: str) -> dict[str, str]:
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url}
    done = subprocess.run(
        [SCRIPT, "--output", "json", "keys", "create", "--role", role],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    created: dict[str, str] = json.loads(done.stdout)
    return created


@pytest.fixture(scope="module")
def secured(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ServerProcess, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("secured")
    database_url = f"sqlite:///{folder}/registry.db"
    publisher = create_key(database_url, "publisher")
    signing = folder / "signing.pem"
    private = ed25519.Ed25519PrivateKey.generate()
    signing.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    env = {"REGISTRY_AUTH_ENABLED": "true", "REGISTRY_SIGNING_KEY_FILE": str(signing)}
    server = ServerProcess(database_url, folder, env=env)
    yield server, publisher
    server.stop()


def test_credentials_are_sent_and_refusals_typed(
    secured: tuple[ServerProcess, dict[str, str]],
) -> None:
    server, key = secured
    with RegistryClient(server.url) as anonymous, pytest.raises(AuthenticationError) as refused:
        anonymous.subjects()
    assert refused.value.status == 401
    with RegistryClient(server.url, basic_auth=(key["key_id"], key["secret"])) as sdk:
        assert sdk.register("signed-value", TICKET, "JSON") > 0
    with RegistryClient(server.url, api_key=key["secret"]) as sdk:
        assert "signed-value" in sdk.subjects()


def test_bundle_signatures_verify_offline(
    secured: tuple[ServerProcess, dict[str, str]], tmp_path: Path
) -> None:
    server, key = secured
    with RegistryClient(server.url, basic_auth=(key["key_id"], key["secret"])) as sdk:
        schema_id = sdk.register("signed-value", TICKET, "JSON")
        bundle = export_bundle(sdk, ["signed-value"], tmp_path / "signed.json")
    assert bundle["schemas"][0]["signature"]["id"] == schema_id
    offline = Registry.from_bundle(tmp_path / "signed.json")
    signature, keys = offline.signature(schema_id), offline.public_keys
    assert signature is not None and keys is not None
    schema = offline.get_schema(schema_id).schema
    assert verify_document(signature, keys, canonical=schema)
    assert not verify_document(signature, keys, canonical=schema.replace("title", "name"))


def test_cli_uses_credentials_from_the_environment(
    secured: tuple[ServerProcess, dict[str, str]],
) -> None:
    server, key = secured
    base = {k: v for k, v in os.environ.items() if not k.startswith("LLM_SCHEMA_")}
    env = {**base, "LLM_SCHEMA_URL": server.url}
    refused = subprocess.run(
        [SCRIPT, "--output", "json", "list"], env=env, capture_output=True, text=True
    )
    assert refused.returncode == 2 and json.loads(refused.stdout)["error_code"] == 40101
    allowed = subprocess.run(
        [SCRIPT, "--output", "json", "list"],
        env={**env, "LLM_SCHEMA_BASIC_AUTH": f"{key['key_id']}:{key['secret']}"},
        capture_output=True,
        text=True,
    )
    assert allowed.returncode == 0 and "signed-value" in json.loads(allowed.stdout)
