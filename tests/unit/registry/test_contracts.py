"""Data contracts: metadata and ruleSet carried over, merged and checked."""

from __future__ import annotations

from typing import Any

import pytest

from llm_schema_registry.registry.contracts import (
    check_metadata,
    check_rule_set,
    effective_contract,
    merge_metadata,
    merge_rule_sets,
)
from llm_schema_registry.registry.errors import InvalidRuleSetError


def rule(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": "CEL", "expr": "true", **extra}


def test_metadata_merges_by_key_with_the_top_winning() -> None:
    base = {"properties": {"owner": "a", "tier": "1"}, "tags": {"f": ["X"]}, "sensitive": ["b"]}
    top = {"properties": {"owner": "z"}, "sensitive": ["a", "b"]}
    assert merge_metadata(base, top) == {
        "properties": {"owner": "z", "tier": "1"},
        "tags": {"f": ["X"]},
        "sensitive": ["a", "b"],
    }


def test_merging_with_nothing_keeps_the_other_side() -> None:
    only = {"properties": {"owner": "a"}}
    assert merge_metadata(None, only) is only
    assert merge_metadata(only, None) is only
    assert merge_rule_sets(None, None) is None


def test_a_rule_of_the_top_replaces_the_same_named_one() -> None:
    base = {"domainRules": [rule("a"), rule("b")], "migrationRules": [rule("m")]}
    top = {"domainRules": [rule("b", expr="false"), rule("c")]}
    assert merge_rule_sets(base, top) == {
        "migrationRules": [rule("m")],
        "domainRules": [rule("a"), rule("b", expr="false"), rule("c")],
    }


def test_the_contract_is_the_requests_else_the_previous_between_default_and_override() -> None:
    default = {"properties": {"owner": "default", "tier": "1"}}
    override = {"properties": {"tier": "0"}}
    previous = {"properties": {"owner": "previous"}}
    requested = {"properties": {"owner": "request"}}
    merged = effective_contract(requested, previous, default, override, merge_metadata)
    assert merged == {"properties": {"owner": "request", "tier": "0"}}
    carried = effective_contract(None, previous, default, override, merge_metadata)
    assert carried == {"properties": {"owner": "previous", "tier": "0"}}
    assert effective_contract(None, None, None, None, merge_metadata) is None


@pytest.mark.parametrize(
    "metadata",
    [
        [],
        {"properties": []},
        {"tags": "x"},
        {"sensitive": "x"},
        {"properties": {"owner": 1}},
    ],
)
def test_malformed_metadata_is_refused(metadata: object) -> None:
    with pytest.raises(InvalidRuleSetError):
        check_metadata(metadata)


def test_well_formed_metadata_passes() -> None:
    check_metadata(None)
    check_metadata({"properties": {"owner": "a"}, "tags": {}, "sensitive": [], "extra": 1})


@pytest.mark.parametrize(
    ("rule_set", "message"),
    [
        ([], "ruleSet must be an object"),
        ({"domainRules": {}}, "must be a list"),
        ({"domainRules": ["x"]}, r"domainRules\[0\] must be an object"),
        ({"domainRules": [{"type": "CEL"}]}, "name is required"),
        ({"domainRules": [rule("a"), rule("a")]}, "duplicate rule name 'a'"),
        ({"domainRules": [rule("a", kind="MAGIC")]}, "kind must be one of"),
        ({"domainRules": [rule("a", mode="SOMETIMES")]}, "mode must be one of"),
        ({"domainRules": [{"name": "a"}]}, "type is required"),
    ],
)
def test_malformed_rule_sets_are_refused(rule_set: object, message: str) -> None:
    with pytest.raises(InvalidRuleSetError, match=message):
        check_rule_set(rule_set)


def test_a_well_formed_rule_set_passes() -> None:
    check_rule_set(None)
    check_rule_set({"domainRules": [rule("a", kind="TRANSFORM", mode="READ")], "other": 1})
