"""confluent-kafka's client configured with a context URL (`…/contexts/.team-a`), as
Confluent documents it: its schemas live in that context, its ids in that context's space."""

from __future__ import annotations

import json

import httpx
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from support import ServerProcess

ORDER = json.dumps(
    {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [{"name": "id", "type": "string"}, {"name": "cents", "type": "long"}],
    }
)
PAYMENT = json.dumps(
    {
        "type": "record",
        "name": "Payment",
        "namespace": "bank",
        "fields": [{"name": "iban", "type": "string"}],
    }
)


def test_avro_messages_round_trip_through_a_context_url(live_server: ServerProcess) -> None:
    team_a = SchemaRegistryClient({"url": f"{live_server.url}/contexts/.team-a"})
    team_b = SchemaRegistryClient({"url": f"{live_server.url}/contexts/.team-b"})
    context = SerializationContext("orders", MessageField.VALUE)
    order = {"id": "o-1", "cents": 1250}
    payload = AvroSerializer(team_a, ORDER)(order, context)
    payment = AvroSerializer(team_b, PAYMENT)({"iban": "DE00"}, context)
    assert payload is not None and payment is not None
    # Both contexts number their schemas from 1: the same id in the wire format...
    assert payload[1:5] == payment[1:5] == (1).to_bytes(4, "big")
    # ...read back, each through its own context, by a fresh client (no cached schema).
    fresh_a = SchemaRegistryClient({"url": f"{live_server.url}/contexts/.team-a"})
    fresh_b = SchemaRegistryClient({"url": f"{live_server.url}/contexts/.team-b"})
    assert AvroDeserializer(fresh_a)(payload, context) == order
    assert AvroDeserializer(fresh_b)(payment, context) == {"iban": "DE00"}
    # The registry as a whole names the subjects qualified, and lists both contexts.
    subjects = httpx.get(f"{live_server.url}/subjects").json()
    assert ":.team-a:orders-value" in subjects and ":.team-b:orders-value" in subjects
    assert {".team-a", ".team-b"} <= set(httpx.get(f"{live_server.url}/contexts").json())
    latest = team_a.get_latest_version("orders-value")
    assert (latest.schema_id, latest.version) == (1, 1)
    assert team_a.lookup_schema("orders-value", Schema(ORDER, "AVRO")).schema_id == 1
    assert team_a.get_subjects() == [":.team-a:orders-value"]
    # The default context holds none of it.
    default = SchemaRegistryClient({"url": live_server.url})
    assert default.get_subjects() == [":.team-a:orders-value", ":.team-b:orders-value"]
    missing = httpx.get(f"{live_server.url}/schemas/ids/1")
    assert missing.status_code == 404
