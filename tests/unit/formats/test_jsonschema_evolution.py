"""A table of JSON Schema evolutions and Confluent's verdict on each, by compatibility level.

BACKWARD: the new schema reads data written with the old one (original = old, update = new).
FORWARD: the old schema reads data written with the new one. FULL: both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.formats.jsonschema import JsonSchemaFormat

FMT = JsonSchemaFormat()
B, F, FULL = CompatibilityLevel.BACKWARD, CompatibilityLevel.FORWARD, CompatibilityLevel.FULL
S2020 = "https://json-schema.org/draft/2020-12/schema"
S4 = "http://json-schema.org/draft-04/schema#"
STR, INT, NUM = {"type": "string"}, {"type": "integer"}, {"type": "number"}


def obj(closed: bool | None = None, required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    """An object schema; closed=True adds additionalProperties false."""
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if closed is not None:
        schema["additionalProperties"] = not closed
    if required:
        schema["required"] = list(required)
    return schema


def arr(**keywords: Any) -> dict[str, Any]:
    return {"type": "array", **keywords}


@dataclass(frozen=True)
class Evolution:
    name: str
    old: Any
    new: Any
    level: CompatibilityLevel
    ok: bool
    kind: str | None = None  # one expected incompatibility kind when not ok
    history: tuple[Any, ...] = ()  # versions before `old`, oldest first
    refs_old: tuple[ResolvedReference, ...] = field(default=())
    refs_new: tuple[ResolvedReference, ...] = field(default=())


def _ref(text: Any) -> tuple[ResolvedReference, ...]:
    return (ResolvedReference("address.json", "address", 1, SchemaType.JSON, json.dumps(text)),)


TREE = {
    "definitions": {
        "node": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"value": STR, "children": arr(items={"$ref": "#/definitions/node"})},
        }
    },
    "$ref": "#/definitions/node",
}
TREE_WITH_LABEL = json.loads(json.dumps(TREE))
TREE_WITH_LABEL["definitions"]["node"]["properties"]["label"] = STR
TREE_WITH_INT_VALUE = json.loads(json.dumps(TREE))
TREE_WITH_INT_VALUE["definitions"]["node"]["properties"]["value"] = INT

E = Evolution
CASES: list[Evolution] = [
    # --- content models: properties added / removed
    E(
        "open: optional property added",
        obj(a=STR),
        obj(a=STR, b=STR),
        B,
        False,
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    ),
    E("open: optional property added (forward)", obj(a=STR), obj(a=STR, b=STR), F, True),
    E(
        "open: required property added",
        obj(a=STR),
        obj(None, ("b",), a=STR, b=STR),
        B,
        False,
        "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    ),
    E("open: empty-schema property added", obj(a=STR), obj(a=STR, b={}), B, True),
    E("open: property removed", obj(a=STR, b=STR), obj(a=STR), B, True),
    E(
        "open: property removed (forward)",
        obj(a=STR, b=STR),
        obj(a=STR),
        F,
        False,
        "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL",
    ),
    E("closed: optional property added", obj(True, a=STR), obj(True, a=STR, b=STR), B, True),
    E(
        "closed: optional property added (forward)",
        obj(True, a=STR),
        obj(True, a=STR, b=STR),
        F,
        False,
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E(
        "closed: required property added",
        obj(True, a=STR),
        obj(True, ("b",), a=STR, b=STR),
        B,
        False,
        "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
    ),
    E(
        "closed: required property with default added",
        obj(True, a=STR),
        obj(True, ("b",), a=STR, b={"type": "string", "default": "x"}),
        B,
        True,
    ),
    E(
        "closed: property removed",
        obj(True, a=STR, b=STR),
        obj(True, a=STR),
        B,
        False,
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E("closed: property removed (forward)", obj(True, a=STR, b=STR), obj(True, a=STR), F, True),
    E("closed: false property removed", obj(True, a=STR, b=False), obj(True, a=STR), B, True),
    E(
        "partially open: covered property added",
        {**obj(a=STR), "additionalProperties": STR},
        {**obj(a=STR, b=STR), "additionalProperties": STR},
        B,
        True,
    ),
    E(
        "partially open: uncovered property added",
        {**obj(a=STR), "additionalProperties": STR},
        {**obj(a=STR, b=INT), "additionalProperties": STR},
        B,
        False,
        "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ),
    E(
        "pattern properties: covered property added",
        {**obj(a=STR), "patternProperties": {"^s_": STR}},
        {**obj(a=STR, s_x=STR), "patternProperties": {"^s_": STR}},
        B,
        True,
    ),
    E(
        "pattern properties: uncovered property added",
        {**obj(a=STR), "patternProperties": {"^s_": STR}},
        {**obj(a=STR, s_x=INT), "patternProperties": {"^s_": STR}},
        B,
        False,
        "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ),
    E(
        "partially open: property removed into covering schema",
        obj(True, a=STR, b=STR),
        {**obj(a=STR), "additionalProperties": STR},
        B,
        True,
    ),
    E(
        "partially open: property removed, not covered",
        obj(True, a=STR, b=INT),
        {**obj(a=STR), "additionalProperties": STR},
        B,
        False,
        "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ),
    E(
        "unevaluatedProperties false: optional added",
        {"$schema": S2020, **obj(a=STR), "unevaluatedProperties": False},
        {"$schema": S2020, **obj(a=STR, b=STR), "unevaluatedProperties": False},
        B,
        True,
    ),
    E(
        "unevaluatedProperties false: optional added (forward)",
        {"$schema": S2020, **obj(a=STR), "unevaluatedProperties": False},
        {"$schema": S2020, **obj(a=STR, b=STR), "unevaluatedProperties": False},
        F,
        False,
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E(
        "unevaluatedProperties opened",
        {"$schema": S2020, **obj(a=STR), "unevaluatedProperties": False},
        {"$schema": S2020, **obj(a=STR)},
        B,
        True,
    ),
    E(
        "unevaluatedProperties closed",
        {"$schema": S2020, **obj(a=STR)},
        {"$schema": S2020, **obj(a=STR), "unevaluatedProperties": False},
        B,
        False,
        "UNEVALUATED_PROPERTIES_REMOVED",
    ),
    E(
        "additionalProperties true -> false",
        obj(False, a=STR),
        obj(True, a=STR),
        B,
        False,
        "ADDITIONAL_PROPERTIES_REMOVED",
    ),
    E("additionalProperties false -> true", obj(True, a=STR), obj(False, a=STR), B, True),
    E(
        "additionalProperties false -> true (forward)",
        obj(True, a=STR),
        obj(False, a=STR),
        F,
        False,
        "ADDITIONAL_PROPERTIES_REMOVED",
    ),
    E(
        "additionalProperties schema added",
        obj(a=STR),
        {**obj(a=STR), "additionalProperties": STR},
        B,
        False,
        "ADDITIONAL_PROPERTIES_NARROWED",
    ),
    E(
        "additionalProperties schema dropped",
        {**obj(a=STR), "additionalProperties": STR},
        obj(a=STR),
        B,
        True,
    ),
    # --- required
    E("required added", obj(a=STR), obj(None, ("a",), a=STR), B, False, "REQUIRED_ATTRIBUTE_ADDED"),
    E("required added (forward)", obj(a=STR), obj(None, ("a",), a=STR), F, True),
    E("required removed", obj(None, ("a",), a=STR), obj(a=STR), B, True),
    E(
        "required removed (forward)",
        obj(None, ("a",), a=STR),
        obj(a=STR),
        F,
        False,
        "REQUIRED_ATTRIBUTE_ADDED",
    ),
    E(
        "required with default added",
        obj(a=STR),
        obj(None, ("a",), a={"type": "string", "default": "x"}),
        B,
        True,
    ),
    # --- types
    E("integer -> number", INT, NUM, B, True),
    E("integer -> number (forward)", INT, NUM, F, False, "TYPE_NARROWED"),
    E("number -> integer", NUM, INT, B, False, "TYPE_NARROWED"),
    E("string -> integer", STR, INT, B, False, "TYPE_CHANGED"),
    E("string -> string|null", STR, {"type": ["string", "null"]}, B, True),
    E(
        "string -> string|null (forward)",
        STR,
        {"type": ["string", "null"]},
        F,
        False,
        "TYPE_CHANGED",
    ),
    E(
        "union widened",
        {"type": ["string", "null"]},
        {"type": ["string", "null", "integer"]},
        B,
        True,
    ),
    E(
        "union narrowed",
        {"type": ["string", "null", "integer"]},
        {"type": ["string", "null"]},
        B,
        False,
        "SUM_TYPE_NARROWED",
    ),
    E("anything -> empty schema", obj(True, a=STR), {}, B, True),
    E("empty schema -> string", {}, STR, B, False, "TYPE_CHANGED"),
    E("true -> false", True, False, B, False, "TYPE_CHANGED"),
    E("false -> string", False, STR, B, True),
    # --- enum / const
    E("enum extended", {"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}, B, True),
    E(
        "enum extended (forward)",
        {"enum": ["a", "b"]},
        {"enum": ["a", "b", "c"]},
        F,
        False,
        "ENUM_ARRAY_NARROWED",
    ),
    E("enum narrowed", {"enum": ["a", "b"]}, {"enum": ["a"]}, B, False, "ENUM_ARRAY_NARROWED"),
    E("enum changed", {"enum": ["a", "b"]}, {"enum": ["a", "c"]}, B, False, "ENUM_ARRAY_CHANGED"),
    E("enum dropped from typed schema", {"type": "string", "enum": ["a"]}, STR, B, True),
    E(
        "enum added to typed schema",
        STR,
        {"type": "string", "enum": ["a"]},
        B,
        False,
        "TYPE_CHANGED",
    ),
    E("const changed", {"const": 1}, {"const": 2}, B, False, "ENUM_ARRAY_CHANGED"),
    E("const kept, title changed", {"const": 1}, {"const": 1, "title": "one"}, B, True),
    # --- numbers
    E("maximum increased", {**NUM, "maximum": 5}, {**NUM, "maximum": 9}, B, True),
    E(
        "maximum decreased",
        {**NUM, "maximum": 9},
        {**NUM, "maximum": 5},
        B,
        False,
        "MAXIMUM_DECREASED",
    ),
    E("maximum added", NUM, {**NUM, "maximum": 5}, B, False, "MAXIMUM_ADDED"),
    E("maximum removed", {**NUM, "maximum": 5}, NUM, B, True),
    E(
        "minimum increased",
        {**NUM, "minimum": 1},
        {**NUM, "minimum": 2},
        B,
        False,
        "MINIMUM_INCREASED",
    ),
    E("minimum decreased", {**NUM, "minimum": 2}, {**NUM, "minimum": 1}, B, True),
    E(
        "exclusiveMinimum added",
        NUM,
        {**NUM, "exclusiveMinimum": 0},
        B,
        False,
        "EXCLUSIVE_MINIMUM_ADDED",
    ),
    E(
        "exclusiveMaximum increased",
        {**NUM, "exclusiveMaximum": 1},
        {**NUM, "exclusiveMaximum": 2},
        B,
        True,
    ),
    E(
        "draft 4 exclusive flag added",
        {"$schema": S4, **NUM, "maximum": 5},
        {"$schema": S4, **NUM, "maximum": 5, "exclusiveMaximum": True},
        B,
        False,
        "EXCLUSIVE_MAXIMUM_ADDED",
    ),
    E(
        "multipleOf expanded",
        {**INT, "multipleOf": 2},
        {**INT, "multipleOf": 4},
        B,
        False,
        "MULTIPLE_OF_EXPANDED",
    ),
    E("multipleOf reduced", {**INT, "multipleOf": 4}, {**INT, "multipleOf": 2}, B, True),
    E(
        "fractional multipleOf reduced",
        {**NUM, "multipleOf": 0.5},
        {**NUM, "multipleOf": 0.25},
        B,
        True,
    ),
    E(
        "multipleOf changed",
        {**INT, "multipleOf": 3},
        {**INT, "multipleOf": 5},
        B,
        False,
        "MULTIPLE_OF_CHANGED",
    ),
    E("multipleOf removed", {**INT, "multipleOf": 3}, INT, B, True),
    E("multipleOf added", INT, {**INT, "multipleOf": 3}, B, False, "MULTIPLE_OF_ADDED"),
    # --- strings
    E(
        "minLength increased",
        {**STR, "minLength": 1},
        {**STR, "minLength": 2},
        B,
        False,
        "MIN_LENGTH_INCREASED",
    ),
    E("minLength decreased", {**STR, "minLength": 2}, {**STR, "minLength": 1}, B, True),
    E("maxLength increased", {**STR, "maxLength": 2}, {**STR, "maxLength": 5}, B, True),
    E(
        "maxLength increased (forward)",
        {**STR, "maxLength": 2},
        {**STR, "maxLength": 5},
        F,
        False,
        "MAX_LENGTH_DECREASED",
    ),
    E("pattern added", STR, {**STR, "pattern": "^a"}, B, False, "PATTERN_ADDED"),
    E("pattern removed", {**STR, "pattern": "^a"}, STR, B, True),
    E(
        "pattern changed",
        {**STR, "pattern": "^a"},
        {**STR, "pattern": "^b"},
        B,
        False,
        "PATTERN_CHANGED",
    ),
    E(
        "format changed (not compared by Confluent)",
        {**STR, "format": "date"},
        {**STR, "format": "email"},
        B,
        True,
    ),
    # --- arrays
    E("items type changed", arr(items=STR), arr(items=NUM), B, False, "TYPE_CHANGED"),
    E("items schema added", arr(), arr(items=STR), B, False, "SCHEMA_ADDED"),
    E("items schema removed", arr(items=STR), arr(), B, True),
    E(
        "tuple: item added to closed tuple",
        arr(items=[STR], additionalItems=False),
        arr(items=[STR, INT], additionalItems=False),
        B,
        True,
    ),
    E(
        "tuple: item added to open tuple",
        arr(items=[STR]),
        arr(items=[STR, INT]),
        B,
        False,
        "ITEM_ADDED_TO_OPEN_CONTENT_MODEL",
    ),
    E("tuple: item removed, update open", arr(items=[STR, INT]), arr(items=[STR]), B, True),
    E(
        "tuple: item removed, update closed",
        arr(items=[STR, INT]),
        arr(items=[STR], additionalItems=False),
        B,
        False,
        "ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E(
        "additionalItems true -> false",
        arr(items=[STR]),
        arr(items=[STR], additionalItems=False),
        B,
        False,
        "ADDITIONAL_ITEMS_REMOVED",
    ),
    E("minItems increased", arr(minItems=1), arr(minItems=2), B, False, "MIN_ITEMS_INCREASED"),
    E("maxItems decreased", arr(maxItems=3), arr(maxItems=2), B, False, "MAX_ITEMS_DECREASED"),
    E("maxItems increased", arr(maxItems=2), arr(maxItems=3), B, True),
    E("uniqueItems added", arr(), arr(uniqueItems=True), B, False, "UNIQUE_ITEMS_ADDED"),
    E("uniqueItems removed", arr(uniqueItems=True), arr(), B, True),
    E(
        "2020-12 prefixItems: added item covered by items",
        {"$schema": S2020, **arr(prefixItems=[STR], items=STR)},
        {"$schema": S2020, **arr(prefixItems=[STR, STR], items=STR)},
        B,
        True,
    ),
    E(
        "2020-12 prefixItems: added item not covered",
        {"$schema": S2020, **arr(prefixItems=[STR], items=STR)},
        {"$schema": S2020, **arr(prefixItems=[STR, INT], items=STR)},
        B,
        False,
        "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
    ),
    E(
        "2020-12 unevaluatedItems closed",
        {"$schema": S2020, **arr(prefixItems=[STR])},
        {"$schema": S2020, **arr(prefixItems=[STR], unevaluatedItems=False)},
        B,
        False,
        "UNEVALUATED_ITEMS_REMOVED",
    ),
    E(
        "minContains increased",
        {"$schema": S2020, **arr(contains=NUM, minContains=1)},
        {"$schema": S2020, **arr(contains=NUM, minContains=2)},
        B,
        False,
        "MIN_CONTAINS_INCREASED",
    ),
    E(
        "maxContains decreased",
        {"$schema": S2020, **arr(contains=NUM, maxContains=3)},
        {"$schema": S2020, **arr(contains=NUM, maxContains=2)},
        B,
        False,
        "MAX_CONTAINS_DECREASED",
    ),
    # --- combinations
    E(
        "oneOf branch added",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR, INT, {"type": "null"}]},
        B,
        True,
    ),
    E(
        "oneOf branch removed",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR]},
        B,
        False,
        "SUM_TYPE_NARROWED",
    ),
    E(
        "oneOf branch added (forward)",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR, INT, {"type": "null"}]},
        F,
        False,
        "SUM_TYPE_NARROWED",
    ),
    E(
        "allOf member added",
        {"allOf": [STR]},
        {"allOf": [STR, {"maxLength": 3}]},
        B,
        False,
        "PRODUCT_TYPE_EXTENDED",
    ),
    E("allOf member removed", {"allOf": [STR, {"maxLength": 3}]}, {"allOf": [STR]}, B, True),
    E("oneOf -> anyOf", {"oneOf": [STR, INT]}, {"anyOf": [STR, INT]}, B, True),
    E(
        "anyOf -> oneOf",
        {"anyOf": [STR, INT]},
        {"oneOf": [STR, INT]},
        B,
        False,
        "COMBINED_TYPE_CHANGED",
    ),
    E("single schema -> oneOf containing it", STR, {"oneOf": [STR, INT]}, B, True),
    E("oneOf -> one of its branches", {"oneOf": [STR, INT]}, STR, B, False, "TYPE_CHANGED"),
    E("allOf -> one of its members", {"allOf": [STR, {"maxLength": 3}]}, STR, B, True),
    E(
        "oneOf branch changed incompatibly",
        {"oneOf": [STR, INT]},
        {"oneOf": [STR, {"type": "null"}]},
        B,
        False,
        "COMBINED_TYPE_SUBSCHEMAS_CHANGED",
    ),
    # --- not
    E("not: forbids less", {"not": {"type": ["string", "integer"]}}, {"not": STR}, B, True),
    E(
        "not: forbids more",
        {"not": STR},
        {"not": {"type": ["string", "integer"]}},
        B,
        False,
        "NOT_TYPE_EXTENDED",
    ),
    # --- $ref
    E(
        "local $ref target changed",
        {**arr(items={"$ref": "#/definitions/x"}), "definitions": {"x": STR}},
        {**arr(items={"$ref": "#/definitions/x"}), "definitions": {"x": NUM}},
        B,
        False,
        "TYPE_CHANGED",
    ),
    E("inline -> local $ref", STR, {"$ref": "#/definitions/x", "definitions": {"x": STR}}, B, True),
    E(
        "referenced schema changed",
        obj(home={"$ref": "address.json"}),
        obj(home={"$ref": "address.json"}),
        B,
        False,
        "TYPE_CHANGED",
        refs_old=_ref(obj(city=STR)),
        refs_new=_ref(obj(city=INT)),
    ),
    E(
        "referenced schema unchanged",
        obj(home={"$ref": "address.json"}),
        obj(home={"$ref": "address.json"}),
        FULL,
        True,
        refs_old=_ref(obj(city=STR)),
        refs_new=_ref(obj(city=STR)),
    ),
    E("recursive tree: closed node gains optional property", TREE, TREE_WITH_LABEL, B, True),
    E(
        "recursive tree: closed node gains property (forward)",
        TREE,
        TREE_WITH_LABEL,
        F,
        False,
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E("recursive tree: value type changed", TREE, TREE_WITH_INT_VALUE, B, False, "TYPE_CHANGED"),
    E("recursive tree unchanged", TREE, TREE, FULL, True),
    # --- dependencies
    E(
        "dependencies array added",
        obj(a=STR, b=STR),
        {**obj(a=STR, b=STR), "dependencies": {"a": ["b"]}},
        B,
        False,
        "DEPENDENCY_ARRAY_ADDED",
    ),
    E(
        "dependencies array removed",
        {**obj(a=STR, b=STR), "dependencies": {"a": ["b"]}},
        obj(a=STR, b=STR),
        B,
        True,
    ),
    E(
        "dependentRequired extended",
        {"$schema": S2020, **obj(a=STR, b=STR, c=STR), "dependentRequired": {"a": ["b"]}},
        {"$schema": S2020, **obj(a=STR, b=STR, c=STR), "dependentRequired": {"a": ["b", "c"]}},
        B,
        False,
        "DEPENDENCY_ARRAY_EXTENDED",
    ),
    E(
        "dependentRequired narrowed",
        {"$schema": S2020, **obj(a=STR, b=STR, c=STR), "dependentRequired": {"a": ["b", "c"]}},
        {"$schema": S2020, **obj(a=STR, b=STR, c=STR), "dependentRequired": {"a": ["b"]}},
        B,
        True,
    ),
    E(
        "dependentSchemas removed",
        {"$schema": S2020, "dependentSchemas": {"a": obj(None, ("b",))}},
        {"$schema": S2020, "dependentSchemas": {}},
        B,
        True,
    ),
    E(
        "dependentSchemas added",
        {"$schema": S2020, "dependentSchemas": {}},
        {"$schema": S2020, "dependentSchemas": {"a": obj(None, ("b",))}},
        B,
        False,
        "DEPENDENCY_SCHEMA_ADDED",
    ),
    # --- property counts
    E(
        "minProperties increased",
        {"minProperties": 1},
        {"minProperties": 2},
        B,
        False,
        "MIN_PROPERTIES_INCREASED",
    ),
    E("maxProperties increased", {"maxProperties": 1}, {"maxProperties": 2}, B, True),
    # --- FULL and transitive levels
    E("FULL: title changed", {**STR, "title": "a"}, {**STR, "title": "b"}, FULL, True),
    E(
        "FULL: closed model gains optional property",
        obj(True, a=STR),
        obj(True, a=STR, b=STR),
        FULL,
        False,
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
    ),
    E(
        "FULL: maxLength increased",
        {**STR, "maxLength": 2},
        {**STR, "maxLength": 3},
        FULL,
        False,
        "MAX_LENGTH_DECREASED",
    ),
    E(
        "BACKWARD checks only the latest",
        {"enum": ["a", "b"]},
        {"enum": ["a", "b", "d"]},
        B,
        True,
        history=({"enum": ["a", "b", "c"]},),
    ),
    E(
        "BACKWARD_TRANSITIVE checks every version",
        {"enum": ["a", "b"]},
        {"enum": ["a", "b", "d"]},
        CompatibilityLevel.BACKWARD_TRANSITIVE,
        False,
        "ENUM_ARRAY_CHANGED",
        history=({"enum": ["a", "b", "c"]},),
    ),
    E(
        "FORWARD_TRANSITIVE checks every version",
        {"enum": ["a", "b", "c"]},
        {"enum": ["a", "b", "c"], "title": "t"},
        CompatibilityLevel.FORWARD_TRANSITIVE,
        False,
        "ENUM_ARRAY_NARROWED",
        history=({"enum": ["a", "b"]},),
    ),
    E(
        "FULL_TRANSITIVE: unchanged schema",
        STR,
        STR,
        CompatibilityLevel.FULL_TRANSITIVE,
        True,
        history=(STR,),
    ),
]


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 80
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_evolution(case: Evolution) -> None:
    old = FMT.parse(json.dumps(case.old), case.refs_old)
    new = FMT.parse(json.dumps(case.new), case.refs_new)
    live = [FMT.parse(json.dumps(text), case.refs_old) for text in case.history] + [old]
    findings = check(FMT, case.level, new, live)
    kinds = {finding.incompatibility.kind for finding in findings}
    assert (not findings) is case.ok, kinds
    if case.kind is not None:
        assert case.kind in kinds
