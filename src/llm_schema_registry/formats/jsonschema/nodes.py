"""A typed view of a schema, shaped like the model Confluent's checker compares.

Confluent compares schemas after loading them into typed classes (string, number, object,
array, enum, const, combined, not, reference...), so its verdicts depend on that shape: a
`{"type": "string", "enum": [...]}` is an implicit `allOf` of an enum and a string schema, a
`"type": [...]` list is an `anyOf` of one typed schema per name, and keywords of a type
appear only on a schema of that type. This module builds the same shape; `diff` compares it.

`$ref`s are resolved lazily and every subschema is built once per (JSON object, base URI),
so a recursive schema becomes a finite cyclic graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

from llm_schema_registry.formats.jsonschema.keywords import Draft, Json, draft_of
from llm_schema_registry.formats.jsonschema.normalize import compact
from llm_schema_registry.formats.jsonschema.resolver import Resolver, scope_of


class Kind(Enum):
    """The typed classes schemas are compared as; different kinds never match."""

    EMPTY = "empty"  # {} and true
    FALSE = "false"
    STRING = "string"
    NUMBER = "number"  # number and integer
    BOOLEAN = "boolean"
    NULL = "null"
    OBJECT = "object"
    ARRAY = "array"
    ENUM = "enum"
    CONST = "const"
    COMBINED = "combined"
    NOT = "not"
    CONDITIONAL = "conditional"
    REF = "ref"


@dataclass(eq=False)
class Node:
    """One typed schema. Fields not used by its kind stay at their defaults."""

    kind: Kind
    signature: str  # kind + sorted-key source JSON: equal signatures are the same schema
    title: str | None = None
    description: str | None = None
    schema_id: str | None = None
    default: str | None = None  # compact JSON of `default`, None when absent
    # string
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    # number
    integer: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    exclusive_minimum: Decimal | None = None
    exclusive_maximum: Decimal | None = None
    multiple_of: Decimal | None = None
    # object
    properties: dict[str, Node] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    permits_additional: bool = True  # additionalProperties / additionalItems not false
    additional: Node | None = None  # schema of additionalProperties / additionalItems
    unevaluated: Node | None = None  # unevaluatedProperties / unevaluatedItems
    pattern_properties: list[tuple[str, Node]] = field(default_factory=list)
    property_dependencies: dict[str, frozenset[str]] = field(default_factory=dict)
    schema_dependencies: dict[str, Node] = field(default_factory=dict)
    min_properties: int | None = None
    max_properties: int | None = None
    # array
    all_items: Node | None = None
    item_list: list[Node] = field(default_factory=list)
    min_items: int | None = None
    max_items: int | None = None
    unique_items: bool = False
    min_contains: int | None = None
    max_contains: int | None = None
    # enum / const: compact sorted JSON of each value
    values: frozenset[str] = frozenset()
    # combined
    criterion: str = ""  # allOf | anyOf | oneOf
    members: list[Node] = field(default_factory=list)
    # not
    negated: Node | None = None
    # ref: resolved on first use
    ref_target: Node | None = None
    ref_text: str = ""
    ref_base: str = ""
    # Set when comparing this node with one of the same key can find no change at any depth
    # (see `_plain_key`): the draft it was read under, and its signature.
    plain_key: str | None = None

    @property
    def has_default(self) -> bool:
        return self.default is not None


_TYPED = ("object", "array", "number", "string")
_SNIFF: dict[str, frozenset[str]] = {
    "array": frozenset(
        {"items", "additionalItems", "minItems", "maxItems", "uniqueItems", "contains"}
        | {"prefixItems", "unevaluatedItems", "minContains", "maxContains"}
    ),
    "object": frozenset(
        {"properties", "required", "additionalProperties", "minProperties", "maxProperties"}
        | {"patternProperties", "dependencies", "propertyNames", "dependentRequired"}
        | {"dependentSchemas", "unevaluatedProperties"}
    ),
    "number": frozenset(
        {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
    ),
    "string": frozenset({"minLength", "maxLength", "pattern", "format"}),
}


def _number(value: Json) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def _int(value: Json) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _text(value: Json) -> str | None:
    return value if isinstance(value, str) else None


class Loader:
    """Builds `Node`s for one parsed schema; memoizes so recursion terminates."""

    def __init__(self, resolver: Resolver) -> None:
        self.resolver = resolver
        self._built: dict[tuple[int, str], Node] = {}
        self._keep: list[Json] = []  # keeps id()-keyed JSON objects alive

    def load(self, schema: Json, base: str, draft: Draft) -> Node:
        """The node for `schema` found under base URI `base`."""
        key = (id(schema), base)
        built = self._built.get(key)
        if built is not None:
            return built
        self._keep.append(schema)
        node = self._build(schema, base, draft)
        node.plain_key = _plain_key(node, draft)
        self._built[key] = node
        return node

    def deref(self, node: Node) -> Node:
        """Follow `$ref`s to a concrete node; a ref loop with no content is empty."""
        seen: set[int] = set()
        while node.kind is Kind.REF:
            if id(node) in seen:
                return Node(Kind.EMPTY, "empty")
            seen.add(id(node))
            if node.ref_target is None:
                target = self.resolver.resolve(node.ref_text, node.ref_base)
                if target is None:  # parse() refuses these; stay total anyway
                    return Node(Kind.EMPTY, "empty")
                node.ref_target = self.load(target.schema, target.base, target.draft)
            node = node.ref_target
        return node

    def _build(self, schema: Json, base: str, draft: Draft) -> Node:
        if schema is True:
            return Node(Kind.EMPTY, "true")
        if schema is False or not isinstance(schema, dict):
            return Node(Kind.FALSE, "false")
        if "$schema" in schema:
            draft = draft_of(schema) or draft
        base = scope_of(schema, base, draft)
        signature = compact(schema, sort_keys=True)
        parts: list[Node] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            # Resolved on first use (see `deref`): every node of the document is registered
            # by then, so a recursive reference lands on an existing node.
            ref_node = Node(Kind.REF, f"ref:{signature}", ref_text=ref, ref_base=base)
            if not draft.modern:
                return ref_node  # draft 4-7 ignore every keyword beside $ref
            parts.append(ref_node)
        parts = self._extract(schema, base, draft, signature) + parts
        if not parts:
            node = Node(Kind.EMPTY, f"empty:{signature}")
        elif len(parts) == 1:
            node = parts[0]
        else:
            node = Node(Kind.COMBINED, f"allOf:{signature}", criterion="allOf", members=parts)
        ident = schema.get("id" if draft is Draft.DRAFT4 else "$id")
        node.schema_id = _text(ident)
        node.title = _text(schema.get("title"))
        node.description = _text(schema.get("description"))
        if "default" in schema:
            node.default = compact(schema["default"], sort_keys=True)
        return node

    def _extract(self, schema: dict[str, Json], base: str, draft: Draft, sig: str) -> list[Node]:
        """One node per keyword family present, in the order Confluent's loader uses."""
        parts: list[Node] = []
        if isinstance(schema.get("enum"), list):
            values = frozenset(compact(value, sort_keys=True) for value in schema["enum"])
            parts.append(Node(Kind.ENUM, f"enum:{sig}", values=values))
        combined = [
            Node(
                Kind.COMBINED,
                f"{criterion}:{sig}",
                criterion=criterion,
                members=[self.load(member, base, draft) for member in schema[criterion]],
            )
            for criterion in ("allOf", "anyOf", "oneOf")
            if isinstance(schema.get(criterion), list)
        ]
        if len(combined) > 1:
            parts.append(Node(Kind.COMBINED, f"allOf*:{sig}", criterion="allOf", members=combined))
        elif combined:
            parts.append(combined[0])
        if "not" in schema:
            parts.append(
                Node(Kind.NOT, f"not:{sig}", negated=self.load(schema["not"], base, draft))
            )
        if "const" in schema:
            value = compact(schema["const"], sort_keys=True)
            parts.append(Node(Kind.CONST, f"const:{sig}", values=frozenset({value})))
        kind = schema.get("type")
        if isinstance(kind, str):
            parts.append(self._typed(kind, schema, base, draft, sig))
        elif isinstance(kind, list):
            members = [self._typed(name, schema, base, draft, sig) for name in kind]
            parts.append(Node(Kind.COMBINED, f"types:{sig}", criterion="anyOf", members=members))
        else:
            parts.extend(
                self._typed(name, schema, base, draft, sig)
                for name in _TYPED
                if _SNIFF[name] & schema.keys()
            )
        if "if" in schema:
            parts.append(Node(Kind.CONDITIONAL, f"if:{sig}"))
        return parts

    def _typed(self, name: str, schema: dict[str, Json], base: str, draft: Draft, sig: str) -> Node:
        signature = f"{name}:{sig}"
        if name == "string":
            return Node(
                Kind.STRING,
                signature,
                min_length=_int(schema.get("minLength")),
                max_length=_int(schema.get("maxLength")),
                pattern=_text(schema.get("pattern")),
            )
        if name in ("number", "integer"):
            return self._number(schema, draft, signature, integer=name == "integer")
        if name == "object":
            return self._object(schema, base, draft, signature)
        if name == "array":
            return self._array(schema, base, draft, signature)
        return Node(Kind.BOOLEAN if name == "boolean" else Kind.NULL, signature)

    def _number(self, schema: dict[str, Json], draft: Draft, sig: str, *, integer: bool) -> Node:
        node = Node(Kind.NUMBER, sig, integer=integer)
        node.minimum = _number(schema.get("minimum"))
        node.maximum = _number(schema.get("maximum"))
        node.multiple_of = _number(schema.get("multipleOf"))
        if draft is Draft.DRAFT4:
            # Draft 4 spells an exclusive bound as a boolean flag on minimum/maximum.
            if schema.get("exclusiveMinimum") is True:
                node.exclusive_minimum, node.minimum = node.minimum, None
            if schema.get("exclusiveMaximum") is True:
                node.exclusive_maximum, node.maximum = node.maximum, None
        else:
            node.exclusive_minimum = _number(schema.get("exclusiveMinimum"))
            node.exclusive_maximum = _number(schema.get("exclusiveMaximum"))
        return node

    def _object(self, schema: dict[str, Json], base: str, draft: Draft, sig: str) -> Node:
        node = Node(Kind.OBJECT, sig)
        properties = schema.get("properties")
        if isinstance(properties, dict):
            node.properties = {k: self.load(v, base, draft) for k, v in properties.items()}
        required = schema.get("required")
        if isinstance(required, list):
            node.required = frozenset(name for name in required if isinstance(name, str))
        additional = schema.get("additionalProperties", True)
        node.permits_additional = additional is not False
        if isinstance(additional, dict):
            node.additional = self.load(additional, base, draft)
        patterns = schema.get("patternProperties")
        if isinstance(patterns, dict):
            node.pattern_properties = [(p, self.load(s, base, draft)) for p, s in patterns.items()]
        dependencies = dict(schema.get("dependencies") or {})
        if draft.modern:
            dependencies.update(schema.get("dependentRequired") or {})
            dependencies.update(schema.get("dependentSchemas") or {})
        for name, value in dependencies.items():
            if isinstance(value, list):
                node.property_dependencies[name] = frozenset(str(item) for item in value)
            else:
                node.schema_dependencies[name] = self.load(value, base, draft)
        node.min_properties = _int(schema.get("minProperties"))
        node.max_properties = _int(schema.get("maxProperties"))
        if draft.modern and "unevaluatedProperties" in schema:
            node.unevaluated = self.load(schema["unevaluatedProperties"], base, draft)
        return node

    def _array(self, schema: dict[str, Json], base: str, draft: Draft, sig: str) -> Node:
        node = Node(Kind.ARRAY, sig)
        items = schema.get("items")
        if draft is Draft.DRAFT2020_12:
            # 2020-12 renamed the tuple form: prefixItems + items (for the rest).
            tuple_items, rest = schema.get("prefixItems"), None
            if isinstance(tuple_items, list):
                rest = items
            elif items is not None:
                node.all_items = self.load(items, base, draft)
        else:
            tuple_items = items if isinstance(items, list) else None
            rest = schema.get("additionalItems")
            if items is not None and tuple_items is None:
                node.all_items = self.load(items, base, draft)
        if isinstance(tuple_items, list):
            node.item_list = [self.load(item, base, draft) for item in tuple_items]
        node.permits_additional = rest is not False
        if isinstance(rest, dict):
            node.additional = self.load(rest, base, draft)
        if draft.modern and "unevaluatedItems" in schema:
            node.unevaluated = self.load(schema["unevaluatedItems"], base, draft)
        node.min_items = _int(schema.get("minItems"))
        node.max_items = _int(schema.get("maxItems"))
        node.unique_items = schema.get("uniqueItems") is True
        node.min_contains = _int(schema.get("minContains"))
        node.max_contains = _int(schema.get("maxContains"))
        return node


