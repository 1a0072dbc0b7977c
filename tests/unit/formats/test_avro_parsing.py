"""AvroFormat.parse: what is rejected (and how the message says so), what is accepted."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats.avro import AvroFormat, AvroSchema
from llm_schema_registry.formats.base import InvalidSchemaError, ResolvedReference, SchemaType

FMT = AvroFormat()


def record(*fields: object, name: str = "User") -> str:
    return json.dumps({"type": "record", "name": name, "fields": list(fields)})


INVALID = [
    ("bad-json", '{"type": "record",\n "name": }', "Invalid JSON at line 2, column 10"),
    (
        "bad-name",
        '{"type":"record","name":"1User","fields":[]}',
        "'1User' is not a valid Avro name",
    ),
    (
        "bad-namespace",
        '{"type":"fixed","name":"F","namespace":"a..b","size":1}',
        "'a..b' is not a valid Avro namespace",
    ),
    (
        "bad-namespace-in-full-name",
        '{"type":"fixed","name":"a.-b.F","size":1}',
        "'a.-b' is not a valid Avro namespace",
    ),
    (
        "bad-field-name",
        record({"name": "first-name", "type": "string"}),
        "Invalid field name in record 'User'",
    ),
    (
        "named-after-primitive",
        '{"type":"fixed","name":"string","size":1}',
        "may not be named after a primitive",
    ),
    (
        "duplicate-field",
        record({"name": "a", "type": "int"}, {"name": "a", "type": "long"}),
        "Duplicate field name 'a' in record 'User'",
    ),
    (
        "duplicate-symbol",
        '{"type":"enum","name":"E","symbols":["A","B","A"]}',
        "Duplicate enum symbol 'A' in enum 'E'",
    ),
    (
        "invalid-symbol",
        '{"type":"enum","name":"E","symbols":["A","B-C"]}',
        "Invalid symbol in enum 'E': 'B-C'",
    ),
    (
        "non-string-symbol",
        '{"type":"enum","name":"E","symbols":["A",1]}',
        "Enum symbols of enum 'E' must be strings",
    ),
    (
        "enum-default-not-a-symbol",
        '{"type":"enum","name":"E","symbols":["A"],"default":"B"}',
        "The default \"B\" of enum 'E' is not one of its symbols",
    ),
    (
        "union-in-union",
        '["null",["int","string"]]',
        "A union directly inside a union is not allowed",
    ),
    (
        "duplicate-primitive-in-union",
        '["null","string",{"type":"string"}]',
        "Duplicate type 'string' in the union",
    ),
    (
        "duplicate-array-in-union",
        '[{"type":"array","items":"int"},{"type":"array","items":"long"}]',
        "Duplicate type 'array'",
    ),
    (
        "duplicate-map-in-union",
        '[{"type":"map","values":"int"},{"type":"map","values":"long"}]',
        "Duplicate type 'map'",
    ),
    (
        "duplicate-named-in-union",
        '[{"type":"fixed","name":"a.F","size":1},"a.F"]',
        "Duplicate type 'a.F'",
    ),
    ("fixed-without-size", '{"type":"fixed","name":"F"}', "Fixed 'F' has no 'size'"),
    (
        "fixed-negative-size",
        '{"type":"fixed","name":"F","size":-2}',
        "Invalid size -2 for fixed 'F'",
    ),
    (
        "fixed-string-size",
        '{"type":"fixed","name":"F","size":"2"}',
        "Invalid size \"2\" for fixed 'F'",
    ),
    (
        "fixed-float-size",
        '{"type":"fixed","name":"F","size":2.5}',
        "Invalid size 2.5 for fixed 'F'",
    ),
    (
        "int-default-string",
        record({"name": "age", "type": "int", "default": "x"}),
        "Invalid default for field 'age' in record 'User': expected int, got string",
    ),
    (
        "int-default-float",
        record({"name": "age", "type": "int", "default": 1.5}),
        "expected int, got number",
    ),
    (
        "int-default-out-of-range",
        record({"name": "age", "type": "int", "default": 2**31}),
        "out of range",
    ),
    (
        "long-default-bool",
        record({"name": "n", "type": "long", "default": True}),
        "expected long, got boolean",
    ),
    (
        "union-default-not-first-branch",
        record({"name": "n", "type": ["null", "int"], "default": 1}),
        "expected null, got integer (a union's default must match its first branch)",
    ),
    (
        "bytes-default-number",
        record({"name": "b", "type": "bytes", "default": 1}),
        "expected bytes, got integer",
    ),
    (
        "fixed-default-number",
        record({"name": "b", "type": {"type": "fixed", "name": "F", "size": 2}, "default": 0}),
        "expected fixed F (a string), got integer",
    ),
    (
        "null-default-not-null",
        record({"name": "n", "type": "null", "default": "null"}),
        "expected null, got string",
    ),
    (
        "string-default-null",
        record({"name": "s", "type": "string", "default": None}),
        "expected string, got null",
    ),
    (
        "record-default-not-object",
        record({"name": "r", "type": {"type": "record", "name": "S", "fields": []}, "default": []}),
        "expected record S (an object), got array",
    ),
    (
        "record-default-missing-field",
        record(
            {
                "name": "r",
                "type": {"type": "record", "name": "S", "fields": [{"name": "x", "type": "int"}]},
                "default": {},
            }
        ),
        "missing field 'x' of record S",
    ),
    (
        "array-default-bad-item",
        record({"name": "a", "type": {"type": "array", "items": "int"}, "default": [1, "2"]}),
        "expected int, got string",
    ),
    (
        "map-default-array",
        record({"name": "m", "type": {"type": "map", "values": "int"}, "default": []}),
        "expected map (an object), got array",
    ),
    (
        "unknown-type",
        record({"name": "address", "type": "Address"}),
        "Unknown type 'Address' in field 'address' in record 'User'",
    ),
    (
        "redefinition",
        '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"R","fields":[]}}]}',
        "Can't redefine type 'R'",
    ),
    ("record-without-fields", '{"type":"record","name":"R"}', "Record 'R' has no 'fields' list"),
    ("enum-without-symbols", '{"type":"enum","name":"E"}', "Enum 'E' has no 'symbols' list"),
    (
        "array-without-items",
        '{"type":"array"}',
        "Array schema for the top-level schema has no 'items'",
    ),
    ("map-without-values", '{"type":"map"}', "Map schema for the top-level schema has no 'values'"),
    ("object-without-type", '{"name":"x"}', "has no 'type'"),
    ("named-without-name", '{"type":"record","fields":[]}', "needs a string 'name'"),
    ("field-without-type", record({"name": "a"}), "Field 'a' in record 'User' has no 'type'"),
    (
        "field-bad-order",
        record({"name": "a", "type": "int", "order": "up"}),
        "Invalid order 'up' for field 'a'",
    ),
    (
        "field-order-not-a-string",
        record({"name": "a", "type": "int", "order": [1]}),
        "Invalid order [1]",
    ),
    ("too-deep", '{"type":"array","items":' * 200 + '"int"' + "}" * 200, "nested deeper than 128"),
    ("number-as-schema", "42", "expected a type name, a union (array) or an object, got integer"),
]


@pytest.mark.parametrize(("text", "message"), [pytest.param(t, m, id=i) for i, t, m in INVALID])
def test_invalid_schema_is_rejected_with_a_precise_message(text: str, message: str) -> None:
    with pytest.raises(InvalidSchemaError) as error:
        FMT.parse(text)
    assert message in str(error.value)


VALID = [
    '"string"',
    '{"type": "string"}',
    '["null", "string", {"type": "array", "items": "int"}, {"type": "map", "values": "int"}]',
    '{"type":"record","name":"a.b.User","namespace":"ignored","fields":[]}',
    '{"type":"record","name":"R","namespace":"","fields":[]}',
    '{"type":"error","name":"Oops","fields":[{"name":"m","type":"string","default":"x"}]}',
    '{"type":"fixed","name":"F","size":0}',
    '{"type":"enum","name":"E","symbols":["A","B"],"default":"B"}',
    '{"type":"record","name":"List","fields":[{"name":"next","type":["null","List"],"default":null}]}',
    record(
        {"name": "d", "type": "double", "default": 1},
        {"name": "b", "type": "bytes", "default": "\u00ff"},
    ),
    record(
        {
            "name": "r",
            "type": {
                "type": "record",
                "name": "S",
                "fields": [{"name": "x", "type": "int", "default": 1}],
            },
            "default": {},
        }
    ),
    record({"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}, "default": "A"}),
    record(
        {"name": "n", "type": ["null", "string"], "default": None},
        {"name": "s", "type": ["string", "null"], "default": "x"},
    ),
    # Java ignores an invalid logical type: the schema is read as its underlying type.
    '{"type":"bytes","logicalType":"decimal","precision":0,"scale":2}',
    '{"type":"bytes","logicalType":"decimal","precision":2,"scale":4}',
    '{"type":"fixed","name":"F","size":2,"logicalType":"decimal","precision":40}',
    '{"type":"string","logicalType":"date"}',
    '{"type":"long","logicalType":"no-such-type","custom":{"a":[1]}}',
    # a schema object whose type names an already defined type
    '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":{"type":"F"}}]}',
    '{"type":"record","name":"R","namespace":"x","fields":[{"name":"a","type":{"type":"fixed","name":"F","namespace":"","size":1}},{"name":"b","type":"F"}]}',
]


@pytest.mark.parametrize("text", VALID)
def test_valid_schema_is_accepted(text: str) -> None:
    schema = FMT.parse(text)
    assert isinstance(schema, AvroSchema)
    assert schema.fastavro is not None


def test_names_resolve_in_the_enclosing_namespace_first() -> None:
    schema = FMT.parse(
        '{"type":"record","name":"R","namespace":"ns","fields":['
        '{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":"F"}]}'
    )
    assert set(schema.defined) == {"ns.R", "ns.F"}


ADDRESS = (
    '{"type":"record","name":"Address","namespace":"com.acme",'
    '"fields":[{"name":"city","type":"string"}]}'
)


def address_reference(schema_type: SchemaType = SchemaType.AVRO) -> ResolvedReference:
    return ResolvedReference("com.acme.Address", "address", 1, schema_type, ADDRESS)


USER = (
    '{"type":"record","name":"User","namespace":"com.acme",'
    '"fields":[{"name":"home","type":"Address"}]}'
)


def test_a_named_type_from_a_reference_is_usable() -> None:
    schema = FMT.parse(USER, [address_reference()])
    assert set(schema.referenced) == {"com.acme.Address"}
    assert set(schema.defined) == {"com.acme.User"}


def test_an_unknown_name_without_its_reference_is_rejected() -> None:
    with pytest.raises(InvalidSchemaError, match="Unknown type 'Address'"):
        FMT.parse(USER)


def test_references_resolve_transitively_and_once() -> None:
    country = ResolvedReference(
        "com.acme.Country",
        "country",
        3,
        SchemaType.AVRO,
        '{"type":"enum","name":"com.acme.Country","symbols":["FR","NL"]}',
    )
    address = ResolvedReference(
        "com.acme.Address",
        "address",
        2,
        SchemaType.AVRO,
        '{"type":"record","name":"com.acme.Address","fields":[{"name":"c","type":"Country"}]}',
        (country,),
    )
    # The country reference appears twice (directly and through address): loaded once.
    schema = FMT.parse(USER, [country, address])
    assert set(schema.referenced) == {"com.acme.Country", "com.acme.Address"}


def test_an_invalid_reference_is_reported_by_name() -> None:
    broken = ResolvedReference(
        "com.acme.Address", "address", 1, SchemaType.AVRO, '{"type":"record"}'
    )
    with pytest.raises(InvalidSchemaError, match=r"Invalid reference 'com\.acme\.Address'"):
        FMT.parse(USER, [broken])


def test_a_non_avro_reference_is_rejected() -> None:
    with pytest.raises(InvalidSchemaError, match="not Avro"):
        FMT.parse(USER, [address_reference(schema_type=SchemaType.JSON)])
