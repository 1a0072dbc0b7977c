"""The strictness lint: a JSON Schema checked against one provider's table (providers.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from llm_schema_registry.llm.providers import ProviderRules
from llm_schema_registry.llm.walk import Node, is_object, walk


@dataclass(frozen=True)
class Finding:
    """One thing the provider refuses, at a JSON path into the schema (`$.properties.a`)."""

    path: str
    rule: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message}


def lint(schema: Any, rules: ProviderRules) -> list[Finding]:
    """Every finding of `rules` in `schema`, in document order."""
    if not isinstance(schema, dict):
        return [Finding("$", "root-object", f"{rules.name}: the schema must be a JSON object")]
    found = _root(schema, rules)
    nodes = list(walk(schema))
    for node in nodes:
        found += _node(node, rules)
    found += _limits(schema, nodes, rules)
    return found


def _root(schema: dict[str, Any], rules: ProviderRules) -> list[Finding]:
    found = []
    if rules.root_object and schema.get("type") != "object":
        found.append(
            Finding("$.type", "root-object", f"{rules.name}: the root must be type object")
        )
    if not rules.root_composition:
        found += [
            Finding(f"$.{k}", "root-composition", f"{rules.name}: {k} is not allowed at the root")
            for k in ("anyOf", "oneOf", "allOf")
            if k in schema
        ]
    return found


def _node(node: Node, rules: ProviderRules) -> list[Finding]:
    schema, path = node.schema, node.path
    found = [
        Finding(f"{path}.{keyword}", "unsupported-keyword", why)
        for keyword, why in rules.unsupported.items()
        if keyword in schema and not (keyword == "additionalProperties" and rules.closed_objects)
    ]
    if not rules.refs:
        found += [
            Finding(f"{path}.{k}", "ref", f"{rules.name}: {k} is not supported; inline it")
            for k in ("$ref", "$defs", "definitions")
            if k in schema
        ]
    ref = schema.get("$ref")
    if isinstance(ref, str) and not ref.startswith("#"):
        found.append(
            Finding(f"{path}.$ref", "external-ref", f"{ref} is not in the document: embed it")
        )
    if not rules.type_lists and isinstance(schema.get("type"), list):
        found.append(
            Finding(f"{path}.type", "type-list", f"{rules.name}: type must be a single type")
        )
    if is_object(schema):
        found += _object(node, rules)
    return found


def _object(node: Node, rules: ProviderRules) -> list[Finding]:
    schema, path = node.schema, node.path
    found = []
    if rules.closed_objects and schema.get("additionalProperties") is not False:
        found.append(
            Finding(
                f"{path}.additionalProperties",
                "additional-properties",
                f"{rules.name}: every object must set additionalProperties: false",
            )
        )
    if rules.all_required:
        required = set(schema.get("required") or [])
        found += [
            Finding(
                f"{path}.properties.{name}",
                "required",
                f"{rules.name}: property '{name}' must be listed in required "
                "(make it nullable to keep it optional)",
            )
            for name in schema.get("properties") or {}
            if name not in required
        ]
    return found


def _limits(schema: dict[str, Any], nodes: list[Node], rules: ProviderRules) -> list[Finding]:
    found = []
    if rules.max_depth is not None:
        deepest = max(nodes, key=lambda node: node.depth)
        if deepest.depth > rules.max_depth:
            found.append(
                Finding(
                    deepest.path,
                    "max-depth",
                    f"{rules.name}: {deepest.depth} levels of nesting (at most {rules.max_depth})",
                )
            )
    properties = sum(len(n.schema.get("properties") or {}) for n in nodes)
    if rules.max_properties is not None and properties > rules.max_properties:
        found.append(
            Finding(
                "$",
                "max-properties",
                f"{rules.name}: {properties} properties (at most {rules.max_properties})",
            )
        )
    enums = [v for n in nodes for v in (n.schema.get("enum") or [])]
    if rules.max_enum_values is not None and len(enums) > rules.max_enum_values:
        found.append(
            Finding(
                "$",
                "max-enum-values",
                f"{rules.name}: {len(enums)} enum values (at most {rules.max_enum_values})",
            )
        )
    if rules.max_string_budget is not None:
        budget = _string_budget(schema, nodes, enums)
        if budget > rules.max_string_budget:
            found.append(
                Finding(
                    "$",
                    "string-budget",
                    f"{rules.name}: {budget} characters of names and enum values "
                    f"(at most {rules.max_string_budget})",
                )
            )
    return found


def _string_budget(schema: dict[str, Any], nodes: list[Node], enums: list[Any]) -> int:
    names = sum(len(name) for n in nodes for name in n.schema.get("properties") or {})
    defs = sum(len(name) for k in ("$defs", "definitions") for name in schema.get(k) or {})
    consts = [n.schema["const"] for n in nodes if "const" in n.schema]
    values = sum(len(str(v)) for v in [*enums, *consts])
    return names + defs + values
