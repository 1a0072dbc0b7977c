"""Confluent data-contract rules (`ruleSet.domainRules`) evaluated with CEL.

CONDITION rules of type CEL see the record as `message`; CEL_FIELD rules (`guard ; expr`) run
for every field with `name`, `value` and `typeName`. Each rule's level is `params.level`:
STRICT (the record is invalid), WARN (a warning), MONITOR (only counted).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cel_expr_python import cel

from llm_schema_registry.validation.cel_reads import fields_read, only

LEVELS = ("STRICT", "WARN", "MONITOR")
_RECORD_ENV = cel.NewEnv(variables={"message": cel.Type.DYN})
_FIELD_ENV = cel.NewEnv(
    variables={"name": cel.Type.STRING, "value": cel.Type.DYN, "typeName": cel.Type.STRING}
)


class RuleCompileError(Exception):
    """A rule's expression does not compile; the message is the compiler's."""


@dataclass(frozen=True)
class CompiledRule:
    name: str
    level: str
    on_field: bool
    guard: Any | None
    expression: Any
    text: str
    reads: frozenset[str] | None = None  # the record's fields a record rule reads (None: all)


def _split(rule_type: str, expr: str) -> tuple[str | None, str]:
    # Confluent writes CEL_FIELD rules as "guard ; expression"; the guard is optional.
    if rule_type == "CEL_FIELD" and ";" in expr:
        guard, _, body = expr.partition(";")
        return guard.strip() or None, body.strip()
    return None, expr.strip()


def compile_rules(rule_set: dict[str, Any] | None) -> list[CompiledRule]:
    """The enabled CONDITION rules of type CEL/CEL_FIELD; other kinds are kept, not run."""
    compiled: list[CompiledRule] = []
    for rule in (rule_set or {}).get("domainRules") or []:
        rule_type = rule.get("type")
        if rule_type not in ("CEL", "CEL_FIELD") or rule.get("kind", "CONDITION") != "CONDITION":
            continue
        level = str((rule.get("params") or {}).get("level", "STRICT")).upper()
        if level not in LEVELS:
            raise RuleCompileError(
                f"rule '{rule.get('name')}': params.level must be one of {', '.join(LEVELS)}"
            )
        env = _FIELD_ENV if rule_type == "CEL_FIELD" else _RECORD_ENV
        guard_text, body = _split(rule_type, str(rule.get("expr") or ""))
        try:
            guard = env.compile(guard_text) if guard_text else None
            expression = env.compile(body)
        except RuntimeError as error:
            raise RuleCompileError(f"rule '{rule.get('name')}': {error}") from None
        if rule.get("disabled"):
            continue
        compiled.append(
            CompiledRule(
                str(rule.get("name")),
                level,
                rule_type == "CEL_FIELD",
                guard,
                expression,
                str(rule.get("expr")),
                None if rule_type == "CEL_FIELD" else fields_read(expression.serialize()),
            )
        )
    return compiled


def failures(rules: list[CompiledRule], record: Any) -> Iterator[tuple[CompiledRule, str]]:
    """(rule, why) for every rule the record fails."""
    for rule in rules:
        if rule.on_field:
            for name, value in _fields(record, ""):
                why = _run(rule, {"name": name, "value": value, "typeName": _type_name(value)})
                if why is not None:
                    yield rule, f"field '{name}': {why}"
        else:
            why = _run(rule, {"message": only(record, rule.reads)})
            if why is not None:
                yield rule, why


def _run(rule: CompiledRule, data: dict[str, Any]) -> str | None:
    if rule.guard is not None:
        applies = rule.guard.eval(data=data)
        if applies.type() == cel.Type.ERROR or applies.value() is not True:
            return None
    outcome = rule.expression.eval(data=data)
    if outcome.value() is True:
        return None  # a boolean true (an error's value is its message): most records
    if outcome.type() == cel.Type.ERROR:
        return f"rule '{rule.name}' could not be evaluated: {outcome.value()}"
    return f"rule '{rule.name}' failed: {rule.text}"


def _fields(record: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if isinstance(record, dict):
        for key, value in record.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            yield name, value
            yield from _fields(value, name)


def _type_name(value: Any) -> str:
    if value is None:
        return "NULL"
    return {
        bool: "BOOLEAN",
        int: "INT",
        float: "DOUBLE",
        str: "STRING",
        list: "ARRAY",
        dict: "RECORD",
    }.get(type(value), "BYTES")
