"""Array schema differences: item schemas, tuples and their content models, counts.

A tuple (`items: [...]` before 2020-12, `prefixItems` since) is open when positions past
it accept anything, closed when they are forbidden (`additionalItems`/`items`/
`unevaluatedItems` false) and partially open when they must match a schema.
"""

from __future__ import annotations

from llm_schema_registry.formats.jsonschema.changes import Context
from llm_schema_registry.formats.jsonschema.diff_object import (
    Compare,
    compare_additional,
    compare_bounds,
    compare_unevaluated,
)
from llm_schema_registry.formats.jsonschema.nodes import Kind, Node


def compare(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    """Record every array-level change from `original` to `update`."""
    ctx.path.append("items")
    compare_nodes(ctx, original.all_items, update.all_items)
    ctx.path.pop()
    _tuple(compare_nodes, ctx, original, update)
    compare_additional(compare_nodes, ctx, original, update, "additionalItems", "ADDITIONAL_ITEMS")
    ctx.path.append("unevaluatedItems")
    before, after = original.unevaluated, update.unevaluated
    compare_unevaluated(compare_nodes, ctx, "UNEVALUATED_ITEMS", before, after)
    ctx.path.pop()
    _counts(ctx, original, update)


def is_open(node: Node) -> bool:
    """Positions past the tuple accept anything."""
    if not node.permits_additional or node.additional is not None:
        return False
    return node.unevaluated is None or node.unevaluated.kind is Kind.EMPTY


def covering(node: Node) -> Node | None:
    """The schema positions past the tuple must satisfy; None when they are forbidden."""
    if node.additional is not None:
        return node.additional
    if node.permits_additional and node.unevaluated is not None:
        return None if node.unevaluated.kind is Kind.FALSE else node.unevaluated
    return None


def _tuple(compare_nodes: Compare, ctx: Context, original: Node, update: Node) -> None:
    olds, news = original.item_list, update.item_list
    for index in range(max(len(olds), len(news))):
        ctx.path.append(f"items/{index}")
        if index < len(olds) and index < len(news):
            compare_nodes(ctx, olds[index], news[index])
        elif index < len(olds):
            _removed(compare_nodes, ctx, olds[index], update)
        else:
            _added(compare_nodes, ctx, original, news[index])
        ctx.path.pop()


def _removed(compare_nodes: Compare, ctx: Context, before: Node, update: Node) -> None:
    if is_open(update):
        ctx.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL")
        return
    cover = covering(update)
    if cover is not None:
        sub = ctx.sub()
        compare_nodes(sub, before, cover)
        ctx.extend(sub)
        covered = "IS" if sub.compatible else "NOT"
        ctx.add(f"ITEM_REMOVED_{covered}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")
    elif before.kind is Kind.FALSE:
        ctx.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL")
    else:
        ctx.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL")


def _added(compare_nodes: Compare, ctx: Context, original: Node, after: Node) -> None:
    if is_open(original):
        empty = after.kind is Kind.EMPTY
        ctx.add(
            "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
            if empty
            else "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
        )
        return
    cover = covering(original)
    if cover is None:
        # The original forbade this position, so no old array reaches it.
        ctx.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL")
        return
    sub = ctx.sub()
    compare_nodes(sub, cover, after)
    ctx.extend(sub)
    covered = "IS" if sub.compatible else "NOT"
    ctx.add(f"ITEM_ADDED_{covered}_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL")


def _counts(ctx: Context, original: Node, update: Node) -> None:
    compare_bounds(
        ctx,
        (
            ("maxItems", "MAX_ITEMS", original.max_items, update.max_items),
            ("minItems", "MIN_ITEMS", original.min_items, update.min_items),
            ("maxContains", "MAX_CONTAINS", original.max_contains, update.max_contains),
            ("minContains", "MIN_CONTAINS", original.min_contains, update.min_contains),
        ),
    )
    if original.unique_items != update.unique_items:
        kind = "UNIQUE_ITEMS_REMOVED" if original.unique_items else "UNIQUE_ITEMS_ADDED"
        ctx.add(kind, "uniqueItems")
