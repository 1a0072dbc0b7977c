"""`fast_check` accepts an Avro record only when the walk in `data.py` finds no problem."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.avro.data import AvroData
from llm_schema_registry.formats.avro.fast_check import FastCheck
from llm_schema_registry.formats.base import SchemaType

SCHEMA = {
    "type": "record",
    "name": "Event",
    "namespace": "t",
    "fields": [
        {"name": "i", "type": "int"},
        {"name": "l", "type": "long", "default": 0},
        {"name": "f", "type": "float", "default": 0},
        {"name": "d", "type": "double", "default": 0},
        {"name": "b", "type": "boolean", "default": False},
        {"name": "s", "type": "string", "default": ""},
        {"name": "raw", "type": "bytes", "default": ""},
        {"name": "day", "type": {"type": "int", "logicalType": "date"}, "default": 0},
        {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
        {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 2}, "default": "ab"},
        {"name": "tags", "type": {"type": "array", "items": "string"}, "default": []},
        {"name": "counts", "type": {"type": "map", "values": "long"}, "default": {}},
        {
            "name": "inner",
            "type": [
                "null",
                {
                    "type": "record",
                    "name": "Inner",
                    "fields": [
                        {"name": "x", "type": "int"},
                        {"name": "next", "type": ["null", "Inner"], "default": None},
                    ],
                },
            ],
            "default": None,
        },
        {"name": "others", "type": {"type": "array", "items": "Inner"}, "default": []},
        {"name": "either", "type": ["string", "long", "Color"], "default": ""},
        {
            "name": "shape",
            "type": [
                {
                    "type": "record",
                    "name": "Dot",
                    "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}],
                },
                {"type": "map", "values": "string"},
            ],
            "default": {"x": 0, "y": 0},
        },
        {"name": "hashes", "type": ["null", "Hash"], "default": None},
    ],
}

VALID: list[dict[str, Any]] = [
    {"i": 1, "color": "RED"},
    {"i": -(2**31), "l": 2**63 - 1, "f": 1, "d": 2.5, "b": True, "s": "héllo", "color": "GREEN"},
    {"i": 0, "raw": "\u00ff", "day": 19000, "hash": "zz", "tags": ["a", "b"], "color": "RED"},
    {"i": 0, "counts": {"a": 1, "b": -2}, "inner": {"x": 1, "next": None}, "color": "RED"},
    {"i": 0, "inner": {"x": 1, "next": {"x": 2, "next": None}}, "color": "RED"},
    {"i": 0, "others": [{"x": 1}, {"x": 2, "next": {"x": 3, "next": None}}], "color": "RED"},
    {"i": 0, "either": 5, "shape": {"x": 3, "y": 4}, "color": "RED"},
    {"i": 0, "either": "GREEN", "hashes": "xy", "color": "RED"},
    {"i": 0, "d": float("nan"), "f": float("inf"), "color": "RED"},
]

# (A record of one field as a union value is always left to the walk: it may be the wrapped
# form. The walk itself raises on one whose union has an inline record branch.)

# Values of every JSON kind and a few edges, tried in place of each field of each valid record.
ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    -(2**63) - 1,
    1.5,
    float("nan"),
    "",
    "RED",
    "BLUE",
    "abc",
    "\ud800",
    [],
    [None],
    ["x"],
    [{"x": 1}],
    [{"x": "1"}],
    {},
    {"x": 1},
    {"x": "1"},
    {"x": 1, "next": {"x": "no"}},
    {"x": 1, "y": 2},
    {"string": "s"},
    {"long": 5},
    {"t.Inner": {"x": 1}},
    {"t.Dot": {"x": 1}},
    {"map": {"a": "b"}},
    {"null": None},
    {"a": "b", "c": 1},
    b"ab",
]


@pytest.fixture(scope="module")
def data() -> AvroData:
    return format_for(SchemaType.AVRO).validator(
        format_for(SchemaType.AVRO).parse(json.dumps(SCHEMA))
    )


def _fast(data: AvroData) -> FastCheck:
    return data._fast


def _walk_finds_nothing(data: AvroData, record: Any) -> bool:
    try:
        return not data.problems(record)
    except Exception:  # the walk raising is not "valid" either
        return False


@pytest.mark.parametrize("record", VALID)
def test_valid_records_are_accepted_without_a_walk(data: AvroData, record: dict[str, Any]) -> None:
    assert data.problems(record) == []
    assert _fast(data).accepts(record)


def _variants() -> list[Any]:
    variants: list[Any] = [None, 1, "x", [], [VALID[0]], {}]
    for record, (name, value) in itertools.product(
        VALID, [(f["name"], v) for f in SCHEMA["fields"] for v in ODD_VALUES]
    ):
        variants.append({**record, name: value})
        variants.append({k: v for k, v in record.items() if k != name})
    variants += [{**record, "extra": 1} for record in VALID]
    return variants


def test_every_record_accepted_is_one_the_walk_finds_valid(data: AvroData) -> None:
    accepted = rejected = 0
    for record in _variants():
        if _fast(data).accepts(record):
            assert _walk_finds_nothing(data, record), record
            accepted += 1
        else:
            rejected += 1
    assert accepted > 100 and rejected > 100  # both sides of the implication were exercised


def test_errors_are_still_worded_by_the_walk(data: AvroData) -> None:
    record = {"i": 2**31, "color": "BLUE", "extra": 1}
    assert data.errors(record) == data.problems(record) != []


def test_one_key_objects_in_a_union_are_left_to_the_walk(data: AvroData) -> None:
    wrapped = {"i": 0, "color": "RED", "either": {"long": 5}}
    assert not _fast(data).accepts(wrapped)
    assert data.errors(wrapped) == []  # the walk accepts the wrapped form


def test_deep_records_beyond_the_recursion_limit_are_left_to_the_walk(data: AvroData) -> None:
    inner: dict[str, Any] = {"x": 0, "next": None}
    for _ in range(5000):
        inner = {"x": 0, "next": inner}
    assert not _fast(data).accepts({"i": 0, "color": "RED", "inner": inner})


def test_a_one_field_record_defined_inline_in_a_union_is_checked_not_crashed_on() -> None:
    """{"x": 1} against ["null", Inner] is Inner's record itself, not a branch wrapper (the
    walk once looked the inline branch up by its dict: TypeError, a 500)."""
    inner = {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "int"}]}
    outer = {
        "type": "record",
        "name": "Outer",
        "fields": [{"name": "inner", "type": ["null", inner]}],
    }
    avro = format_for(SchemaType.AVRO)
    data = avro.validator(avro.parse(json.dumps(outer)))
    assert data.errors({"inner": {"x": 1}}) == []
    assert data.errors({"inner": {"x": "one"}}) != []
