"""Walking a JSON Schema document node by node, with the JSON path of each node."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# Keywords whose value is a map of name -> subschema.
MAP_KEYWORDS = ("properties", "$defs", "definitions", "patternProperties", "dependentSchemas")
# Keywords whose value is one subschema.
ONE_KEYWORDS = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)
# Keywords whose value is a list of subschemas.
LIST_KEYWORDS = ("anyOf", "oneOf", "allOf", "prefixItems")


@dataclass(frozen=True)
class Node:
    path: str
    schema: dict[str, Any]
    depth: int  # 1 at the root; +1 per properties/items step


def _key(path: str, name: str) -> str:
    plain = name.replace("_", "").replace("-", "").replace("$", "").isalnum()
    return f"{path}.{name}" if plain else f"{path}[{name!r}]"


def walk(schema: Any, path: str = "$", depth: int = 1) -> Iterator[Node]:
    """Every schema object in the document, parents before children."""
    if not isinstance(schema, dict):
        return
    yield Node(path, schema, depth)
    for keyword in MAP_KEYWORDS:
        children = schema.get(keyword)
        if isinstance(children, dict):
            step = 1 if keyword == "properties" else 0
            for name, child in children.items():
                yield from walk(child, _key(_key(path, keyword), name), depth + step)
    for keyword in ONE_KEYWORDS:
        if isinstance(schema.get(keyword), dict):
            yield from walk(schema[keyword], _key(path, keyword), depth + (keyword == "items"))
        elif keyword == "items" and isinstance(schema.get(keyword), list):
            for index, child in enumerate(schema[keyword]):
                yield from walk(child, f"{path}.items[{index}]", depth + 1)
    for keyword in LIST_KEYWORDS:
        if isinstance(schema.get(keyword), list):
            step = 1 if keyword == "prefixItems" else 0
            for index, child in enumerate(schema[keyword]):
                yield from walk(child, f"{path}.{keyword}[{index}]", depth + step)


def is_object(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (
        kind == "object"
        or (isinstance(kind, list) and "object" in kind)
        or (kind is None and isinstance(schema.get("properties"), dict))
    )