# Kinds whose comparison with an equal node records nothing. Not `not` (which always says
# whether it narrowed), nor combinations (their members are matched afresh and may pair
# differently), nor references (their targets depend on where they are resolved).
_LEAVES = frozenset(
    {Kind.EMPTY, Kind.FALSE, Kind.STRING, Kind.NUMBER, Kind.BOOLEAN, Kind.NULL}
    | {Kind.ENUM, Kind.CONST}
)


def _children(node: Node) -> list[Node | None]:
    return [
        *node.properties.values(),
        *(schema for _, schema in node.pattern_properties),
        *node.schema_dependencies.values(),
        *node.item_list,
        node.additional,
        node.unevaluated,
        node.all_items,
    ]


def _plain_key(node: Node, draft: Draft) -> str | None:
    """A key equal for two nodes only when comparing them finds no change at any depth, or
    None. A node's fields follow from its source JSON (its signature) and the draft it was
    read under, so equal keys mean equal fields; an object or array whose subschemas all
    have keys compares its parts with equal parts and so finds nothing either."""
    if node.kind in _LEAVES:
        bounds = (node.minimum, node.maximum, node.exclusive_minimum, node.exclusive_maximum)
        if any(bound is not None and bound.is_nan() for bound in (*bounds, node.multiple_of)):
            return None  # NaN equals nothing, itself included
    elif node.kind in (Kind.OBJECT, Kind.ARRAY):
        if any(child is not None and child.plain_key is None for child in _children(node)):
            return None
    else:
        return None
    return f"{draft.value}|{node.kind.value}|{node.signature}"
