"""Real server processes: the loopback rule, keys from the CLI on a fresh database, the real
confluent-kafka client with basic.auth.user.info, `llm-schema verify`, and rate limits shared
by two servers through Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext
from test_security_signing import write_key

from support import ServerProcess, free_port, require_redis

CLI = [sys.executable, "-m", "llm_schema_registry.cli.main"]
EVENT = json.dumps(
    {
        "type": "record",
        "name": "Event",
        "namespace": "ai.llm",
        "fields": [{"name": "model", "type": "string"}],
    }
)


def cli(url: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "REGISTRY_DATABASE_URL": url, **env}
    return subprocess.run([*CLI, *args], env=full, capture_output=True, text=True, timeout=60)


def create_key(url: str, role: str, *extra: str) -> dict[str, str]:
    done = cli(url, "--output", "json", "keys", "create", "--role", role, *extra)
    assert done.returncode == 0, done.stderr
    created: dict[str, str] = json.loads(done.stdout)
    return created


def test_non_loopback_without_auth_refuses_to_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    done = cli(url, "serve", "--host", "0.0.0.0", "--port", str(free_port()))
    assert done.returncode != 0
    assert "REGISTRY_AUTH_ENABLED=true" in done.stderr and "--insecure" in done.stderr


def test_insecure_starts_and_warns(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path}/r.db"}
    log = tmp_path / "server.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [*CLI, "serve", "--host", "0.0.0.0", "--port", str(port), "--insecure"],
            env=env,
            cwd=tmp_path,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                pytest.fail(log.read_text())
        finally:
            process.terminate()
            process.wait(timeout=15)
    assert "WARNING: serving WITHOUT authentication" in log.read_text()


def test_confluent_client_with_basic_auth_and_cli_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"  # keys create migrates a fresh database
    publisher = create_key(url, "publisher", "--subjects", "telemetry.*")
    consumer = create_key(url, "consumer", "--subjects", "telemetry.*")
    signing = write_key(tmp_path / "signing.pem")
    env = {"REGISTRY_AUTH_ENABLED": "true", "REGISTRY_SIGNING_KEY_FILE": str(signing)}
    server = ServerProcess(url, tmp_path, env=env)
    try:

        def serializer(key: dict[str, str]) -> AvroSerializer:
            conf = {
                "url": server.url,
                "basic.auth.user.info": f"{key['key_id']}:{key['secret']}",
            }
            made: AvroSerializer = AvroSerializer(SchemaRegistryClient(conf), EVENT)
            return made

        ctx = SerializationContext("telemetry.events", MessageField.VALUE)
        payload = serializer(publisher)({"model": "m"}, ctx)
        assert payload is not None and payload[0] == 0
        schema_id = int.from_bytes(payload[1:5], "big")
        with pytest.raises(SchemaRegistryError) as refused:
            serializer(consumer)(
                {"model": "m"}, SerializationContext("telemetry.other", MessageField.VALUE)
            )
        assert refused.value.http_status_code == 403
        assert refused.value.error_code == 40301
        anonymous = httpx.get(f"{server.url}/subjects")
        assert anonymous.status_code == 401

        basic = f"{consumer['key_id']}:{consumer['secret']}"
        ok = cli(url, "--url", server.url, "--basic-auth", basic, "verify", str(schema_id))
        assert ok.returncode == 0, ok.stdout + ok.stderr
        missing = cli(url, "--url", server.url, "--basic-auth", basic, "verify", "999")
        assert missing.returncode == 1
        log = server.log.read_text()
        assert publisher["secret"] not in log and consumer["secret"] not in log
    finally:
        server.stop()


def test_rate_limit_is_shared_by_two_servers_through_redis(tmp_path: Path) -> None:
    redis_url = require_redis()
    url = f"sqlite:///{tmp_path}/r.db"
    key = create_key(url, "consumer")
    env = {
        "REGISTRY_AUTH_ENABLED": "true",
        "REGISTRY_REDIS_URL": redis_url,
        "REGISTRY_RATE_LIMIT_PER_MINUTE": "10",
    }
    first, second = ServerProcess(url, tmp_path, env=env), ServerProcess(url, tmp_path, env=env)
    try:
        headers = {"X-API-Key": key["secret"]}
        statuses = []
        for i in range(14):
            server = first if i % 2 == 0 else second
            statuses.append(httpx.get(f"{server.url}/subjects", headers=headers))
        codes = [reply.status_code for reply in statuses]
        # Ten tokens between both nodes (each alone would have allowed all 7 of its own).
        assert codes.count(200) == 10 and codes[10:] == [429] * 4, codes
        limited = statuses[-1]
        assert limited.json()["error_code"] == 42901
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
    finally:
        first.stop()
        second.stop()
