"""canonical / identity / normalized / render: the texts the registry stores and returns."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats.avro import AvroFormat
from llm_schema_registry.formats.base import ResolvedReference, SchemaType

FMT = AvroFormat()


def canonical(text: str) -> str:
    return FMT.canonical(FMT.parse(text))


def normalized(text: str) -> str:
    return FMT.normalized(FMT.parse(text))


USER = """{
  "fields": [
    {"default": "x", "doc": "fd", "type": {"type": "string"}, "name": "n"},
    {"name": "e", "type": {"symbols": ["A", "B"], "name": "E", "type": "enum", "default": "A"}},
    {"name": "again", "type": "E", "order": "descending", "aliases": ["old"]},
    {"name": "h", "type": {"size": 16, "type": "fixed", "name": "Hash", "namespace": "other"}},
    {"name": "hs", "type": {"type": "array", "items": "other.Hash"}},
    {"name": "m", "type": {"values": "long", "type": "map", "x-prop": 1}}
  ],
  "aliases": ["Person"], "doc": "d", "x-owner": "team", "name": "User",
  "namespace": "com.acme", "type": "record"
}"""

USER_CANONICAL = (
    '{"type":"record","name":"User","namespace":"com.acme","doc":"d","fields":['
    '{"name":"n","type":"string","doc":"fd","default":"x"},'
    '{"name":"e","type":{"type":"enum","name":"E","symbols":["A","B"],"default":"A"}},'
    '{"name":"again","type":"E","order":"descending","aliases":["old"]},'
    '{"name":"h","type":{"type":"fixed","name":"Hash","namespace":"other","size":16}},'
    '{"name":"hs","type":{"type":"array","items":"other.Hash"}},'
    '{"name":"m","type":{"type":"map","values":"long","x-prop":1}}'
    '],"x-owner":"team","aliases":["Person"]}'
)


def test_canonical_is_java_schema_to_string() -> None:
    assert canonical(USER) == USER_CANONICAL


def test_canonical_ignores_whitespace_and_key_order() -> None:
    reordered = json.dumps(json.loads(USER), sort_keys=True, indent=4)
    assert canonical(reordered) == canonical(USER) == canonical(USER_CANONICAL)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "string"}', '"string"'),
        ('{"type": "int", "logicalType": "date"}', '{"type":"int","logicalType":"date"}'),
        (
            '{"scale": 2, "type": "bytes", "precision": 4, "logicalType": "decimal"}',
            '{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}',
        ),
        ('[ "null" , {"type":"string"} ]', '["null","string"]'),
        (
            '{"type":"record","name":"a.b.R","namespace":"x","fields":[]}',
            '{"type":"record","name":"R","namespace":"a.b","fields":[]}',
        ),
        ('{"type":"error","name":"E","fields":[]}', '{"type":"error","name":"E","fields":[]}'),
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"ascending"}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}',
        ),
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"string","default":"é\\n"}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"string","default":"é\\n"}]}',
        ),
    ],
)
def test_canonical_forms(text: str, expected: str) -> None:
    assert canonical(text) == expected


def test_nested_null_namespace_is_written_as_empty() -> None:
    text = (
        '{"type":"record","name":"R","namespace":"x","fields":[{"name":"f","type":'
        '{"type":"record","name":"S","namespace":"","fields":[]}}]}'
    )
    assert '"name":"S","namespace":"","fields"' in canonical(text)


def test_recursive_type_is_written_once_then_by_name() -> None:
    text = (
        '{"type":"record","name":"Node","namespace":"t","fields":'
        '[{"name":"kids","type":{"type":"array","items":"t.Node"}}]}'
    )
    assert canonical(text) == (
        '{"type":"record","name":"Node","namespace":"t","fields":'
        '[{"name":"kids","type":{"type":"array","items":"Node"}}]}'
    )


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":"a"}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","doc":"b"}]}',
        ),
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","default":1}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}',
        ),
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","aliases":["g"]}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}',
        ),
        (
            '{"type":"enum","name":"E","symbols":["A","B"]}',
            '{"type":"enum","name":"E","symbols":["B","A"]}',
        ),
        ('["null","int"]', '["int","null"]'),
        ('{"type":"string","x":1}', '"string"'),
    ],
)
def test_identity_sees_what_readers_see(first: str, second: str) -> None:
    assert FMT.identity(FMT.parse(first)) != FMT.identity(FMT.parse(second))


def test_identity_ignores_spelling() -> None:
    assert FMT.identity(FMT.parse(USER)) == FMT.identity(FMT.parse(USER_CANONICAL))


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('{"type":"string"}', '"string"'),
        (
            '{"type":"record","name":"com.acme.User","fields":[]}',
            '{"type":"record","name":"User","namespace":"com.acme","fields":[]}',
        ),
        (
            '{"type":"record","name":"R","namespace":"n","fields":[{"name":"a","type":{"type":"fixed","name":"F","size":1}},{"name":"b","type":"F"}]}',
            '{"type":"record","name":"n.R","fields":[{"name":"a","type":{"type":"fixed","name":"n.F","size":1}},{"name":"b","type":"n.F"}]}',
        ),
        (
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int","order":"ascending"}]}',
            '{"type":"record","name":"R","fields":[{"name":"f","type":"int"}]}',
        ),
        (
            '{"type":"record","name":"R","namespace":"n","aliases":["Old"],"fields":[]}',
            '{"type":"record","name":"R","namespace":"n","aliases":["n.Old"],"fields":[]}',
        ),
        ('{"type":"long","b":1,"a":2}', '{"a":2,"type":"long","b":1}'),
    ],
)
def test_normalized_folds_equivalent_spellings(first: str, second: str) -> None:
    assert normalized(first) == normalized(second)


def test_normalized_writes_full_names() -> None:
    text = (
        '{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"e","type":'
        '{"type":"enum","name":"E","symbols":["A"]}},{"name":"e2","type":"E"}]}'
    )
    assert normalized(text) == (
        '{"type":"record","name":"com.acme.User","fields":[{"name":"e","type":'
        '{"type":"enum","name":"com.acme.E","symbols":["A"]}},{"name":"e2","type":"com.acme.E"}]}'
    )


ADDRESS = (
    '{"type":"record","name":"Address","namespace":"com.acme",'
    '"fields":[{"name":"city","type":"string"}]}'
)
USER_WITH_REF = (
    '{"type":"record","name":"User","namespace":"com.acme",'
    '"fields":[{"name":"home","type":"Address"}]}'
)
REFS = [ResolvedReference("com.acme.Address", "address", 1, SchemaType.AVRO, ADDRESS)]


def test_referenced_types_stay_references_in_canonical() -> None:
    schema = FMT.parse(USER_WITH_REF, REFS)
    assert FMT.canonical(schema) == (
        '{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":"Address"}]}'
    )
    assert '"type":"com.acme.Address"' in FMT.normalized(schema)


def test_render_resolved_inlines_referenced_types() -> None:
    schema = FMT.parse(USER_WITH_REF, REFS)
    resolved = FMT.render(schema, "resolved")
    assert resolved == (
        '{"type":"record","name":"User","namespace":"com.acme","fields":[{"name":"home","type":'
        '{"type":"record","name":"Address","fields":[{"name":"city","type":"string"}]}}]}'
    )
    # Self-contained: it parses without the reference.
    assert FMT.canonical(FMT.parse(resolved)) == resolved


@pytest.mark.parametrize("output_format", [None, "", "serialized", "unknown"])
def test_render_anything_else_is_canonical(output_format: str | None) -> None:
    schema = FMT.parse(USER_WITH_REF, REFS)
    assert FMT.render(schema, output_format) == FMT.canonical(schema)


def test_fastavro_form_is_self_contained_and_drops_ignored_logical_types() -> None:
    schema = FMT.parse(USER_WITH_REF, REFS)
    assert schema.fastavro["fields"][0]["type"]["name"] == "com.acme.Address"
    decimal = FMT.parse('{"type":"bytes","logicalType":"decimal","precision":2,"scale":4}')
    assert "logicalType" not in decimal.fastavro
