"""The properties a JSON Schema declares, walked on the parsed document.

`properties` nest one level deeper; `items`, `additionalProperties` and the combinators are
looked through; `$defs`/`definitions` are listed under their own path (`$defs.Address.city`)
from depth 1 again. `$ref`s are not followed: a definition is listed where it is declared,
and referenced documents belong to their own schemas.
"""

from __future__ import annotations

from collections.abc import Iterator

from llm_schema_registry.formats.base import FieldInfo
from llm_schema_registry.formats.jsonschema.keywords import Json
from llm_schema_registry.formats.jsonschema.model import JsonSchema

_LOOKED_THROUGH = ("items", "additionalProperties", "allOf", "anyOf", "oneOf")


def fields(schema: JsonSchema) -> Iterator[FieldInfo]:
    yield from _walk(schema.document, "", 0)


def _walk(node: Json, path: str, depth: int) -> Iterator[FieldInfo]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, path, depth)
        return
    if not isinstance(node, dict):
        return
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, sub in properties.items():
            child = f"{path}.{name}" if path else name
            yield FieldInfo(child, name, depth + 1, path)
            yield from _walk(sub, child, depth + 1)
    for key in _LOOKED_THROUGH:
        if key in node:
            yield from _walk(node[key], path, depth)
    for group in ("$defs", "definitions"):
        definitions = node.get(group)
        if isinstance(definitions, dict):
            for name, sub in definitions.items():
                yield from _walk(sub, f"{group}.{name}", 0)
