"""Object schema differences: content models, properties, required, dependencies.

Content models decide whether a property may come or go. Open: no `patternProperties`, no
`additionalProperties` schema and no restricting `unevaluatedProperties`, so any extra
property was valid before. Closed: extras forbidden. Partially open: extras must match a
pattern or the additional/unevaluated schema.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from llm_schema_registry.formats.jsonschema.changes import Context
from llm_schema_registry.formats.jsonschema.nodes import Kind, Node

Compare = Callable[[Context, Node | None, Node | None], None]


def compare(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    """Record every object-level change from `original` to `update`."""
    _required(ctx, original, update)
    _properties(compare_nodes, ctx, original, update)
    _dependencies(compare_nodes, ctx, original, update)
    compare_additional(
        compare_nodes, ctx, original, update, "additionalProperties", "ADDITIONAL_PROPERTIES"
    )
    _unevaluated(compare_nodes, ctx, original, update)
    _counts(ctx, original, update)


def is_open(node: Node) -> bool:
    """Any extra property is valid."""
    if node.pattern_properties or node.additional is not None or not node.permits_additional:
        return False
    return node.unevaluated is None or node.unevaluated.kind is Kind.EMPTY


def _search(pattern: str, name: str) -> bool:
    try:
        return re.search(pattern, name) is not None
    except re.error:  # ECMA-only syntax Python lacks: treat as not matching
        return False


def covering(node: Node, name: str) -> Node | None:
    """The schema a property not listed in `properties` must satisfy, None if forbidden."""
    for pattern, schema in node.pattern_properties:
        if _search(pattern, name):
            return schema
    if node.additional is not None:
        return node.additional
    if node.permits_additional and node.unevaluated is not None:
        return None if node.unevaluated.kind is Kind.FALSE else node.unevaluated
    return None


def _required(ctx: Context, original: Node, update: Node) -> None:
    for name in original.properties:
        if name not in update.properties:
            continue
        was, now = name in original.required, name in update.required
        if was and not now:
            ctx.add("REQUIRED_ATTRIBUTE_REMOVED", "required", name)
        elif now and not was:
            with_default = update.properties[name].has_default
            kind = (
                "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                if with_default
                else "REQUIRED_ATTRIBUTE_ADDED"
            )
            ctx.add(kind, "required", name)


def _properties(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    ctx.path.append("properties")
    # The original's names in order, then those only the update has: one dict merge's order.
    befores, afters = original.properties, update.properties
    for name, before in befores.items():
        after, key = afters.get(name), before.plain_key
        if key is not None and after is not None and key == after.plain_key:
            continue  # most properties of two versions: the same schema, no change
        ctx.path.append(name)
        if after is None:
            _removed(compare_nodes, ctx, before, update, name)
        else:
            compare_nodes(ctx, before, after)
        ctx.path.pop()
    for name, after in afters.items():
        if name not in befores:
            ctx.path.append(name)
            _added(compare_nodes, ctx, original, after, name in update.required)
            ctx.path.pop()
    ctx.path.pop()


def _removed(compare_nodes: Compare, ctx: Context, before: Node, update: Node, name: str) -> None:
    """A property the update no longer lists: fine if the update still accepts its values."""
    if is_open(update):
        ctx.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL")
        return
    cover = covering(update, name)
    if cover is not None:
        sub = ctx.sub()
        compare_nodes(sub, before, cover)
        ctx.extend(sub)
        covered = "IS" if sub.compatible else "NOT"
        ctx.add(f"PROPERTY_REMOVED_{covered}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
    elif before.kind is Kind.FALSE:
        ctx.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
    else:
        ctx.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL")


def _added(
    compare_nodes: Compare, ctx: Context, original: Node, after: Node, required: bool
) -> None:
    """A new property: old data may hold it with any value when the original was open."""
    if is_open(original):
        if after.kind is Kind.EMPTY:
            ctx.add("PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL")
        elif not required:
            ctx.add("OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
        elif after.has_default:
            ctx.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL")
        else:
            ctx.add("REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL")
        return
    name = ctx.path[-1]
    cover = covering(original, name)
    if cover is not None:
        sub = ctx.sub()
        compare_nodes(sub, cover, after)
        ctx.extend(sub)
        covered = "IS" if sub.compatible else "NOT"
        ctx.add(f"PROPERTY_ADDED_{covered}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
    if not required:
        ctx.add("OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")
    elif after.has_default:
        ctx.add("REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL")
    else:
        ctx.add("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")


def _dependencies(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    ctx.path.append("dependencies")
    before_arrays, after_arrays = original.property_dependencies, update.property_dependencies
    for name in {**before_arrays, **after_arrays}:
        before, after = before_arrays.get(name), after_arrays.get(name)
        if after is None:
            ctx.add("DEPENDENCY_ARRAY_REMOVED", name)
        elif before is None:
            ctx.add("DEPENDENCY_ARRAY_ADDED", name)
        elif before != after:
            if before <= after:
                ctx.add("DEPENDENCY_ARRAY_EXTENDED", name)
            elif after <= before:
                ctx.add("DEPENDENCY_ARRAY_NARROWED", name)
            else:
                ctx.add("DEPENDENCY_ARRAY_CHANGED", name)
    before_schemas, after_schemas = original.schema_dependencies, update.schema_dependencies
    for name in {**before_schemas, **after_schemas}:
        before_schema, after_schema = before_schemas.get(name), after_schemas.get(name)
        if after_schema is None:
            ctx.add("DEPENDENCY_SCHEMA_REMOVED", name)
        elif before_schema is None:
            ctx.add("DEPENDENCY_SCHEMA_ADDED", name)
        else:
            ctx.path.append(name)
            compare_nodes(ctx, before_schema, after_schema)
            ctx.path.pop()
    ctx.path.pop()


def compare_additional(
    compare_nodes: Compare, ctx: Context, original: Node, update: Node, keyword: str, kind: str
) -> None:
    """`additionalProperties` / `additionalItems`: allowed or not, then their schemas.

    `kind` prefixes the change names (ADDITIONAL_PROPERTIES, ADDITIONAL_ITEMS)."""
    ctx.path.append(keyword)
    if original.permits_additional != update.permits_additional:
        ctx.add(f"{kind}_{'ADDED' if update.permits_additional else 'REMOVED'}")
    elif original.additional is None and update.additional is not None:
        ctx.add(f"{kind}_NARROWED")
    elif original.additional is not None and update.additional is None:
        ctx.add(f"{kind}_EXTENDED")
    else:
        compare_nodes(ctx, original.additional, update.additional)
    ctx.path.pop()


def compare_unevaluated(
    compare_nodes: Compare, ctx: Context, prefix: str, before: Node | None, after: Node | None
) -> None:
    """`unevaluated*`: absent or true accepts anything, false nothing, a schema some."""
    if before is None and after is None:
        return

    def openness(node: Node | None) -> int:
        if node is None or node.kind is Kind.EMPTY:
            return 2
        return 0 if node.kind is Kind.FALSE else 1

    rank_before, rank_after = openness(before), openness(after)
    if rank_before != rank_after:
        if 0 in (rank_before, rank_after):
            kind = "ADDED" if rank_after > rank_before else "REMOVED"
        else:
            kind = "EXTENDED" if rank_after > rank_before else "NARROWED"
        ctx.add(f"{prefix}_{kind}")
    elif rank_before == 1:
        compare_nodes(ctx, before, after)


def _unevaluated(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    ctx.path.append("unevaluatedProperties")
    before, after = original.unevaluated, update.unevaluated
    compare_unevaluated(compare_nodes, ctx, "UNEVALUATED_PROPERTIES", before, after)
    ctx.path.pop()


def compare_bounds(ctx: Context, bounds: Iterable[tuple[str, str, Any, Any]]) -> None:
    """Count limits (`maxItems`, `minProperties`…) added, removed, increased or decreased."""
    for keyword, prefix, before, after in bounds:
        if before == after:
            continue
        if before is None:
            ctx.add(f"{prefix}_ADDED", keyword)
        elif after is None:
            ctx.add(f"{prefix}_REMOVED", keyword)
        else:
            ctx.add(f"{prefix}_{'INCREASED' if before < after else 'DECREASED'}", keyword)


def _counts(ctx: Context, original: Node, update: Node) -> None:
    compare_bounds(
        ctx,
        (
            ("maxProperties", "MAX_PROPERTIES", original.max_properties, update.max_properties),
            ("minProperties", "MIN_PROPERTIES", original.min_properties, update.min_properties),
        ),
    )
