"""AvroFormat.can_read details: Java's kinds and paths, Confluent-style messages, speed."""

from __future__ import annotations

import json
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.avro import AvroFormat
from llm_schema_registry.formats.avro.model import Node, Record
from llm_schema_registry.formats.base import Incompatibility

FMT = AvroFormat()


def problems(reader: Any, writer: Any) -> list[tuple[str, str]]:
    found = FMT.can_read(FMT.parse(json.dumps(reader)), FMT.parse(json.dumps(writer)))
    return [(i.kind, i.path) for i in found]


def rec(*fields: Any, name: str = "R", **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": list(fields), **extra}


def test_missing_default_names_the_field_and_its_path() -> None:
    reader = rec({"name": "f1", "type": "string"}, {"name": "f2", "type": "string"})
    found = FMT.can_read(
        FMT.parse(json.dumps(reader)), FMT.parse(json.dumps(rec(reader["fields"][0])))
    )
    assert found == [
        Incompatibility(
            "READER_FIELD_MISSING_DEFAULT_VALUE",
            "/fields/1",
            "The field 'f2' at path '/fields/1' in the reader schema has no default value "
            "and is missing in the writer schema",
        )
    ]


def test_all_incompatibilities_are_reported() -> None:
    reader = rec(
        {"name": "a", "type": "int"},
        {"name": "b", "type": {"type": "fixed", "name": "F", "size": 2}},
        {"name": "c", "type": "string"},
        {"name": "d", "type": {"type": "enum", "name": "E", "symbols": ["X"]}},
    )
    writer = rec(
        {"name": "a", "type": "long"},
        {"name": "b", "type": {"type": "fixed", "name": "F", "size": 4}},
        {"name": "d", "type": {"type": "enum", "name": "E", "symbols": ["X", "Z", "Y"]}},
    )
    assert problems(reader, writer) == [
        ("TYPE_MISMATCH", "/fields/0/type"),
        ("FIXED_SIZE_MISMATCH", "/fields/1/type/size"),
        ("READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/2"),
        ("MISSING_ENUM_SYMBOLS", "/fields/3/type/symbols"),
    ]


def test_enum_message_lists_missing_symbols_sorted() -> None:
    reader = {"type": "enum", "name": "E", "symbols": ["A"]}
    writer = {"type": "enum", "name": "E", "symbols": ["A", "C", "B"]}
    (found,) = FMT.can_read(FMT.parse(json.dumps(reader)), FMT.parse(json.dumps(writer)))
    assert "missing enum symbols '[B, C]' at path '/symbols'" in found.message


def test_name_mismatch_path() -> None:
    assert problems(rec(name="A"), rec(name="B")) == [("NAME_MISMATCH", "/name")]


def test_union_paths_follow_java() -> None:
    # Writer union against a non-union reader: one location per writer branch.
    assert problems({"type": "string"}, ["string", "int", "null"]) == [
        ("TYPE_MISMATCH", "/1"),
        ("TYPE_MISMATCH", "/2"),
    ]
    # Union against union: the writer branch the reader lacks.
    assert problems(["null", "string"], ["null", "string", "int"]) == [
        ("MISSING_UNION_BRANCH", "/2")
    ]
    # Non-union writer against a reader union.
    assert problems(
        rec({"name": "f", "type": ["null", "int"]}), rec({"name": "f", "type": "string"})
    ) == [("MISSING_UNION_BRANCH", "/fields/0/type")]


def test_nested_paths() -> None:
    inner_r = rec(
        {"name": "x", "type": {"type": "map", "values": {"type": "array", "items": "int"}}},
        name="S",
    )
    inner_w = rec(
        {"name": "x", "type": {"type": "map", "values": {"type": "array", "items": "string"}}},
        name="S",
    )
    assert problems(rec({"name": "s", "type": inner_r}), rec({"name": "s", "type": inner_w})) == [
        ("TYPE_MISMATCH", "/fields/0/type/fields/0/type/values/items")
    ]


def test_reader_alias_in_another_namespace_must_be_qualified() -> None:
    writer = rec(name="Old", namespace="a")
    assert problems(rec(name="New", namespace="b", aliases=["a.Old"]), writer) == []
    assert problems(rec(name="New", namespace="b", aliases=["Old"]), writer) == [
        ("NAME_MISMATCH", "/name")
    ]


def test_mutually_recursive_types_terminate() -> None:
    tree = {
        "type": "record",
        "name": "Tree",
        "fields": [
            {"name": "value", "type": "int"},
            {
                "name": "forest",
                "type": {
                    "type": "record",
                    "name": "Forest",
                    "fields": [
                        {"name": "trees", "type": {"type": "array", "items": "Tree"}},
                    ],
                },
            },
        ],
    }
    wider = json.loads(json.dumps(tree).replace('"int"', '"long"'))
    assert problems(wider, tree) == []
    assert problems(tree, wider) == [("TYPE_MISMATCH", "/fields/0/type")]


def _wide_record(version: int) -> str:
    fields: list[dict[str, Any]] = [
        {"name": f"f{i}", "type": ["null", "string"], "default": None} for i in range(30)
    ]
    fields += [{"name": f"v{i}", "type": "long", "default": i} for i in range(version)]
    fields.append(
        {
            "name": "nested",
            "type": {
                "type": "array",
                "items": rec(
                    {"name": "a", "type": "int"},
                    {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
                    name="Item",
                ),
            },
        }
    )
    return json.dumps(rec(*fields, name="Wide", namespace="perf"))


def test_full_transitive_over_100_compatible_versions_finds_nothing() -> None:
    # Latency is measured by bench/compatibility.py, not asserted here.
    history = [FMT.parse(_wide_record(v)) for v in range(100)]
    new = FMT.parse(_wide_record(100))
    assert check(FMT, CompatibilityLevel.FULL_TRANSITIVE, new, history) == []


def test_root_is_a_node_graph_not_json() -> None:
    root: Node = FMT.parse(_wide_record(0)).root
    assert isinstance(root, Record) and root.full_name == "perf.Wide"
