"""`SchemaFormat.fields`: the fields a schema declares, with their path, depth and parent,
read from the parsed schema (Protobuf from its compiled descriptors)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import FieldInfo, ResolvedReference, SchemaType

AVRO = format_for(SchemaType.AVRO)
JSON = format_for(SchemaType.JSON)
PROTOBUF = format_for(SchemaType.PROTOBUF)


def listed(fields: Iterable[FieldInfo]) -> list[tuple[str, int, str]]:
    return [(f.path, f.depth, f.parent) for f in fields]


def test_avro_fields_through_unions_arrays_and_maps_each_record_once() -> None:
    home = {"type": "record", "name": "Home", "fields": [{"name": "street", "type": "string"}]}
    schema = AVRO.parse(
        json.dumps(
            {
                "type": "record",
                "name": "User",
                "fields": [
                    {"name": "home", "type": ["null", home]},
                    {"name": "others", "type": {"type": "array", "items": "Home"}},
                    {"name": "tags", "type": {"type": "map", "values": "string"}},
                    {"name": "next", "type": ["null", "User"]},
                ],
            }
        )
    )
    assert listed(AVRO.fields(schema)) == [
        ("home", 1, ""),
        ("home.street", 2, "home"),
        ("others", 1, ""),
        ("tags", 1, ""),
        ("next", 1, ""),
    ]


def test_avro_types_from_references_belong_to_their_own_schema() -> None:
    address = '{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}'
    reference = ResolvedReference("Address", "address", 1, SchemaType.AVRO, address)
    user = '{"type":"record","name":"User","fields":[{"name":"home","type":"Address"}]}'
    assert listed(AVRO.fields(AVRO.parse(user, [reference]))) == [("home", 1, "")]


def test_json_schema_properties_nested_and_definitions() -> None:
    schema = JSON.parse(
        json.dumps(
            {
                "type": "object",
                "properties": {
                    "user": {"type": "object", "properties": {"email": {"type": "string"}}},
                    "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
                },
                "$defs": {"Item": {"type": "object", "properties": {"sku": {"type": "string"}}}},
            }
        )
    )
    assert listed(JSON.fields(schema)) == [
        ("user", 1, ""),
        ("user.email", 2, "user"),
        ("items", 1, ""),
        ("$defs.Item.sku", 1, "$defs.Item"),
    ]


def test_protobuf_fields_come_from_the_descriptor_of_every_declared_message() -> None:
    schema = PROTOBUF.parse(
        'syntax = "proto3";\npackage people;\n'
        "message Person {\n"
        "  string name = 1;\n"
        "  map<string, int32> scores = 2;\n"
        "  oneof contact { string email = 3; string phone = 4; }\n"
        "  message Inner { string dob = 1; }\n"
        "  enum Kind { A = 0; }\n"
        "}\n"
        "message Empty {}\n"
    )
    assert listed(PROTOBUF.fields(schema)) == [
        ("Person.name", 1, "Person"),
        ("Person.scores", 1, "Person"),
        ("Person.email", 1, "Person"),
        ("Person.phone", 1, "Person"),
        ("Person.Inner.dob", 2, "Person.Inner"),
    ]
    assert [f.name for f in PROTOBUF.fields(schema)][-1] == "dob"
