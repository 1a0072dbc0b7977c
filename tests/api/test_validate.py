"""`POST /validate`: records against JSON Schema, Avro and Protobuf, with CEL data contracts."""

from __future__ import annotations

import json

import httpx

from support import sample

COST_JSON = {
    "type": "object",
    "properties": {
        "model": {"type": "string"},
        "input_tokens": {"type": "integer", "minimum": 0},
        "output_tokens": {"type": "integer", "minimum": 0},
        "total_tokens": {"type": "integer"},
        "cost_usd": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["model", "input_tokens", "output_tokens"],
}
COST_AVRO = {
    "type": "record",
    "name": "Cost",
    "namespace": "ai.llm",
    "fields": [
        {"name": "model", "type": "string"},
        {"name": "input_tokens", "type": "long"},
        {
            "name": "usage",
            "type": {
                "type": "record",
                "name": "Usage",
                "fields": [{"name": "cost_usd", "type": "double"}],
            },
        },
        {
            "name": "finish",
            "type": ["null", {"type": "enum", "name": "Finish", "symbols": ["STOP", "LENGTH"]}],
            "default": None,
        },
        {"name": "scores", "type": {"type": "array", "items": "float"}, "default": []},
    ],
}
COST_PROTO = """syntax = "proto3";
package ai.llm;
message Cost {
  string model = 1;
  int64 input_tokens = 2;
  repeated string tags = 3;
}
message Other { bool ok = 1; }
"""
RULES = {
    "domainRules": [
        {
            "name": "totalMatches",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.total_tokens == message.input_tokens + message.output_tokens",
        },
        {
            "name": "costNotNegative",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.cost_usd >= 0.0",
            "params": {"level": "WARN"},
        },
        {
            "name": "bigSpend",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.cost_usd < 100.0",
            "params": {"level": "MONITOR"},
        },
        {
            "name": "noEmptyStrings",
            "kind": "CONDITION",
            "type": "CEL_FIELD",
            "mode": "WRITE",
            "expr": "typeName == 'STRING' ; value != ''",
        },
        {"name": "off", "kind": "CONDITION", "type": "CEL", "expr": "false", "disabled": True},
    ]
}


async def register(
    client: httpx.AsyncClient, subject: str, schema: object, kind: str, **extra: object
) -> int:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    reply = await client.post(
        f"/subjects/{subject}/versions", json={"schema": text, "schemaType": kind, **extra}
    )
    assert reply.status_code == 200, reply.text
    return int(reply.json()["id"])


async def test_json_records_valid_and_invalid_with_paths(client: httpx.AsyncClient) -> None:
    schema_id = await register(client, "cost", COST_JSON, "JSON")
    good = {"model": "m", "input_tokens": 1, "output_tokens": 2, "tags": ["a"]}
    assert (await client.post("/validate", json={"schema_id": schema_id, "data": good})).json() == {
        "valid": True,
        "errors": [],
        "warnings": [],
    }
    bad = {"model": 5, "input_tokens": -1, "output_tokens": 2, "tags": ["a", 3]}
    body = (await client.post("/validate", json={"subject": "cost", "data": bad})).json()
    assert body["valid"] is False
    assert {e["path"] for e in body["errors"]} == {"$.model", "$.input_tokens", "$.tags[1]"}
    missing = (await client.post("/validate", json={"schema_id": schema_id, "data": {}})).json()
    assert "output_tokens" in str(missing["errors"])


async def test_avro_records_with_nested_paths(client: httpx.AsyncClient) -> None:
    await register(client, "cost-avro", COST_AVRO, "AVRO")
    good = {"model": "m", "input_tokens": 3, "usage": {"cost_usd": 0.5}, "finish": "STOP"}
    reply = await client.post(
        "/validate", json={"subject": "cost-avro", "version": "1", "data": good}
    )
    assert reply.json()["valid"] is True
    wrapped = {**good, "finish": {"ai.llm.Finish": "LENGTH"}}
    assert (await client.post("/validate", json={"subject": "cost-avro", "data": wrapped})).json()[
        "valid"
    ]
    bad = {
        "model": "m",
        "input_tokens": "3",
        "usage": {"cost_usd": "x"},
        "finish": "HALT",
        "scores": [1.0, "no"],
        "extra": 1,
    }
    body = (await client.post("/validate", json={"subject": "cost-avro", "data": bad})).json()
    paths = {e["path"] for e in body["errors"]}
    assert paths == {"$.input_tokens", "$.usage.cost_usd", "$.finish", "$.scores[1]", "$.extra"}


async def test_protobuf_records_first_message_or_named(client: httpx.AsyncClient) -> None:
    await register(client, "cost-proto", COST_PROTO, "PROTOBUF")
    good = {"model": "m", "inputTokens": "12", "tags": ["x"]}
    assert (await client.post("/validate", json={"subject": "cost-proto", "data": good})).json()[
        "valid"
    ]
    bad = await client.post(
        "/validate", json={"subject": "cost-proto", "data": {"model": 3, "unknown": 1}}
    )
    assert bad.json()["valid"] is False and bad.json()["errors"][0]["path"].startswith("$")
    other = await client.post(
        "/validate", json={"subject": "cost-proto", "message": "ai.llm.Other", "data": {"ok": True}}
    )
    assert other.json()["valid"] is True
    nope = await client.post(
        "/validate", json={"subject": "cost-proto", "message": "ai.Nope", "data": {}}
    )
    assert "Nope" in nope.json()["errors"][0]["message"]


async def test_cel_rules_at_each_level_and_batches(client: httpx.AsyncClient) -> None:
    schema_id = await register(client, "cost-rules", COST_JSON, "JSON", ruleSet=RULES)
    base = {"model": "m", "input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    records = [
        {**base, "cost_usd": 1.0},  # passes everything
        {**base, "total_tokens": 4, "cost_usd": 1.0},  # STRICT failure: invalid
        {**base, "cost_usd": -1.0},  # WARN: valid with a warning
        {**base, "cost_usd": 500.0},  # MONITOR: valid, only counted
        {**base, "model": "", "cost_usd": 1.0},  # CEL_FIELD on a string field
    ]
    before = (await client.get("/metrics")).text
    reply = await client.post("/validate", json={"schema_id": schema_id, "records": records})
    results = reply.json()["results"]
    assert [r["valid"] for r in results] == [True, False, True, True, False]
    assert "totalMatches" in results[1]["errors"][0]["message"]
    assert results[2]["warnings"][0]["rule"] == "costNotNegative"
    assert results[3]["warnings"] == [] and results[3]["errors"] == []
    assert "field 'model'" in results[4]["errors"][0]["message"]
    after = (await client.get("/metrics")).text
    labels = {"subject": "cost-rules", "rule": "bigSpend", "level": "MONITOR"}
    name = "schema_registry_rule_failures_total"
    assert sample(after, name, **labels) - sample(before, name, **labels) == 1
    count = "schema_registry_validation_duration_seconds_count"
    assert sample(after, count, schema_type="JSON") - sample(before, count, schema_type="JSON") == 5


async def test_a_rule_that_does_not_compile_is_refused_with_42210(
    client: httpx.AsyncClient,
) -> None:
    broken = {
        "domainRules": [
            {"name": "oops", "kind": "CONDITION", "type": "CEL", "expr": "message.cost_usd >"}
        ]
    }
    reply = await client.post(
        "/subjects/r/versions",
        json={"schema": json.dumps(COST_JSON), "schemaType": "JSON", "ruleSet": broken},
    )
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42210)
    assert "oops" in reply.json()["message"] and "Syntax error" in reply.json()["message"]
    assert (await client.get("/subjects")).json() == []


async def test_bad_validate_requests(client: httpx.AsyncClient) -> None:
    schema_id = await register(client, "cost", COST_JSON, "JSON")
    neither = await client.post("/validate", json={"schema_id": schema_id})
    assert (neither.status_code, neither.json()["error_code"]) == (422, 422)
    nothing = await client.post("/validate", json={"data": {}})
    assert nothing.status_code == 422
    missing = await client.post("/validate", json={"schema_id": 999, "data": {}})
    assert missing.json()["error_code"] == 40403
