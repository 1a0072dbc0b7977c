"""Malformed schemas of every kind are 42201 with a message that says where; nothing is stored."""

from __future__ import annotations

import httpx
import pytest

CASES = [
    # (schemaType, schema text, references, words the message must contain)
    ("AVRO", '{"type": "record", "name": "T", "fields": [', [], ["line 1"]),
    (
        "AVRO",
        '{"type": "record", "name": "T", "fields": [{"name": "a", "type": "int"},'
        ' {"name": "a", "type": "long"}]}',
        [],
        ["a"],
    ),
    ("AVRO", '{"type": "record", "name": "9bad", "fields": []}', [], ["9bad"]),
    ("AVRO", '{"type": "fixed", "name": "F", "size": -1}', [], ["size"]),
    (
        "AVRO",
        '{"type": "record", "name": "T", "fields": [{"name": "a", "type": "int", "default": "x"}]}',
        [],
        ["a"],
    ),
    ("AVRO", '["null", ["int", "string"]]', [], ["union"]),
    (
        "AVRO",
        '{"type": "record", "name": "T", "fields": [{"name": "a", "type": "Missing"}]}',
        [],
        ["Missing"],
    ),
    ("AVRO", '{"type": "enum", "name": "E", "symbols": ["A", "A"]}', [], ["A"]),
    ("JSON", '{"type": "object", "properties": {', [], ["line 1"]),
    ("JSON", '{"type": "object", "properties": {"age": {"type": "integr"}}}', [], ["age"]),
    ("JSON", '{"type": "object", "properties": {"a": {"$ref": "other.json"}}}', [], ["other.json"]),
    ("JSON", '{"minLength": -1}', [], ["minLength"]),
    ("JSON", "42", [], []),
    ("PROTOBUF", 'syntax = "proto3";\nmessage M {\n  string a = 1\n}\n', [], ["line 4"]),
    (
        "PROTOBUF",
        'syntax = "proto3";\nmessage M {\n  string a = 1;\n  int32 b = 1;\n}\n',
        [],
        ["line 4"],
    ),
    (
        "PROTOBUF",
        'syntax = "proto3";\nimport "missing.proto";\nmessage M { Other o = 1; }\n',
        [],
        ["missing.proto"],
    ),
    ("PROTOBUF", 'syntax = "proto3";\nmessage M {\n  Unknown u = 1;\n}\n', [], ["Unknown"]),
    ("PROTOBUF", 'syntax = "proto3"; message', [], ["line 1"]),
]


@pytest.mark.parametrize(("schema_type", "text", "refs", "words"), CASES)
async def test_malformed_schema_is_42201_and_says_where(
    sqlite_client: httpx.AsyncClient,
    schema_type: str,
    text: str,
    refs: list[object],
    words: list[str],
) -> None:
    body = {"schema": text, "schemaType": schema_type, "references": refs}
    for path in ("/subjects/s/versions", "/compatibility/subjects/s/versions", "/subjects/s"):
        reply = await sqlite_client.post(path, json=body)
        if path == "/subjects/s" and reply.status_code == 404:
            continue  # lookup on an unknown subject answers 40401 before parsing, as Confluent
        assert reply.status_code == 422, (path, reply.text)
        assert reply.json()["error_code"] == 42201
        for word in words:
            assert word in reply.json()["message"], reply.json()["message"]
    assert (await sqlite_client.get("/subjects")).json() == []
    assert (await sqlite_client.get("/schemas")).json() == []


async def test_unresolvable_references_are_42201(sqlite_client: httpx.AsyncClient) -> None:
    refs = [{"name": "dep.proto", "subject": "nobody", "version": 1}]
    body = {
        "schema": 'syntax = "proto3";\nimport "dep.proto";\nmessage M { int32 a = 1; }',
        "schemaType": "PROTOBUF",
        "references": refs,
    }
    reply = await sqlite_client.post("/subjects/s/versions", json=body)
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    assert "nobody" in reply.json()["message"]


async def test_deeply_nested_schemas_are_refused_not_crashed(
    sqlite_client: httpx.AsyncClient,
) -> None:
    depth = 5000
    nested = '{"type": "array", "items": ' * depth + '{"type": "string"}' + "}" * depth
    reply = await sqlite_client.post(
        "/subjects/s/versions", json={"schema": nested, "schemaType": "JSON"}
    )
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    avro = '{"type": "array", "items": ' * depth + '"string"' + "}" * depth
    reply = await sqlite_client.post("/subjects/s/versions", json={"schema": avro})
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42201)
    assert (await sqlite_client.get("/subjects")).json() == []
