"""The community `python-schema-registry-client` against a real server."""

from __future__ import annotations

import pytest
from schema_registry.client import SchemaRegistryClient, schema
from schema_registry.serializers import AvroMessageSerializer, JsonMessageSerializer

from support import ServerProcess

DEPLOYMENT = {
    "type": "record",
    "name": "ModelDeployment",
    "namespace": "ai.llm",
    "fields": [{"name": "model", "type": "string"}, {"name": "replicas", "type": "int"}],
}
DEPLOYMENT_V2 = {
    **DEPLOYMENT,
    "fields": [*DEPLOYMENT["fields"], {"name": "region", "type": "string", "default": "eu"}],
}


@pytest.fixture
def registry(live_server: ServerProcess) -> SchemaRegistryClient:
    return SchemaRegistryClient(url=live_server.url)


def test_register_read_and_evolve(registry: SchemaRegistryClient) -> None:
    first = registry.register("deployments-value", schema.AvroSchema(DEPLOYMENT))
    assert registry.register("deployments-value", schema.AvroSchema(DEPLOYMENT)) == first
    assert registry.get_by_id(first).raw_schema == DEPLOYMENT
    assert registry.check_version("deployments-value", schema.AvroSchema(DEPLOYMENT)).version == 1
    assert registry.test_compatibility("deployments-value", schema.AvroSchema(DEPLOYMENT_V2))
    second = registry.register("deployments-value", schema.AvroSchema(DEPLOYMENT_V2))
    assert second > first
    assert registry.get_versions("deployments-value") == [1, 2]
    assert registry.get_schema("deployments-value").version == 2
    assert "deployments-value" in registry.get_subjects()
    assert registry.get_compatibility() == "BACKWARD"
    assert registry.update_compatibility("FULL", "deployments-value")
    assert registry.get_compatibility("deployments-value") == "FULL"
    assert registry.delete_version("deployments-value", 2) == 2
    assert registry.delete_subject("deployments-value") == [1]


def test_avro_and_json_message_serializers(registry: SchemaRegistryClient) -> None:
    avro = AvroMessageSerializer(registry)
    payload = avro.encode_record_with_schema(
        "rollouts-value", schema.AvroSchema(DEPLOYMENT), {"model": "m", "replicas": 3}
    )
    assert AvroMessageSerializer(registry).decode_message(payload) == {"model": "m", "replicas": 3}

    json_schema = schema.JsonSchema(
        {"type": "object", "properties": {"prompt": {"type": "string"}}, "required": ["prompt"]}
    )
    serializer = JsonMessageSerializer(registry)
    encoded = serializer.encode_record_with_schema("prompts-value", json_schema, {"prompt": "hi"})
    assert JsonMessageSerializer(registry).decode_message(encoded) == {"prompt": "hi"}
