"""`Policies` as a pure evaluator over a parsed schema, through `SchemaFormat.fields`."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.checks import RegistrationBlockedError
from llm_schema_registry.security.policy import Policies

AVRO = format_for(SchemaType.AVRO)
JSON = format_for(SchemaType.JSON)
PROTOBUF = format_for(SchemaType.PROTOBUF)
LIMITS = Policies(max_properties=2, max_depth=2, limits_action="warn")


def test_width_is_counted_per_record_and_reported_at_its_path() -> None:
    inner = {"type": "record", "name": "In", "fields": [{"name": n, "type": "int"} for n in "abc"]}
    schema = AVRO.parse(
        json.dumps({"type": "record", "name": "Out", "fields": [{"name": "in", "type": inner}]})
    )
    found = LIMITS.violations(AVRO, schema, None)
    assert [(v.policy, v.path, v.message) for v in found] == [
        ("max_properties", "in", "3 properties (limit 2)")
    ]


def test_depth_counts_nested_json_objects() -> None:
    nested = {"type": "object", "properties": {"c": {"type": "string"}}}
    middle = {"type": "object", "properties": {"b": nested}}
    schema = JSON.parse(json.dumps({"type": "object", "properties": {"a": middle}}))
    found = LIMITS.violations(JSON, schema, None)
    assert [(v.policy, v.path, v.message) for v in found] == [
        ("max_depth", "a.b.c", "nested 3 deep (limit 2)")
    ]


def test_protobuf_top_level_width_is_reported_at_the_message() -> None:
    schema = PROTOBUF.parse(
        'syntax = "proto3";\nmessage M { int32 a = 1; int32 b = 2; int32 c = 3; }'
    )
    [found] = LIMITS.violations(PROTOBUF, schema, None)
    assert (found.policy, found.path) == ("max_properties", "M")


def test_pii_names_match_whole_words_in_any_case_style() -> None:
    fields = ["userEmail", "ip_addressable", "dob", "PhoneNumber", "mobility"]
    schema = JSON.parse(
        json.dumps({"type": "object", "properties": {f: {"type": "string"} for f in fields}})
    )
    found = Policies(pii="warn").violations(JSON, schema, None)
    assert [v.path for v in found] == ["userEmail", "dob", "PhoneNumber"]


def test_the_hook_returns_warnings_and_raises_on_a_block() -> None:
    schema = JSON.parse('{"type": "object", "properties": {"email": {"type": "string"}}}')
    policies = Policies(pii="warn", required_metadata=("owner",), metadata_action="block")
    assert policies.check_registration("s", JSON, schema, {"properties": {"owner": "x"}}) != []
    with pytest.raises(RegistrationBlockedError) as blocked:
        policies.check_registration("s", JSON, schema, None)
    # A refusal lists every violation, the warnings among them.
    assert [v.action for v in blocked.value.violations] == ["warn", "block"]


def test_a_body_whose_schema_does_not_parse_is_checked_for_metadata_only() -> None:
    policies = Policies(pii="block", required_metadata=("owner",))
    found = policies.check({"schema": '{"type": "record"', "schemaType": "AVRO"})
    assert [v.policy for v in found] == ["required_metadata"]
