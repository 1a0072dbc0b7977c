"""Comparison shortcuts change no result: equal plain subschemas (`Node.plain_key`) are
skipped, and `can_read` keeps only the incompatible changes."""

from __future__ import annotations

import itertools
import json
from typing import Any

from llm_schema_registry.formats.jsonschema import JsonSchemaFormat
from llm_schema_registry.formats.jsonschema.changes import Difference
from llm_schema_registry.formats.jsonschema.diff import Comparison
from llm_schema_registry.formats.jsonschema.format import _root

FMT = JsonSchemaFormat()
S4 = "http://json-schema.org/draft-04/schema#"
S2020 = "https://json-schema.org/draft/2020-12/schema"
INT = {"type": "integer", "minimum": 0}
TITLED = [{"title": "a", "type": "string"}, {"title": "b", "type": "string"}]


def obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


CORPUS: list[Any] = [
    obj(a=INT, b={"type": "string"}),
    obj(a=INT, b={"type": "string"}, c=INT),
    obj(a=INT, b={"type": "string", "maxLength": 3}),
    obj(a={"type": "integer", "minimum": 1}, b={"type": "string"}),
    {**obj(a=INT), "required": ["a"], "additionalProperties": False},
    {**obj(a=INT), "additionalProperties": INT},
    obj(a=obj(x=INT, y={"enum": [1, 2]}), b={"type": "array", "items": INT}),
    obj(a=obj(x=INT, y={"enum": [1, 2, 3]}), b={"type": "array", "items": [INT, INT]}),
    obj(a={"not": INT}, b={"const": 3}),
    obj(a={"not": INT}, b={"const": 4}),
    obj(a={"anyOf": TITLED}, b={"oneOf": [INT, {"type": "string"}]}),
    obj(a={"anyOf": TITLED[::-1]}, b={"oneOf": [INT, {"type": "string"}]}),
    obj(a={"type": ["string", "null"]}, b={"allOf": [INT, {"maximum": 9}]}),
    {"$schema": S4, **obj(a={"type": "number", "maximum": 5, "exclusiveMaximum": True})},
    obj(a={"type": "number", "maximum": 5}),
    # the same JSON read under two drafts: only 2019-09 and later know dependentRequired
    obj(a={"type": "object", "dependentRequired": {"x": ["y"]}}),
    {"$schema": S2020, **obj(a={"type": "object", "dependentRequired": {"x": ["y"]}})},
    {"$schema": S2020, **obj(a={"type": "array", "prefixItems": [INT], "items": False})},
    {"$schema": S2020, **obj(a={"type": "array", "prefixItems": [INT]})},
    {"definitions": {"d": INT}, **obj(a={"$ref": "#/definitions/d"}, b=INT)},
    {"definitions": {"d": {"type": "string"}}, **obj(a={"$ref": "#/definitions/d"}, b=INT)},
    {
        "definitions": {"n": obj(v=INT, next={"$ref": "#/definitions/n"})},
        **obj(a={"$ref": "#/definitions/n"}),
    },
    obj(a={"type": "object", "properties": {"x": INT}, "dependencies": {"x": ["y"]}}),
    obj(a={"type": "object", "properties": {"x": INT}, "patternProperties": {"^z": INT}}),
    obj(a={"if": INT, "then": INT}, b=True, c=False, d={}),
    obj(a={"default": 1, "type": "integer"}, b={"description": "d", "type": "integer"}),
    {"type": "integer", "multipleOf": 0.5},
    {"type": "integer", "multipleOf": 0.25},
    True,
    {},
]


def _differences(
    original: str, update: str, keys: bool, compatible: bool = True
) -> list[Difference]:
    (loader_a, root_a), (loader_b, root_b) = _root(FMT.parse(original)), _root(FMT.parse(update))
    if not keys:
        for loader in (loader_a, loader_b):
            for node in loader._built.values():
                node.plain_key = None
    return Comparison(loader_a, loader_b).run(root_a, root_b, compatible=compatible)


def test_equal_plain_subschemas_are_found_in_the_corpus() -> None:
    _, root = _root(FMT.parse(json.dumps(CORPUS[0])))
    assert all(node.plain_key is not None for node in root.properties.values())
    _, root = _root(FMT.parse(json.dumps(CORPUS[8])))
    assert root.properties["a"].plain_key is None  # `not` always reports a change
    with_ref = next(s for s in CORPUS if isinstance(s, dict) and "definitions" in s)
    _, root = _root(FMT.parse(json.dumps(with_ref)))
    assert root.plain_key is None and root.properties["a"].plain_key is None


def test_every_pair_compares_the_same_with_and_without_the_shortcut() -> None:
    texts = [json.dumps(schema) for schema in CORPUS]
    compared = changed = 0
    for original, update in itertools.product(texts, repeat=2):
        with_keys = _differences(original, update, keys=True)
        assert with_keys == _differences(original, update, keys=False), (original, update)
        compared += 1
        changed += bool(with_keys)
    assert compared == len(CORPUS) ** 2 and changed > compared // 2


def test_the_incompatible_changes_alone_are_those_of_the_full_list_in_order() -> None:
    texts = [json.dumps(schema) for schema in CORPUS]
    incompatible = 0
    for original, update in itertools.product(texts, repeat=2):
        full = _differences(original, update, keys=True)
        only = _differences(original, update, keys=True, compatible=False)
        assert only == [change for change in full if not change.compatible], (original, update)
        incompatible += bool(only)
    assert incompatible > len(texts)
