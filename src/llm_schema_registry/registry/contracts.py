"""Confluent's data-contract carry-over: metadata and ruleSet merging.

When a registration omits `metadata` or `ruleSet`, Confluent copies them from the subject's
previous version, then merges the config's `default*` values under them and its `override*`
values over them.
"""

from __future__ import annotations

from collections.abc import Callable

from llm_schema_registry.registry.errors import InvalidRuleSetError
from llm_schema_registry.registry.model import JsonObject

RULE_LISTS = ("migrationRules", "domainRules", "encodingRules")
RULE_KINDS = ("CONDITION", "TRANSFORM")
RULE_MODES = ("WRITE", "READ", "WRITEREAD", "UPGRADE", "DOWNGRADE", "UPDOWN")


def merge_metadata(base: JsonObject | None, top: JsonObject | None) -> JsonObject | None:
    """`top` over `base`: tags and properties by key, `sensitive` as a union."""
    if base is None or top is None:
        return top if base is None else base
    merged: JsonObject = {}
    tags = {**(base.get("tags") or {}), **(top.get("tags") or {})}
    if tags:
        merged["tags"] = tags
    properties = {**(base.get("properties") or {}), **(top.get("properties") or {})}
    if properties:
        merged["properties"] = properties
    sensitive = sorted({*(base.get("sensitive") or []), *(top.get("sensitive") or [])})
    if sensitive:
        merged["sensitive"] = sensitive
    return merged


def merge_rule_sets(base: JsonObject | None, top: JsonObject | None) -> JsonObject | None:
    """`top` over `base`: within each rule list a rule of `top` replaces the same-named one."""
    if base is None or top is None:
        return top if base is None else base
    merged: JsonObject = {}
    for key in RULE_LISTS:
        names = {rule.get("name") for rule in top.get(key) or []}
        rules = [r for r in base.get(key) or [] if r.get("name") not in names]
        rules += list(top.get(key) or [])
        if rules:
            merged[key] = rules
    return merged


def effective_contract(
    requested: JsonObject | None,
    previous: JsonObject | None,
    default: JsonObject | None,
    override: JsonObject | None,
    merge: Callable[[JsonObject | None, JsonObject | None], JsonObject | None],
) -> JsonObject | None:
    """The request's contract (else the previous version's), over `default`, under `override`."""
    chosen = requested if requested is not None else previous
    return merge(merge(default, chosen), override)


INT64 = 2**63  # JSON integers beyond 64 bits break every JSON library we write with


def check_numbers(value: object, where: str) -> None:
    """`InvalidRuleSetError` if free-form JSON holds an integer outside 64 bits (what Jackson
    reads as a long; ours would store it, then fail to write it back)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, int) and not isinstance(item, bool) and not -INT64 <= item < INT64:
            raise InvalidRuleSetError(f"{where} holds an integer outside 64 bits")
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_metadata(metadata: object) -> None:
    if metadata is None:
        return
    check_numbers(metadata, "metadata")
    if not isinstance(metadata, dict):
        raise InvalidRuleSetError("metadata must be an object")
    for key, kind in (("tags", dict), ("properties", dict), ("sensitive", list)):
        if key in metadata and metadata[key] is not None and not isinstance(metadata[key], kind):
            raise InvalidRuleSetError(
                f"metadata.{key} must be a{'n object' if kind is dict else ' list'}"
            )
    for key, value in (metadata.get("properties") or {}).items():
        if not isinstance(value, str):
            raise InvalidRuleSetError(f"metadata.properties.{key} must be a string")


def check_rule_set(rule_set: object) -> None:
    """Structural checks of a ruleSet (expressions are compiled at registration)."""
    if rule_set is None:
        return
    check_numbers(rule_set, "ruleSet")
    if not isinstance(rule_set, dict):
        raise InvalidRuleSetError("ruleSet must be an object")
    for key in RULE_LISTS:
        rules = rule_set.get(key)
        if rules is None:
            continue
        if not isinstance(rules, list):
            raise InvalidRuleSetError(f"ruleSet.{key} must be a list")
        seen: set[str] = set()
        for index, rule in enumerate(rules):
            where = f"ruleSet.{key}[{index}]"
            if not isinstance(rule, dict):
                raise InvalidRuleSetError(f"{where} must be an object")
            name = rule.get("name")
            if not isinstance(name, str) or not name:
                raise InvalidRuleSetError(f"{where}.name is required")
            if name in seen:
                raise InvalidRuleSetError(f"{where}: duplicate rule name '{name}'")
            seen.add(name)
            if rule.get("kind", "CONDITION") not in RULE_KINDS:
                raise InvalidRuleSetError(f"{where}.kind must be one of {', '.join(RULE_KINDS)}")
            if rule.get("mode", "WRITE") not in RULE_MODES:
                raise InvalidRuleSetError(f"{where}.mode must be one of {', '.join(RULE_MODES)}")
            if not isinstance(rule.get("type"), str) or not rule["type"]:
                raise InvalidRuleSetError(f"{where}.type is required")
