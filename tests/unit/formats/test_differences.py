"""`SchemaFormat.differences`: one `Change` type for all three formats, judged both ways
(`backward`: new reads old, `forward`: old reads new), each naming the field it concerns."""

from __future__ import annotations

import json
from typing import Any

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import Change, SchemaType

AVRO = format_for(SchemaType.AVRO)
JSON = format_for(SchemaType.JSON)
PROTOBUF = format_for(SchemaType.PROTOBUF)


def avro(*fields: dict[str, Any]) -> Any:
    return AVRO.parse(json.dumps({"type": "record", "name": "Inference", "fields": list(fields)}))


def closed_object(**properties: str) -> Any:
    document = {
        "type": "object",
        "properties": {name: {"type": kind} for name, kind in properties.items()},
        "additionalProperties": False,
    }
    return JSON.parse(json.dumps(document))


def proto(body: str) -> Any:
    return PROTOBUF.parse(f'syntax = "proto3";\npackage shop;\nmessage Order {{\n{body}\n}}\n')


def only(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]


def verdict(change: Change) -> tuple[str, str, bool, bool]:
    return change.kind, change.path, change.backward, change.forward


# ---- Avro ------------------------------------------------------------------------------


def test_avro_field_added_with_a_default_breaks_nobody() -> None:
    old = avro({"name": "model", "type": "string"})
    new = avro({"name": "model", "type": "string"}, {"name": "n", "type": "int", "default": 1})
    change = only(AVRO.differences(old, new))
    assert verdict(change) == ("FIELD_ADDED", "$.n", False, False)
    assert change.name == "n"
    assert change.description == "Field Inference.n added with a default"


def test_avro_field_removed_without_a_default_breaks_old_readers() -> None:
    old = avro({"name": "model", "type": "string"}, {"name": "n", "type": "int"})
    new = avro({"name": "model", "type": "string"})
    change = only(AVRO.differences(old, new))
    assert verdict(change) == ("FIELD_REMOVED", "$.n", False, True)
    assert change.description == "Field Inference.n removed"


def test_avro_field_retyped_is_judged_by_the_reader_writer_rules() -> None:
    old = avro({"name": "model", "type": "int"})
    new = avro({"name": "model", "type": "long"})  # a promotion: only new readers cope
    change = only(AVRO.differences(old, new))
    assert verdict(change) == ("TYPE_CHANGED", "$.model", False, True)
    assert change.description == "Type of field Inference.model changed from int to long"


def test_avro_field_renamed_through_an_alias() -> None:
    old = avro({"name": "model", "type": "string"})
    new = avro({"name": "engine", "type": "string", "aliases": ["model"]})
    change = only(AVRO.differences(old, new))
    # New readers find `model` by its alias; old readers miss it and it has no default.
    assert verdict(change) == ("FIELD_RENAMED", "$.engine", False, True)
    assert change.description == "Field Inference.model renamed to Inference.engine"


def test_avro_nested_record_fields_are_named_by_their_record() -> None:
    usage = {"type": "record", "name": "Usage", "fields": [{"name": "tokens", "type": "int"}]}
    old = avro({"name": "usage", "type": usage})
    renamed = {**usage, "fields": [{"name": "tokens", "type": "string"}]}
    change = only(AVRO.differences(old, avro({"name": "usage", "type": renamed})))
    assert (change.path, change.name) == ("$.usage.tokens", "tokens")
    assert change.description == "Type of field Usage.tokens changed from int to string"


# ---- JSON Schema -----------------------------------------------------------------------


def test_json_property_added_to_a_closed_object() -> None:
    change = only(
        JSON.differences(closed_object(a="string"), closed_object(a="string", age="integer"))
    )
    assert verdict(change) == (
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        "#/properties/age",
        False,
        True,
    )
    assert change.name == "age"
    assert "$.properties.age" in change.description


def test_json_property_removed_from_a_closed_object() -> None:
    change = only(
        JSON.differences(closed_object(a="string", age="integer"), closed_object(a="string"))
    )
    assert verdict(change) == (
        "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        "#/properties/age",
        True,
        False,
    )
    assert change.description == "'$.properties.age' was removed from a closed schema"


def test_json_property_retyped() -> None:
    change = only(JSON.differences(closed_object(age="integer"), closed_object(age="string")))
    assert verdict(change) == ("TYPE_CHANGED", "#/properties/age", True, True)
    assert "$.properties.age" in change.description


def test_json_property_renamed_is_a_removal_and_an_addition_each_named() -> None:
    changes = JSON.differences(closed_object(age="integer"), closed_object(years="integer"))
    assert {(c.name, c.backward) for c in changes} == {("age", True), ("years", False)}
    assert all(f"$.properties.{c.name}" in c.description for c in changes)


def test_json_differences_keep_confluents_compatible_flag() -> None:
    change = only(JSON.differences(closed_object(age="integer"), closed_object(age="number")))
    assert (change.kind, change.compatible) == ("TYPE_EXTENDED", True)
    assert str(change) == "TYPE_EXTENDED #/properties/age"


# ---- Protobuf --------------------------------------------------------------------------


def test_protobuf_field_added_and_removed_are_named_with_their_number() -> None:
    old = proto("  string id = 1;\n  int32 count = 2;")
    new = proto("  string id = 1;\n  int64 total = 3;")
    removed, added = PROTOBUF.differences(old, new)
    assert verdict(removed) == ("FIELD_REMOVED", "#/Order/2", False, False)
    assert removed.description == "Field Order.count (field 2) removed"
    assert verdict(added) == ("FIELD_ADDED", "#/Order/3", False, False)
    assert (added.name, added.description) == ("total", "Field Order.total (field 3) added")


def test_protobuf_field_renamed_keeps_its_number() -> None:
    change = only(PROTOBUF.differences(proto("  int32 count = 2;"), proto("  int32 total = 2;")))
    assert verdict(change) == ("FIELD_NAME_CHANGED", "#/Order/2", False, False)
    assert change.name == "total"
    assert change.description == "Field Order.total (field 2) renamed (was count)"


def test_protobuf_field_retyped_across_wire_types_breaks_both_ways() -> None:
    change = only(PROTOBUF.differences(proto("  int32 count = 2;"), proto("  string count = 2;")))
    assert verdict(change) == ("FIELD_SCALAR_KIND_CHANGED", "#/Order/2", True, True)
    assert change.description == (
        "Field Order.count (field 2) changed to a wire-incompatible scalar type"
    )


def test_protobuf_enum_values_and_nested_messages_are_named() -> None:
    old = proto("  enum Color { RED = 0; BLUE = 1; }\n  message Line { int32 qty = 1; }")
    new = proto("  enum Color { RED = 0; GREEN = 1; }\n  message Line { string qty = 1; }")
    described = {c.path: c.description for c in PROTOBUF.differences(old, new)}
    assert described == {
        "#/Order/Line/1": "Field Order.Line.qty (field 1) changed to a wire-incompatible "
        "scalar type",
        "#/Order/Color/1": "Enum value Order.Color.GREEN (value 1) renamed (was BLUE)",
    }


def test_no_differences_between_equal_schemas() -> None:
    assert (
        AVRO.differences(avro({"name": "a", "type": "int"}), avro({"name": "a", "type": "int"}))
        == []
    )
    assert JSON.differences(closed_object(a="string"), closed_object(a="string")) == []
    assert PROTOBUF.differences(proto("  int32 a = 1;"), proto("  int32 a = 1;")) == []
