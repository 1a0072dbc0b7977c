"""`fast_check` accepts a Protobuf JSON record only when `json_format.ParseDict` would."""

from __future__ import annotations

from typing import Any

import pytest
from google.protobuf import json_format, message_factory

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.formats.protobuf.fast_check import FastCheck

PROTO = """
syntax = "proto3";
package t;
import "google/protobuf/timestamp.proto";
enum Color { RED = 0; GREEN = 1; }
message Inner { string s = 1; repeated int32 xs = 2; Inner next = 3; }
message Event {
  int32 i32 = 1; int64 i64 = 2; uint32 u32 = 3; uint64 u64 = 4; sint32 s32 = 5;
  fixed64 f64 = 6; double d = 7; float f = 8; bool b = 9; string s = 10; bytes raw = 11;
  Color color = 12; Inner inner = 13; repeated Inner inners = 14; repeated string tags = 15;
  map<string, int32> counts = 16; google.protobuf.Timestamp at = 17;
  oneof choice { string left = 18; int32 right = 19; }
  optional string maybe = 20; string snake_case_name = 21;
}
"""

VALID_AND_PLAIN: list[dict[str, Any]] = [
    {},
    {"i32": 1, "i64": 2**40, "u32": 7, "u64": 2**63, "s32": -5, "f64": 9},
    {"d": 1.5, "f": 2, "b": True, "s": "héllo", "color": "GREEN"},
    {"inner": {"s": "x", "xs": [1, 2], "next": {"next": {}}}, "inners": [{}, {"s": "y"}]},
    {"tags": ["a", "b"], "left": "l", "maybe": "m", "snakeCaseName": "j"},
    {"snake_case_name": "n", "right": 3},
]
OTHERS: list[dict[str, Any]] = [
    {"i32": 2**31},
    {"i32": "12"},
    {"i32": 1.0},
    {"i32": True},
    {"u32": -1},
    {"i64": "12345678901234"},
    {"d": "NaN"},
    {"d": float("inf")},
    {"f": 1e39},
    {"b": "true"},
    {"b": 1},
    {"s": 5},
    {"s": "\ud800"},
    {"raw": "aGk="},
    {"raw": "!!"},
    {"color": "BLUE"},
    {"color": 1},
    {"color": 7},
    {"inner": []},
    {"inner": {"unknown": 1}},
    {"inners": {}},
    {"inners": [None]},
    {"tags": "a"},
    {"counts": {"a": 1}},
    {"at": "2020-01-01T00:00:00Z"},
    {"left": "l", "right": 1},
    {"s": None},
    {"nope": 1},
    {"snakeCaseName": "a", "snake_case_name": "b"},
    {"snake_case_name": "b", "snakeCaseName": "a"},
    {"right": 1, "left": "l"},
    {"i32": 1, "inner": {"s": "x", "xs": [2**31]}},
]


def _parses(descriptor: Any, record: dict[str, Any]) -> bool:
    try:
        json_format.ParseDict(record, message_factory.GetMessageClass(descriptor)())
    except json_format.ParseError:
        return False
    return True


@pytest.fixture(scope="module")
def descriptor() -> Any:
    schema = format_for(SchemaType.PROTOBUF).parse(PROTO, ())
    return schema.pool.FindMessageTypeByName("t.Event")


@pytest.mark.parametrize("record", VALID_AND_PLAIN)
def test_plain_valid_records_are_accepted_without_json_format(
    descriptor: Any, record: dict[str, Any]
) -> None:
    assert _parses(descriptor, record)
    assert FastCheck(descriptor).accepts(record)


@pytest.mark.parametrize("record", OTHERS)
def test_anything_else_is_left_to_json_format(descriptor: Any, record: dict[str, Any]) -> None:
    if FastCheck(descriptor).accepts(record):
        assert _parses(descriptor, record)
    else:  # invalid ones must not be accepted; valid ones may still be left to ParseDict
        assert not FastCheck(descriptor).accepts(record)
    if not _parses(descriptor, record):
        assert not FastCheck(descriptor).accepts(record)
