"""Parsing, references and the text forms of JSON Schema."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats.base import InvalidSchemaError, ResolvedReference, SchemaType
from llm_schema_registry.formats.jsonschema import Draft, JsonSchemaFormat

FMT = JsonSchemaFormat()


def ref(name: str, text: str, *refs: ResolvedReference, subject: str = "") -> ResolvedReference:
    return ResolvedReference(name, subject or name, 1, SchemaType.JSON, text, tuple(refs))


def test_format_identifies_as_json() -> None:
    assert FMT.schema_type is SchemaType.JSON


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(InvalidSchemaError, match=r"line 2, column 11"):
        FMT.parse('{"type":\n "string",, }')


@pytest.mark.parametrize("text", ["[]", "1", '"string"', "null"])
def test_schema_must_be_object_or_boolean(text: str) -> None:
    with pytest.raises(InvalidSchemaError, match="object or a boolean"):
        FMT.parse(text)


@pytest.mark.parametrize("text", ["NaN", '{"maximum": 1e999}'])
def test_non_finite_numbers_are_refused(text: str) -> None:
    with pytest.raises(InvalidSchemaError):
        FMT.parse(text)


def test_meta_schema_failure_names_the_path() -> None:
    text = '{"type": "object", "properties": {"age": {"type": "integr"}}}'
    with pytest.raises(InvalidSchemaError, match=r"\$\.properties\.age\.type: .*integr"):
        FMT.parse(text)


def test_meta_schema_failure_at_root() -> None:
    with pytest.raises(InvalidSchemaError, match=r"\$\.minLength"):
        FMT.parse('{"minLength": -1}')


@pytest.mark.parametrize(
    ("uri", "draft"),
    [
        ("http://json-schema.org/draft-04/schema#", Draft.DRAFT4),
        ("http://json-schema.org/draft-06/schema#", Draft.DRAFT6),
        ("http://json-schema.org/draft-07/schema#", Draft.DRAFT7),
        ("http://json-schema.org/draft-07/schema", Draft.DRAFT7),
        ("https://json-schema.org/draft/2019-09/schema", Draft.DRAFT2019_09),
        ("https://json-schema.org/draft/2020-12/schema", Draft.DRAFT2020_12),
    ],
)
def test_draft_is_chosen_by_dollar_schema(uri: str, draft: Draft) -> None:
    assert FMT.parse(json.dumps({"$schema": uri, "type": "string"})).draft is draft


def test_draft_07_is_the_default() -> None:
    assert FMT.parse('{"type": "string"}').draft is Draft.DRAFT7
    assert FMT.parse("true").draft is Draft.DRAFT7


def test_unknown_dollar_schema_is_refused() -> None:
    with pytest.raises(InvalidSchemaError, match="Unsupported"):
        FMT.parse('{"$schema": "http://example.com/my-meta", "type": "string"}')


def test_draft_rules_apply_draft4_boolean_exclusive_minimum() -> None:
    draft4 = '{"$schema": "http://json-schema.org/draft-04/schema#", "exclusiveMinimum": true}'
    with pytest.raises(InvalidSchemaError):
        FMT.parse(draft4.replace("true", 'true, "minimum": "x"'))
    draft7 = '{"exclusiveMinimum": true}'
    with pytest.raises(InvalidSchemaError, match="exclusiveMinimum"):
        FMT.parse(draft7)


def test_invalid_regex_is_refused() -> None:
    with pytest.raises(InvalidSchemaError):
        FMT.parse('{"type": "string", "pattern": "(unclosed"}')


def test_unresolvable_ref_names_ref_and_path() -> None:
    text = '{"properties": {"home": {"$ref": "address.json"}}}'
    with pytest.raises(InvalidSchemaError, match=r"\$\.properties\.home: \$ref 'address.json'"):
        FMT.parse(text)


def test_missing_local_pointer_is_refused() -> None:
    with pytest.raises(InvalidSchemaError, match="#/definitions/nope"):
        FMT.parse('{"items": {"$ref": "#/definitions/nope"}, "definitions": {}}')


def test_remote_ref_is_never_fetched() -> None:
    with pytest.raises(InvalidSchemaError, match="never fetched"):
        FMT.parse('{"$ref": "https://json-schema.org/draft-07/schema"}')


def test_reference_resolves_by_name() -> None:
    address = ref("address.json", '{"type": "object", "properties": {"city": {"type": "string"}}}')
    schema = FMT.parse('{"properties": {"home": {"$ref": "address.json"}}}', [address])
    assert schema.documents["address.json"]["properties"]["city"] == {"type": "string"}


def test_reference_resolves_by_full_url_with_fragment() -> None:
    url = "https://example.com/schemas/common.json"
    common = ref(url, '{"definitions": {"id": {"type": "integer"}}}')
    FMT.parse(json.dumps({"properties": {"id": {"$ref": f"{url}#/definitions/id"}}}), [common])


def test_transitive_references_resolve() -> None:
    city = ref("city.json", '{"type": "string"}')
    address = ref("address.json", '{"properties": {"city": {"$ref": "city.json"}}}', city)
    schema = FMT.parse('{"properties": {"home": {"$ref": "address.json"}}}', [address])
    assert set(schema.documents) == {"address.json", "city.json"}


def test_unresolvable_ref_inside_a_reference_is_named() -> None:
    address = ref("address.json", '{"properties": {"city": {"$ref": "city.json"}}}')
    with pytest.raises(InvalidSchemaError, match=r"reference 'address.json'.*city.json"):
        FMT.parse('{"$ref": "address.json"}', [address])


def test_reference_cycle_is_refused() -> None:
    inner_a = ref("a.json", '{"$ref": "b.json"}', subject="a")
    b = ref("b.json", '{"$ref": "a.json"}', inner_a, subject="b")
    a = ref("a.json", '{"$ref": "b.json"}', b, subject="a")
    with pytest.raises(InvalidSchemaError, match="cycle"):
        FMT.parse('{"$ref": "a.json"}', [a])


def test_non_json_reference_is_refused() -> None:
    avro = ResolvedReference("x", "x", 1, SchemaType.AVRO, '"string"')
    with pytest.raises(InvalidSchemaError, match="not JSON"):
        FMT.parse('{"$ref": "x"}', [avro])


def test_local_recursion_is_accepted() -> None:
    tree = {
        "definitions": {
            "node": {
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#/definitions/node"}}
                },
            }
        },
        "$ref": "#/definitions/node",
    }
    schema = FMT.parse(json.dumps(tree))
    assert FMT.can_read(schema, schema) == []


def test_id_and_anchor_targets_resolve() -> None:
    by_id = {
        "$id": "https://example.com/root.json",
        "properties": {"a": {"$ref": "item.json"}},
        "definitions": {"item": {"$id": "item.json", "type": "string"}},
    }
    FMT.parse(json.dumps(by_id))
    anchored = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "properties": {"a": {"$ref": "#thing"}},
        "$defs": {"thing": {"$anchor": "thing", "type": "string"}},
    }
    FMT.parse(json.dumps(anchored))


def test_canonical_keeps_key_order_and_unicode() -> None:
    schema = FMT.parse('{ "type" : "object",\n "title": "Zürich", "properties": {} }')
    assert FMT.canonical(schema) == '{"type":"object","title":"Zürich","properties":{}}'
    assert FMT.render(schema, None) == FMT.canonical(schema)
    assert FMT.render(schema, "serialized") == FMT.canonical(schema)


def test_identity_ignores_whitespace_and_key_order() -> None:
    one = FMT.parse('{"type": "object", "properties": {"b": {}, "a": {"type": "string"}}}')
    two = FMT.parse('{"properties":{"a":{"type":"string"},"b":{}},"type":"object"}')
    assert FMT.identity(one) == FMT.identity(two)
    assert one == two
    assert hash(one) == hash(two)
    assert FMT.canonical(one) != FMT.canonical(two)


def test_identity_keeps_what_a_reader_sees() -> None:
    one = FMT.parse('{"type": ["string"]}')
    two = FMT.parse('{"type": "string"}')
    assert FMT.identity(one) != FMT.identity(two)


def test_normalized_folds_equivalent_spellings() -> None:
    one = FMT.parse(
        '{"type": "object", "required": ["b", "a"],'
        ' "properties": {"a": {"type": ["string"]}, "b": {"type": ["null", "integer"]}}}'
    )
    two = FMT.parse(
        '{"properties": {"b": {"type": ["integer", "null"]}, "a": {"type": "string"}},'
        ' "required": ["a", "b"], "type": "object"}'
    )
    assert FMT.normalized(one) == FMT.normalized(two)
    assert FMT.normalized(two) == (
        '{"properties":{"a":{"type":"string"},"b":{"type":["integer","null"]}},'
        '"required":["a","b"],"type":"object"}'
    )


def test_normalized_leaves_data_and_enum_order_alone() -> None:
    schema = FMT.parse('{"enum": ["b", "a"], "default": {"type": ["x"]}, "const": ["z", "y"]}')
    assert FMT.normalized(schema) == '{"const":["z","y"],"default":{"type":["x"]},"enum":["b","a"]}'


def test_differences_lists_compatible_changes_too() -> None:
    old = FMT.parse('{"type": "string", "title": "a", "maxLength": 3}')
    new = FMT.parse('{"type": "string", "title": "b", "maxLength": 2}')
    changes = {(c.kind, c.path, c.compatible) for c in FMT.differences(old, new)}
    assert changes == {
        ("TITLE_CHANGED", "#/", True),
        ("MAX_LENGTH_DECREASED", "#/maxLength", False),
    }
    (problem,) = FMT.can_read(reader=new, writer=old)
    assert problem.kind == "MAX_LENGTH_DECREASED"
    assert problem.path == "#/maxLength"
    assert "#/maxLength" in problem.message


def test_absurd_nesting_is_refused_not_crashed() -> None:
    text = '{"items": ' * 300 + "{}" + "}" * 300
    with pytest.raises(InvalidSchemaError, match="nests deeper"):
        FMT.parse(text)


def test_deep_but_reasonable_nesting_compares() -> None:
    text = '{"type": "array", "items": ' * 60 + '{"type": "string"}' + "}" * 60
    schema = FMT.parse(text)
    assert FMT.can_read(schema, schema) == []
