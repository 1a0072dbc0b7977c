"""Safe rewrites that clear lint findings without changing what the registry accepts.

"Safe": the registry keeps validating replies against the registered schema, so a keyword
dropped from the provider's copy (e.g. `minLength` for OpenAI) is still enforced there, and
an optional property made required + nullable lets the model say "absent" with `null`.
Anything else (a root that is not an object, recursion Gemini cannot inline, `oneOf`) stays
a finding for a person to decide.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.llm.lint import Finding
from llm_schema_registry.llm.providers import GEMINI, ProviderRules
from llm_schema_registry.llm.walk import is_object, walk

# Keywords that only narrow values; the registry still checks them on validation.
DROPPABLE = frozenset(
    {
        "minLength",
        "maxLength",
        "minProperties",
        "maxProperties",
        "uniqueItems",
        "contains",
        "minContains",
        "maxContains",
        "propertyNames",
        "dependentRequired",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        # annotations only
        "$schema",
        "$id",
        "$comment",
        "examples",
    }
)


@dataclass(frozen=True)
class Fix:
    path: str
    rule: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message}


def apply_fixes(schema: dict[str, Any], rules: ProviderRules) -> tuple[dict[str, Any], list[Fix]]:
    """A fixed copy of `schema` for `rules`, and what was rewritten."""
    fixed = copy.deepcopy(schema)
    done: list[Fix] = []
    if rules.root_object and "type" not in fixed and not _has_union(fixed):
        fixed["type"] = "object"  # tool arguments and structured replies are always objects
        done.append(Fix("$.type", "root-object", "type object added at the root"))
    if not rules.refs:
        done += _inline_refs(fixed)
    for node in list(walk(fixed)):
        target, path = node.schema, node.path
        for keyword in sorted(DROPPABLE & set(rules.unsupported) & set(target)):
            del target[keyword]
            done.append(Fix(f"{path}.{keyword}", "unsupported-keyword", _dropped(keyword)))
        if not rules.type_lists and isinstance(target.get("type"), list):
            done.append(_single_type(target, path))
        if rules is GEMINI:
            done += _gemini_node(target, path)
        if is_object(target):
            done += _close(target, path, rules)
    if rules.all_required:
        # A second pass: making a property nullable may wrap it in a new anyOf node.
        for node in list(walk(fixed)):
            if is_object(node.schema):
                done += _require_all(node.schema, node.path)
    return fixed, done


def _dropped(keyword: str) -> str:
    return f"{keyword} dropped from the provider's copy (the registry still enforces it)"


def _close(schema: dict[str, Any], path: str, rules: ProviderRules) -> list[Fix]:
    if not rules.closed_objects or "additionalProperties" in schema:
        return []
    schema["additionalProperties"] = False
    return [Fix(f"{path}.additionalProperties", "additional-properties", "set to false")]


def _require_all(schema: dict[str, Any], path: str) -> list[Fix]:
    done = []
    required = list(schema.get("required") or [])
    for name, child in (schema.get("properties") or {}).items():
        if name in required:
            continue
        required.append(name)
        schema["properties"][name] = _nullable(child)
        done.append(
            Fix(
                f"{path}.properties.{name}",
                "required",
                f"optional '{name}' made required and nullable (null means absent)",
            )
        )
    if required:
        schema["required"] = required
    return done


def _nullable(schema: Any) -> Any:
    """`schema` that also accepts null: a type list gains "null", otherwise a union."""
    if not isinstance(schema, dict):
        return schema
    # Widened in place, so nodes already visited stay the nodes in the document.
    kind = schema.get("type")
    if isinstance(kind, str) and "$ref" not in schema and not _has_union(schema):
        schema["type"] = [kind, "null"]
        if isinstance(schema.get("enum"), list) and None not in schema["enum"]:
            schema["enum"].append(None)
        return schema
    if isinstance(kind, list):
        if "null" not in kind:
            kind.append("null")
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _has_union(schema: dict[str, Any]) -> bool:
    return any(k in schema for k in ("anyOf", "oneOf", "allOf"))


def _single_type(schema: dict[str, Any], path: str) -> Fix:
    kinds = [k for k in schema["type"] if k != "null"]
    nullable = len(kinds) < len(schema["type"])
    if len(kinds) == 1:
        schema["type"] = kinds[0]
    else:
        del schema["type"]
        schema["anyOf"] = [{"type": kind} for kind in kinds]
    if nullable:
        schema["nullable"] = True
        if isinstance(schema.get("enum"), list):
            schema["enum"] = [v for v in schema["enum"] if v is not None]
    return Fix(
        f"{path}.type",
        "type-list",
        f"type {kinds} written as a single type/anyOf"
        + (" with nullable: true" if nullable else ""),
    )


def _gemini_node(schema: dict[str, Any], path: str) -> list[Fix]:
    done = []
    if isinstance(schema.get("const"), str):
        schema["enum"] = [schema.pop("const")]
        schema.setdefault("type", "string")
        done.append(
            Fix(f"{path}.const", "unsupported-keyword", "const written as a one-value enum")
        )
    if isinstance(schema.get("additionalProperties"), bool):
        del schema["additionalProperties"]
        done.append(
            Fix(
                f"{path}.additionalProperties",
                "unsupported-keyword",
                _dropped("additionalProperties"),
            )
        )
    return done


def _inline_refs(schema: dict[str, Any]) -> list[Fix]:
    """Local `#/$defs/X` and `#/definitions/X` references replaced by their target, when no
    definition refers to itself (recursion cannot be inlined)."""
    defs = {
        f"#/{k}/{name}": body
        for k in ("$defs", "definitions")
        for name, body in (schema.get(k) or {}).items()
    }
    if not defs or any(_refers_to_self(ref, body, defs) for ref, body in defs.items()):
        return []
    done: list[Fix] = []

    def resolve(node: Any, path: str) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref in defs:
                done.append(Fix(f"{path}.$ref", "ref", f"{ref} inlined"))
                rest = {k: v for k, v in node.items() if k != "$ref"}
                return resolve({**copy.deepcopy(defs[ref]), **rest}, path)
            return {k: resolve(v, f"{path}.{k}") for k, v in node.items()}
        if isinstance(node, list):
            return [resolve(v, f"{path}[{i}]") for i, v in enumerate(node)]
        return node

    resolved = resolve({k: v for k, v in schema.items() if k not in ("$defs", "definitions")}, "$")
    if any(isinstance(n.schema.get("$ref"), str) for n in walk(resolved)):
        return []  # a reference we cannot inline: leave the document as it was
    for keyword in ("$defs", "definitions"):
        if keyword in schema:
            done.append(Fix(f"$.{keyword}", "ref", f"{keyword} removed after inlining"))
    schema.clear()
    schema.update(resolved)
    return done


def _refers_to_self(
    ref: str, body: Any, defs: dict[str, Any], seen: frozenset[str] = frozenset()
) -> bool:
    if ref in seen:
        return True
    for node in walk(body):
        target = node.schema.get("$ref")
        if (
            isinstance(target, str)
            and target in defs
            and _refers_to_self(target, defs[target], defs, seen | {ref})
        ):
            return True
    return False


__all__ = ["DROPPABLE", "Finding", "Fix", "apply_fixes"]
