"""A CEL rule given only the fields it reads answers exactly as given the whole record."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from cel_expr_python import cel

from llm_schema_registry.validation.cel_reads import fields_read, only

ENV = cel.NewEnv(variables={"message": cel.Type.DYN})

READS = {
    "message.count_0 >= 0 && message.count_1 >= 0": {"count_0", "count_1"},
    "has(message.x) ? message.x.y > 1.5 : message.z == 'message'": {"x", "z"},
    "message.tags.exists(t, t == 'a')": {"tags"},
    "{'a': message.a, 'b': [message.b]}.size() == 2": {"a", "b"},
    "message.name.startsWith('x') && uint(message.n) + 1u > 2u": {"name", "n"},
    "[message.a].map(v, v + 1)[0] > 0 // a comment naming message": {"a"},
    "message.a in [1, 2] && !(message.b in {'k': 1}) && -message.c < 0.5e3": {"a", "b", "c"},
    "true": set(),
}
WHOLE = [
    "size(message) > 0",
    "message['a'] == 1",
    "message.all(k, k != '')",
    "[1, 2].exists(message, message > 0)",
    "message == {}",
    "type(message) == map",
    "'a' in message",
]
RECORDS: list[Any] = [
    {"count_0": 1, "count_1": 2, "attr": "x"},
    {"count_0": -1, "count_1": 2},
    {"count_0": 1},
    {"count_0": 1, "count_1": 1, "big": 2**70},
    {"count_0": 1, "count_1": 1, "edge": 2**64 - 1, "low": -(2**63)},
    {"count_0": 1, "count_1": 1, "nested": {"k": [1, {"deep": 2**65}]}},
    {"count_0": 1, "count_1": 1, "odd": "\ud800"},
    {"count_0": 1, "count_1": 1, "\ud800": 1},
    {"count_0": 2**70, "count_1": 1, "other": 2**70},
    {"count_0": "x", "count_1": 1},
    {"x": {"y": 2.0}, "z": "message", "tags": ["a"], "a": 1, "b": 2, "c": 3.5},
    {"x": None, "z": 1, "tags": [], "a": 3, "b": "k", "c": -1, "name": "xy", "n": 5},
    {"name": "ab", "n": -5, "tags": "a"},
    {"a": 1, "rest": [None, True, 1.5, "é", {"q": []}]},
    {},
    [1, 2],
    "text",
    None,
]


def _outcome(expression: Any, record: Any) -> tuple[str, Any]:
    try:
        value = expression.eval(data={"message": record})
    except Exception as error:  # CEL raises on some values it cannot convert
        return "raised", f"{type(error).__name__}: {error}"
    return str(value.type()), value.value()


@pytest.mark.parametrize(("text", "expected"), READS.items())
def test_an_expression_selecting_fields_by_name_reads_those(text: str, expected: set[str]) -> None:
    assert fields_read(ENV.compile(text).serialize()) == expected


@pytest.mark.parametrize("text", WHOLE)
def test_an_expression_using_message_otherwise_reads_it_whole(text: str) -> None:
    assert fields_read(ENV.compile(text).serialize()) is None


def test_a_tree_not_understood_reads_the_whole_record() -> None:
    assert fields_read(b"\x12\x03abc") is None
    assert fields_read(b"") is None


def test_the_fields_read_give_the_same_result_and_error_as_the_whole_record() -> None:
    for text, record in itertools.product([*READS, *WHOLE], RECORDS):
        expression = ENV.compile(text)
        reads = fields_read(expression.serialize())
        assert _outcome(expression, only(record, reads)) == _outcome(expression, record), (
            text,
            record,
        )


def test_fields_left_out_are_dropped_only_when_plain() -> None:
    reads = frozenset({"a"})
    assert only({"b": 1, "a": 2, "c": ["x", None]}, reads) == {"a": 2}
    for record in ({"a": 1, "b": 2**64}, {"a": 1, "b": "\ud800"}, {"a": 1, "b": b"x"}):
        assert only(record, reads) is record
    assert only({"a": 1}, None) == {"a": 1}
