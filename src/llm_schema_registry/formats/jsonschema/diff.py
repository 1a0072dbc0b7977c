"""Differences between an original and an updated schema (Confluent's `SchemaDiff` rules).

`compare(original, update)` lists every change; each says whether a reader using `update`
still accepts all data valid under `original`. For BACKWARD, original = old (writer) and
update = new (reader).
"""

from __future__ import annotations

from decimal import Decimal

from llm_schema_registry.formats.jsonschema import diff_array, diff_object
from llm_schema_registry.formats.jsonschema.changes import Context, Difference
from llm_schema_registry.formats.jsonschema.nodes import Kind, Loader, Node

SUM = ("anyOf", "oneOf")


class Comparison:
    """One comparison between two schemas, each with the loader that built its nodes."""

    def __init__(self, original: Loader, update: Loader) -> None:
        self.original = original
        self.update = update

    def run(self, original: Node, update: Node, *, compatible: bool = True) -> list[Difference]:
        """The changes; `compatible=False`: the incompatible ones only (cheaper)."""
        ctx = Context(keep_compatible=compatible)
        self.compare(ctx, original, update)
        return ctx.changes

    def compare(self, ctx: Context, original: Node | None, update: Node | None) -> None:
        """Record the changes from `original` to `update` at the context's path."""
        if original is None or update is None:
            if original is not None:
                ctx.add("SCHEMA_REMOVED")
            elif update is not None:
                ctx.add("SCHEMA_ADDED")
            return
        original, update = self.original.deref(original), self.update.deref(update)
        if original.plain_key is not None and original.plain_key == update.plain_key:
            return  # the same schema, nothing in it resolved elsewhere: nothing changed
        if self._across_combination(ctx, original, update):
            return
        if not _same_kind(original, update):
            # Anything may become `{}`/true, and a `false` schema accepted no data at all.
            if original.kind is not Kind.FALSE and update.kind is not Kind.EMPTY:
                ctx.add("TYPE_CHANGED")
            return
        pair = (id(original), id(update))
        if pair in ctx.active:
            return
        ctx.active.add(pair)
        try:
            self._compare_same_kind(ctx, original, update)
        finally:
            ctx.active.discard(pair)

    def _across_combination(self, ctx: Context, original: Node, update: Node) -> bool:
        """A plain schema against a combination: match it with one member, if any fits."""
        if original.kind is not Kind.COMBINED and update.kind is Kind.COMBINED:
            if len(update.members) == 1:
                return self._try(ctx, original, update.members[0], None)
            if update.criterion in SUM:
                # The update accepts a member's data, so fitting one member is enough.
                return any(
                    self._try(ctx, original, member, "SUM_TYPE_EXTENDED")
                    for member in update.members
                )
        elif original.kind is Kind.COMBINED and update.kind is not Kind.COMBINED:
            if len(original.members) == 1 and self._try(ctx, original.members[0], update, None):
                return True
            if original.criterion == "allOf":
                # Original data satisfied every member, so one fitting member is enough.
                return any(
                    self._try(ctx, member, update, "PRODUCT_TYPE_NARROWED")
                    for member in original.members
                )
        return False

    def _try(self, ctx: Context, original: Node, update: Node, then: str | None) -> bool:
        sub = ctx.sub()
        self.compare(sub, original, update)
        if not sub.compatible:
            return False
        ctx.extend(sub)
        if then is not None:
            ctx.add(then)
        return True

    def _compare_same_kind(self, ctx: Context, original: Node, update: Node) -> None:
        if original.schema_id != update.schema_id:
            ctx.add("ID_CHANGED")
        if original.title != update.title:
            ctx.add("TITLE_CHANGED")
        if original.description != update.description:
            ctx.add("DESCRIPTION_CHANGED")
        if original.default != update.default:
            ctx.add("DEFAULT_CHANGED")
        kind = original.kind
        if kind is Kind.STRING:
            _compare_string(ctx, original, update)
        elif kind is Kind.NUMBER:
            _compare_number(ctx, original, update)
        elif kind is Kind.CONST:
            if original.values != update.values:
                ctx.add("ENUM_ARRAY_CHANGED", "const")
        elif kind is Kind.ENUM:
            _compare_enum(ctx, original, update)
        elif kind is Kind.COMBINED:
            self._compare_combined(ctx, original, update)
        elif kind is Kind.NOT:
            self._compare_not(ctx, original, update)
        elif kind is Kind.OBJECT:
            diff_object.compare(self.compare, ctx, original, update)
        elif kind is Kind.ARRAY:
            diff_array.compare(self.compare, ctx, original, update)

    def _compare_not(self, ctx: Context, original: Node, update: Node) -> None:
        ctx.path.append("not")
        sub = ctx.sub()
        # `not A` -> `not B` accepts more exactly when B accepts less than A: swap sides.
        swapped = Comparison(self.update, self.original)
        swapped.compare(sub, update.negated, original.negated)
        ctx.add("NOT_TYPE_NARROWED" if sub.compatible else "NOT_TYPE_EXTENDED")
        ctx.path.pop()

    def _compare_combined(self, ctx: Context, original: Node, update: Node) -> None:
        if not _compare_criteria(ctx, original, update):
            return
        olds, news = _distinct(original.members), _distinct(update.members)
        if len(olds) < len(news):
            ctx.add("PRODUCT_TYPE_EXTENDED" if update.criterion == "allOf" else "SUM_TYPE_EXTENDED")
        elif len(olds) > len(news):
            ctx.add("SUM_TYPE_NARROWED" if original.criterion in SUM else "PRODUCT_TYPE_NARROWED")
        # Which old member can each new member stand in for without breaking anything?
        fits: dict[int, dict[int, list[Difference]]] = {}
        for i, old in enumerate(olds):
            ctx.path.append(f"{original.criterion}/{i}")
            for j, new in enumerate(news):
                sub = ctx.sub()
                self.compare(sub, old, new)
                if sub.compatible:
                    fits.setdefault(i, {})[j] = sub.changes
            ctx.path.pop()
        matching = _maximum_matching(len(olds), fits)
        for i, j in sorted(matching.items()):
            ctx.changes.extend(fits[i][j])
        if len(matching) < min(len(olds), len(news)):
            ctx.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED")


