"""The real confluent-kafka SchemaRegistryClient and Avro serializers against a real server."""

from __future__ import annotations

import json
import struct

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from support import ServerProcess

EVENT_V1 = json.dumps(
    {
        "type": "record",
        "name": "InferenceEvent",
        "namespace": "ai.llm",
        "fields": [
            {"name": "model", "type": "string"},
            {"name": "input_tokens", "type": "int"},
        ],
    }
)
EVENT_V2 = json.dumps(
    {
        "type": "record",
        "name": "InferenceEvent",
        "namespace": "ai.llm",
        "fields": [
            {"name": "model", "type": "string"},
            {"name": "input_tokens", "type": "long"},
            {"name": "output_tokens", "type": "long", "default": 0},
        ],
    }
)
# A new field without a default: v2's data cannot be read with it.
EVENT_BREAKING = EVENT_V2.replace(
    '"default": 0}', '"default": 0}, {"name": "finish_reason", "type": "string"}'
)


@pytest.fixture
def registry(live_server: ServerProcess) -> SchemaRegistryClient:
    return SchemaRegistryClient({"url": live_server.url})


def test_register_lookup_and_read_back(registry: SchemaRegistryClient) -> None:
    schema_id = registry.register_schema("events-value", Schema(EVENT_V1, "AVRO"))
    assert registry.register_schema("events-value", Schema(EVENT_V1, "AVRO")) == schema_id
    found = registry.lookup_schema("events-value", Schema(EVENT_V1, "AVRO"))
    assert (found.schema_id, found.version, found.subject) == (schema_id, 1, "events-value")
    by_id = registry.get_schema(schema_id)
    assert json.loads(by_id.schema_str) == json.loads(EVENT_V1)
    full = registry.register_schema_full_response("events-value", Schema(EVENT_V2, "AVRO"))
    assert full.version == 2 and full.schema_id > schema_id
    latest = registry.get_latest_version("events-value")
    assert latest.version == 2
    assert registry.get_version("events-value", 1).schema_id == schema_id
    assert registry.get_versions("events-value") == [1, 2]
    assert "events-value" in registry.get_subjects()
    assert registry.get_subjects_by_schema_id(schema_id) == ["events-value"]


def test_compatibility_and_config(registry: SchemaRegistryClient) -> None:
    registry.register_schema("compat-value", Schema(EVENT_V1, "AVRO"))
    assert registry.test_compatibility("compat-value", Schema(EVENT_V2, "AVRO")) is True
    registry.register_schema("compat-value", Schema(EVENT_V2, "AVRO"))
    assert registry.test_compatibility("compat-value", Schema(EVENT_BREAKING, "AVRO")) is False
    with pytest.raises(SchemaRegistryError) as refused:
        registry.register_schema("compat-value", Schema(EVENT_BREAKING, "AVRO"))
    assert refused.value.http_status_code == 409
    assert refused.value.error_code == 40901
    assert registry.set_compatibility("compat-value", "NONE") == {"compatibility": "NONE"}
    assert registry.get_compatibility("compat-value") == "NONE"
    registry.register_schema("compat-value", Schema(EVENT_BREAKING, "AVRO"))


def test_soft_and_permanent_delete(registry: SchemaRegistryClient) -> None:
    registry.register_schema("gone-value", Schema(EVENT_V1, "AVRO"))
    registry.register_schema("gone-value", Schema(EVENT_V2, "AVRO"))
    assert registry.delete_version("gone-value", 2) == 2
    assert registry.get_versions("gone-value") == [1]
    assert registry.delete_subject("gone-value") == [1]
    with pytest.raises(SchemaRegistryError) as missing:
        registry.get_versions("gone-value")
    assert missing.value.error_code == 40401
    assert registry.delete_subject("gone-value", permanent=True) == [1, 2]


def test_references(registry: SchemaRegistryClient) -> None:
    usage = json.dumps(
        {
            "type": "record",
            "name": "Usage",
            "namespace": "ai.llm",
            "fields": [{"name": "total", "type": "long"}],
        }
    )
    registry.register_schema("usage", Schema(usage, "AVRO"))
    event = json.dumps(
        {
            "type": "record",
            "name": "Event",
            "namespace": "ai.llm",
            "fields": [{"name": "usage", "type": "ai.llm.Usage"}],
        }
    )
    refs = [SchemaReference("ai.llm.Usage", "usage", 1)]
    schema_id = registry.register_schema("event-value", Schema(event, "AVRO", refs))
    fetched = registry.get_schema(schema_id)
    assert [(r.name, r.subject, r.version) for r in fetched.references] == [
        ("ai.llm.Usage", "usage", 1)
    ]
    assert registry.get_referenced_by("usage", 1) == [schema_id]


def test_avro_serializer_round_trip_in_confluent_wire_format(live_server: ServerProcess) -> None:
    client = SchemaRegistryClient({"url": live_server.url})
    serializer = AvroSerializer(client, EVENT_V1)
    context = SerializationContext("inference", MessageField.VALUE)
    record = {"model": "gpt-x", "input_tokens": 42}
    payload = serializer(record, context)
    assert payload is not None and payload[0] == 0
    schema_id = struct.unpack(">I", payload[1:5])[0]
    assert client.get_latest_version("inference-value").schema_id == schema_id
    # A fresh client (no caches) decodes it by fetching the writer schema by id.
    reader = AvroDeserializer(SchemaRegistryClient({"url": live_server.url}))
    assert reader(payload, context) == record


def test_deserializer_reads_old_data_with_a_newer_reader_schema(live_server: ServerProcess) -> None:
    client = SchemaRegistryClient({"url": live_server.url})
    context = SerializationContext("evolve", MessageField.VALUE)
    old_payload = AvroSerializer(client, EVENT_V1)({"model": "m", "input_tokens": 1}, context)
    AvroSerializer(client, EVENT_V2)({"model": "m", "input_tokens": 2, "output_tokens": 3}, context)
    reader = AvroDeserializer(SchemaRegistryClient({"url": live_server.url}), schema_str=EVENT_V2)
    assert reader(old_payload, context) == {"model": "m", "input_tokens": 1, "output_tokens": 0}


def test_serializer_with_use_latest_version(live_server: ServerProcess) -> None:
    client = SchemaRegistryClient({"url": live_server.url})
    client.register_schema("latest-value", Schema(EVENT_V1, "AVRO"))
    serializer = AvroSerializer(
        client, EVENT_V1, conf={"auto.register.schemas": False, "use.latest.version": True}
    )
    context = SerializationContext("latest", MessageField.VALUE)
    payload = serializer({"model": "m", "input_tokens": 5}, context)
    assert payload is not None
    assert AvroDeserializer(client)(payload, context)["input_tokens"] == 5
