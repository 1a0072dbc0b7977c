"""`SchemaFormat.validate` / `validator`: data against a parsed schema, every error with
its `$.a.b[0]` path, for every format through the same protocol."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import DataError, ResolvedReference, SchemaType

USAGE = {
    SchemaType.AVRO: json.dumps(
        {
            "type": "record",
            "name": "Usage",
            "fields": [
                {"name": "model", "type": "string"},
                {"name": "tokens", "type": {"type": "array", "items": "int"}},
            ],
        }
    ),
    SchemaType.JSON: json.dumps(
        {
            "type": "object",
            "properties": {
                "model": {"type": "string"},
                "tokens": {"type": "array", "items": {"type": "integer"}},
            },
            "required": ["model"],
            "additionalProperties": False,
        }
    ),
    SchemaType.PROTOBUF: (
        'syntax = "proto3";\npackage llm;\n'
        "message Usage {\n  string model = 1;\n  repeated int32 tokens = 2;\n}\n"
    ),
    # a prompt template validates calls: its variables are the record
    SchemaType.PROMPT: json.dumps(
        {
            "messages": [{"role": "user", "content": "{{ model }}: {{ tokens | join(',') }}"}],
            "variables": {
                "type": "object",
                "properties": {
                    "model": {"type": "string"},
                    "tokens": {"type": "array", "items": {"type": "integer"}},
                },
                "required": ["model"],
            },
        }
    ),
}


@pytest.mark.parametrize("kind", list(SchemaType))
def test_a_valid_record_has_no_errors(kind: SchemaType) -> None:
    fmt = format_for(kind)
    schema = fmt.parse(USAGE[kind])
    assert fmt.validate(schema, {"model": "m", "tokens": [1, 2]}) == []


@pytest.mark.parametrize("kind", list(SchemaType))
def test_errors_name_the_path(kind: SchemaType) -> None:
    fmt = format_for(kind)
    validator = fmt.validator(fmt.parse(USAGE[kind]))
    errors = validator.errors({"model": 3, "tokens": [1]})
    assert errors and all(isinstance(e, DataError) for e in errors)
    assert errors[0].path == "$.model"


def test_avro_lists_every_problem() -> None:
    fmt = format_for(SchemaType.AVRO)
    errors = fmt.validate(fmt.parse(USAGE[SchemaType.AVRO]), {"tokens": [1, "x"], "extra": 1})
    assert [e.path for e in errors] == ["$.model", "$.tokens[1]", "$.extra"]


def test_protobuf_checks_the_named_message() -> None:
    fmt = format_for(SchemaType.PROTOBUF)
    schema = fmt.parse(USAGE[SchemaType.PROTOBUF] + "message Other { bool ok = 1; }\n")
    assert fmt.validate(schema, {"ok": True}, "llm.Other") == []
    assert fmt.validate(schema, {"ok": True})[0].path == "$.ok"  # the first message: Usage
    [missing] = fmt.validate(schema, {}, "llm.Nope")
    assert missing.message == "the schema has no message named 'llm.Nope'"


def test_protobuf_messages_using_imports_validate() -> None:
    fmt = format_for(SchemaType.PROTOBUF)
    dep = 'syntax = "proto3";\npackage dep;\nmessage Money { int64 cents = 1; }\n'
    schema = fmt.parse(
        'syntax = "proto3";\nimport "dep.proto";\nimport "google/protobuf/timestamp.proto";\n'
        "message Bill {\n  dep.Money total = 1;\n  google.protobuf.Timestamp at = 2;\n}\n",
        [ResolvedReference("dep.proto", "dep", 1, SchemaType.PROTOBUF, dep)],
    )
    good = {"total": {"cents": "12"}, "at": "2024-01-01T00:00:00Z"}
    assert fmt.validate(schema, good) == []
    assert fmt.validate(schema, {"total": {"cents": "x"}})[0].path.startswith("$.")


def test_json_schema_offers_its_document_the_others_none() -> None:
    for kind in SchemaType:
        fmt = format_for(kind)
        document = fmt.json_schema(fmt.parse(USAGE[kind]))
        assert (document is not None) == fmt.has_json_schema
    json_format = format_for(SchemaType.JSON)
    assert json_format.json_schema(json_format.parse(USAGE[SchemaType.JSON])) == json.loads(
        USAGE[SchemaType.JSON]
    )
