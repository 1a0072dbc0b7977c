"""`llm-schema seed genai` (twice: idempotent), then the real confluent-kafka serializers
round-trip an inference event in Avro and in JSON with the seeded schemas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from llm_schema_registry.client import RegistryClient
from llm_schema_registry.genai import PACK
from support import ServerProcess

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
JSON_EVENT: dict[str, Any] = {
    "event_id": "7d0c1f0e-3b5e-4c55-9d0f-1f6f0f6c2a11",
    "timestamp": "2026-11-23T10:00:00Z",
    "gen_ai.operation.name": "chat",
    "gen_ai.system": "openai",
    "gen_ai.request.model": "gpt-4o",
    "gen_ai.response.model": "gpt-4o-2024-08-06",
    "gen_ai.response.id": "chatcmpl-123",
    "gen_ai.request.temperature": 0.2,
    "gen_ai.request.max_tokens": 512,
    "gen_ai.response.finish_reasons": ["stop"],
    "gen_ai.usage.input_tokens": 42,
    "gen_ai.usage.output_tokens": 7,
    "gen_ai.client.operation.duration": 0.81,
    "error.type": None,
    "server.address": "api.openai.com",
}
AVRO_EVENT = {
    key.replace(".", "_"): value for key, value in JSON_EVENT.items() if key != "timestamp"
} | {"timestamp": 1_795_000_000_000}


def seed(url: str) -> Any:
    env = {**os.environ, "LLM_SCHEMA_URL": url}
    done = subprocess.run(
        [SCRIPT, "--output", "json", "seed", "genai"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def seeded(live_server: ServerProcess) -> list[dict[str, Any]]:
    first = seed(live_server.url)
    schemas: list[dict[str, Any]] = first["schemas"]
    return schemas


def test_seed_registers_every_schema_once(live_server: ServerProcess, seeded: Any) -> None:
    assert [row["subject"] for row in seeded] == [item.subject for item in PACK]
    assert {row["status"] for row in seeded} == {"registered"}
    assert {row["schemaType"] for row in seeded} == {"AVRO", "JSON"} and len(seeded) == 8
    again = seed(live_server.url)["schemas"]
    assert {row["status"] for row in again} == {"unchanged"}
    assert [(r["id"], r["version"]) for r in again] == [(r["id"], r["version"]) for r in seeded]


def test_pack_is_owned_tagged_and_documented(live_server: ServerProcess, seeded: Any) -> None:
    with RegistryClient(live_server.url) as client:
        for item in PACK:
            found = client.get_latest(item.subject)
            properties = (found.metadata or {})["properties"]
            assert properties["owner"] == "genai-platform" and properties["description"]
            assert "genai" in properties["tags"].split(",")
    tagged = httpx.get(f"{live_server.url}/subjects", params={"tag": "cost"}).json()
    assert sorted(tagged) == ["genai.token-usage-value", "genai.token-usage.json-value"]


USAGE = {"event_id": "e1", "tenant_id": "acme", "input_tokens": 10, "output_tokens": 5}
USAGE_EVENTS = {
    "genai.token-usage-value": USAGE
    | {"timestamp": 1_795_000_000_000, "gen_ai_system": "anthropic"}
    | {"gen_ai_request_model": "claude", "total_tokens": 15, "cost_usd": 0.0021},
    "genai.token-usage.json-value": USAGE
    | {"timestamp": "2026-11-23T10:00:00Z", "gen_ai.system": "anthropic"}
    | {"gen_ai.request.model": "claude", "total_tokens": 15, "cost_usd": 0.0021},
}


@pytest.mark.parametrize("subject", list(USAGE_EVENTS))
def test_cost_event_rules(live_server: ServerProcess, seeded: Any, subject: str) -> None:
    usage = USAGE_EVENTS[subject]
    with RegistryClient(live_server.url) as client:
        assert client.validate(usage, subject=subject).valid
        wrong_total = client.validate({**usage, "total_tokens": 16}, subject=subject)
        negative = client.validate({**usage, "cost_usd": -1.0}, subject=subject)
    assert not wrong_total.valid and "totalTokensIsSum" in wrong_total.errors[0].message
    assert not negative.valid and "costNotNegative" in negative.errors[0].message


def test_confluent_avro_round_trip(live_server: ServerProcess, seeded: Any) -> None:
    client = SchemaRegistryClient({"url": live_server.url})
    latest = client.get_latest_version("genai.inference-value")
    conf = {"auto.register.schemas": False, "use.latest.version": True}
    serializer = AvroSerializer(client, latest.schema.schema_str, conf=conf)
    context = SerializationContext("genai.inference", MessageField.VALUE)
    payload = serializer(AVRO_EVENT, context)
    assert payload is not None and int.from_bytes(payload[1:5], "big") == latest.schema_id
    decoded = AvroDeserializer(client)(payload, context)
    assert decoded is not None
    assert decoded["timestamp"].timestamp() * 1000 == AVRO_EVENT["timestamp"]
    assert {k: v for k, v in decoded.items() if k != "timestamp"} == {
        k: v for k, v in AVRO_EVENT.items() if k != "timestamp"
    }


def test_confluent_json_round_trip(live_server: ServerProcess, seeded: Any) -> None:
    client = SchemaRegistryClient({"url": live_server.url})
    latest = client.get_latest_version("genai.inference.json-value")
    conf = {"auto.register.schemas": False, "use.latest.version": True}
    serializer = JSONSerializer(latest.schema.schema_str, client, conf=conf)
    context = SerializationContext("genai.inference.json", MessageField.VALUE)
    payload = serializer(JSON_EVENT, context)
    assert payload is not None and int.from_bytes(payload[1:5], "big") == latest.schema_id
    decoded = JSONDeserializer(latest.schema.schema_str, schema_registry_client=client)(
        payload, context
    )
    assert decoded == JSON_EVENT
    with pytest.raises(Exception, match=r"gen_ai\.request\.model"):
        broken = {k: v for k, v in JSON_EVENT.items() if k != "gen_ai.request.model"}
        serializer(broken, context)