def _same_kind(original: Node, update: Node) -> bool:
    return original.kind is update.kind and original.kind is not Kind.REF


def _compare_criteria(ctx: Context, original: Node, update: Node) -> bool:
    """Record a criterion change; False when it is a change nothing else can explain."""
    before, after = original.criterion, update.criterion
    if before == after:
        return True
    single_before, single_after = len(original.members) == 1, len(update.members) == 1
    if (
        after == "anyOf"
        or (single_before and single_after)
        or (single_before and after == "oneOf")
        or (single_after and before == "allOf")
    ):
        ctx.add("COMBINED_TYPE_EXTENDED")
        return True
    ctx.add("COMBINED_TYPE_CHANGED")
    return False


def _distinct(members: list[Node]) -> list[Node]:
    """Members with duplicates (same source JSON) collapsed, first occurrence kept."""
    seen: dict[str, Node] = {}
    for member in members:
        seen.setdefault(member.signature, member)
    return list(seen.values())


def _maximum_matching(count: int, fits: dict[int, dict[int, list[Difference]]]) -> dict[int, int]:
    """Maximum bipartite matching old member -> new member (augmenting paths)."""
    owner: dict[int, int] = {}  # new member -> old member

    def augment(i: int, seen: set[int]) -> bool:
        for j in fits.get(i, {}):
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(count):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def _compare_string(ctx: Context, original: Node, update: Node) -> None:
    _bound(ctx, "maxLength", "MAX_LENGTH", original.max_length, update.max_length)
    _bound(ctx, "minLength", "MIN_LENGTH", original.min_length, update.min_length)
    if original.pattern != update.pattern:
        if original.pattern is None:
            ctx.add("PATTERN_ADDED", "pattern")
        elif update.pattern is None:
            ctx.add("PATTERN_REMOVED", "pattern")
        else:
            ctx.add("PATTERN_CHANGED", "pattern")


def _compare_number(ctx: Context, original: Node, update: Node) -> None:
    _bound(ctx, "maximum", "MAXIMUM", original.maximum, update.maximum)
    _bound(ctx, "minimum", "MINIMUM", original.minimum, update.minimum)
    before, after = original.exclusive_maximum, update.exclusive_maximum
    _bound(ctx, "exclusiveMaximum", "EXCLUSIVE_MAXIMUM", before, after)
    before, after = original.exclusive_minimum, update.exclusive_minimum
    _bound(ctx, "exclusiveMinimum", "EXCLUSIVE_MINIMUM", before, after)
    _compare_multiple_of(ctx, original.multiple_of, update.multiple_of)
    if original.integer != update.integer:
        ctx.add("TYPE_EXTENDED" if original.integer else "TYPE_NARROWED")


def _compare_multiple_of(ctx: Context, before: Decimal | None, after: Decimal | None) -> None:
    if before == after:
        return
    if before is None:
        ctx.add("MULTIPLE_OF_ADDED", "multipleOf")
    elif after is None:
        ctx.add("MULTIPLE_OF_REMOVED", "multipleOf")
    elif after % before == 0:
        ctx.add("MULTIPLE_OF_EXPANDED", "multipleOf")  # fewer values are multiples of `after`
    elif before % after == 0:
        ctx.add("MULTIPLE_OF_REDUCED", "multipleOf")
    else:
        ctx.add("MULTIPLE_OF_CHANGED", "multipleOf")


def _compare_enum(ctx: Context, original: Node, update: Node) -> None:
    if original.values == update.values:
        return
    if original.values <= update.values:
        ctx.add("ENUM_ARRAY_EXTENDED", "enum")
    elif update.values <= original.values:
        ctx.add("ENUM_ARRAY_NARROWED", "enum")
    else:
        ctx.add("ENUM_ARRAY_CHANGED", "enum")


def _bound(
    ctx: Context,
    keyword: str,
    prefix: str,
    before: int | Decimal | None,
    after: int | Decimal | None,
) -> None:
    """ADDED / REMOVED / INCREASED / DECREASED for one numeric keyword."""
    if before == after:
        return
    if before is None:
        ctx.add(f"{prefix}_ADDED", keyword)
    elif after is None:
        ctx.add(f"{prefix}_REMOVED", keyword)
    elif before < after:
        ctx.add(f"{prefix}_INCREASED", keyword)
    else:
        ctx.add(f"{prefix}_DECREASED", keyword)
