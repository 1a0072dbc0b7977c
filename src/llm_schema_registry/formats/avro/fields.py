"""The fields an Avro schema declares, walked on the parsed tree.

Unions, arrays and maps are looked through; a record is entered once (a named type used
again, or recursively, is not listed twice); records taken from references belong to their
own schema and are not entered.
"""

from __future__ import annotations

from collections.abc import Iterator

from llm_schema_registry.formats.avro.model import Array, AvroSchema, Map, Node, Record, Union
from llm_schema_registry.formats.base import FieldInfo


def fields(schema: AvroSchema) -> Iterator[FieldInfo]:
    entered = {id(node) for node in schema.referenced.values()}
    yield from _walk(schema.root, "", 0, entered)


def _walk(node: Node, path: str, depth: int, entered: set[int]) -> Iterator[FieldInfo]:
    if isinstance(node, Union):
        for branch in node.branches:
            yield from _walk(branch, path, depth, entered)
    elif isinstance(node, Array):
        yield from _walk(node.items, path, depth, entered)
    elif isinstance(node, Map):
        yield from _walk(node.values, path, depth, entered)
    elif isinstance(node, Record) and id(node) not in entered:
        entered.add(id(node))
        for field in node.fields:
            child = f"{path}.{field.name}" if path else field.name
            yield FieldInfo(child, field.name, depth + 1, path)
            yield from _walk(field.type, child, depth + 1, entered)
