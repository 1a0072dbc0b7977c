"""Lifecycle states as the real confluent-kafka serializers see them: `use.latest.version`
never picks a DRAFT, and picks a deprecated-then-rolled-back version correctly."""

from __future__ import annotations

import json
import struct
from datetime import UTC, datetime, timedelta

import httpx
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from support import ServerProcess

V1 = json.dumps({"type": "record", "name": "Turn", "fields": [{"name": "text", "type": "string"}]})
V2 = json.dumps(
    {
        "type": "record",
        "name": "Turn",
        "fields": [
            {"name": "text", "type": "string"},
            {"name": "tokens", "type": "int", "default": 0},
        ],
    }
)
LATEST = {"auto.register.schemas": False, "use.latest.version": True}


def written_id(url: str, subject: str) -> int:
    """The schema id a fresh `use.latest.version` serializer writes into a record."""
    serializer = AvroSerializer(SchemaRegistryClient({"url": url}), V1, conf=LATEST)
    context = SerializationContext(subject.removesuffix("-value"), MessageField.VALUE)
    payload = serializer({"text": "hi"}, context)
    assert payload is not None and payload[0] == 0
    return int(struct.unpack(">I", payload[1:5])[0])


def test_drafts_are_never_the_latest_for_a_serializer(live_server: ServerProcess) -> None:
    url = live_server.url
    v1 = httpx.post(f"{url}/subjects/turns-value/versions", json={"schema": V1}).json()
    draft = httpx.post(
        f"{url}/subjects/turns-value/versions?state=DRAFT", json={"schema": V2}
    ).json()
    assert draft["id"] != v1["id"]
    assert written_id(url, "turns-value") == v1["id"]
    assert SchemaRegistryClient({"url": url}).get_latest_version("turns-value").version == 1

    activated = httpx.put(f"{url}/subjects/turns-value/versions/2", json={"state": "ACTIVE"})
    assert activated.status_code == 200
    assert written_id(url, "turns-value") == draft["id"]


def test_rollback_sends_serializers_back(live_server: ServerProcess) -> None:
    url = live_server.url
    v1 = httpx.post(f"{url}/subjects/rb-value/versions", json={"schema": V1}).json()
    v2 = httpx.post(f"{url}/subjects/rb-value/versions", json={"schema": V2}).json()
    assert written_id(url, "rb-value") == v2["id"]
    sunset = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    response = httpx.post(
        f"{url}/subjects/rb-value/rollback",
        json={"target_version": 1, "sunset_date": sunset, "reason": "bad tokens"},
    )
    assert response.json() == {"deprecated": [2], "latest": 1}
    assert written_id(url, "rb-value") == v1["id"]
