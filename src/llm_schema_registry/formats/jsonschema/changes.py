"""Difference types, the STRICT compatible set and the context a comparison collects into.

Type names are Confluent's `Difference.Type` names, so clients and dashboards that key on
them keep working. A change is compatible when a reader using the update schema still
accepts everything the original schema accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

from llm_schema_registry.formats.jsonschema.keywords import json_path

# Changes after which data valid under the original is still valid under the update.
COMPATIBLE_CHANGES: frozenset[str] = frozenset(
    {
        "ID_CHANGED",
        "DESCRIPTION_CHANGED",
        "TITLE_CHANGED",
        "DEFAULT_CHANGED",
        "SCHEMA_REMOVED",
        "TYPE_EXTENDED",
        "MAX_LENGTH_INCREASED",
        "MAX_LENGTH_REMOVED",
        "MIN_LENGTH_DECREASED",
        "MIN_LENGTH_REMOVED",
        "PATTERN_REMOVED",
        "MAXIMUM_INCREASED",
        "MAXIMUM_REMOVED",
        "MINIMUM_DECREASED",
        "MINIMUM_REMOVED",
        "EXCLUSIVE_MAXIMUM_INCREASED",
        "EXCLUSIVE_MAXIMUM_REMOVED",
        "EXCLUSIVE_MINIMUM_DECREASED",
        "EXCLUSIVE_MINIMUM_REMOVED",
        "MULTIPLE_OF_REDUCED",
        "MULTIPLE_OF_REMOVED",
        "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED",
        "REQUIRED_ATTRIBUTE_REMOVED",
        "DEPENDENCY_ARRAY_NARROWED",
        "DEPENDENCY_ARRAY_REMOVED",
        "DEPENDENCY_SCHEMA_REMOVED",
        "MAX_PROPERTIES_INCREASED",
        "MAX_PROPERTIES_REMOVED",
        "MIN_PROPERTIES_DECREASED",
        "MIN_PROPERTIES_REMOVED",
        "ADDITIONAL_PROPERTIES_ADDED",
        "ADDITIONAL_PROPERTIES_EXTENDED",
        "UNEVALUATED_PROPERTIES_ADDED",
        "UNEVALUATED_PROPERTIES_EXTENDED",
        "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
        "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL",
        "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
        "PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        "PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL",
        "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        "MAX_ITEMS_INCREASED",
        "MAX_ITEMS_REMOVED",
        "MIN_ITEMS_DECREASED",
        "MIN_ITEMS_REMOVED",
        "MAX_CONTAINS_INCREASED",
        "MAX_CONTAINS_REMOVED",
        "MIN_CONTAINS_DECREASED",
        "MIN_CONTAINS_REMOVED",
        "UNIQUE_ITEMS_REMOVED",
        "ADDITIONAL_ITEMS_ADDED",
        "ADDITIONAL_ITEMS_EXTENDED",
        "UNEVALUATED_ITEMS_ADDED",
        "UNEVALUATED_ITEMS_EXTENDED",
        "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL",
        "ITEM_ADDED_TO_CLOSED_CONTENT_MODEL",
        "ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        "ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL",
        "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL",
        "ENUM_ARRAY_EXTENDED",
        "COMBINED_TYPE_EXTENDED",
        "PRODUCT_TYPE_NARROWED",
        "SUM_TYPE_EXTENDED",
        "NOT_TYPE_NARROWED",
    }
)

# Sentences by the last word(s) of a change type; `{path}` is the JSON pointer.
_MESSAGES: tuple[tuple[str, str], ...] = (
    ("_CHANGED", "'{path}' changed between the old and the new schema"),
    ("_ADDED_TO_OPEN_CONTENT_MODEL", "'{path}' was added although the old schema was open"),
    ("_REMOVED_FROM_CLOSED_CONTENT_MODEL", "'{path}' was removed from a closed schema"),
    ("_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "'{path}' is not covered by the open part"),
    ("_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL", "'{path}' is covered by the open part"),
    ("REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", "'{path}' is a new required property"),
    ("_ADDED_TO_UNOPEN_CONTENT_MODEL", "'{path}' was added where the old schema allowed no others"),
    ("_ADDED_TO_CLOSED_CONTENT_MODEL", "'{path}' was added to a closed schema"),
    ("_REMOVED_FROM_OPEN_CONTENT_MODEL", "'{path}' was removed from an open schema"),
    ("_ADDED", "'{path}' was added"),
    ("_REMOVED", "'{path}' was removed"),
    ("_INCREASED", "the value at '{path}' increased"),
    ("_DECREASED", "the value at '{path}' decreased"),
    ("_EXPANDED", "the value at '{path}' became a multiple of the old one"),
    ("_REDUCED", "the value at '{path}' became a divisor of the old one"),
    ("_EXTENDED", "'{path}' now accepts more"),
    ("_NARROWED", "'{path}' now accepts less"),
)


@cache
def _template(kind: str) -> str:
    # Kinds are few and messages many (a 100-version transitive check builds thousands).
    if kind.endswith("_CHANGED") and kind.count("_") == 1:
        # TYPE_CHANGED, DEFAULT_CHANGED ...: say what changed.
        return f"The {kind.removesuffix('_CHANGED').lower()} of '{{path}}' changed"
    return next((text for suffix, text in _MESSAGES if kind.endswith(suffix)), "'{path}' differs")


def describe(kind: str, pointer: str) -> tuple[str, str]:
    """The name a change concerns (the pointer's last part, `age`) and a sentence naming its
    place JSONPath-style: `'$.properties.age' was removed from a closed schema`."""
    parts = [part for part in pointer.removeprefix("#").split("/") if part]
    where = json_path(tuple(int(part) if part.isdigit() else part for part in parts))
    sentence = _template(kind).format(path=where)
    return pointer.rsplit("/", 1)[-1], f"{sentence[0].upper()}{sentence[1:]}"


@dataclass(frozen=True)
class Difference:
    """One difference between an original and an updated schema."""

    kind: str  # Confluent's Difference.Type name
    path: str  # JSON pointer into the original schema, "#/properties/age"
    compatible: bool

    @property
    def message(self) -> str:
        """A sentence naming the change and whether readers of the update are affected."""
        return _message(self.kind, self.path, self.compatible)


@lru_cache(maxsize=4096)
def _message(kind: str, path: str, compatible: bool) -> str:
    # A transitive check repeats the same few sentences thousands of times (one property
    # added since each of 100 versions).
    subject = _template(kind).format(path=path)
    verdict = "compatible" if compatible else "incompatible"
    return f"{kind}: {subject[0].upper()}{subject[1:]} ({verdict})."


@dataclass
class Context:
    """Collects changes at the current path; sub-contexts try a comparison in isolation."""

    path: list[str] = field(default_factory=list)
    changes: list[Difference] = field(default_factory=list)
    # (original node id, update node id) pairs being compared up the stack: a recursive
    # schema reaches the same pair again, and comparing it twice adds nothing.
    active: set[tuple[int, int]] = field(default_factory=set)
    # False: compatible changes are not kept. Whether a comparison is compatible, and so
    # every choice made on the way, depends only on the incompatible ones, so what is kept
    # is exactly the incompatible part of the full list, in the same order.
    keep_compatible: bool = True

    def sub(self) -> Context:
        return Context(list(self.path), [], set(self.active), self.keep_compatible)

    def add(self, kind: str, *attribute: str) -> None:
        compatible = kind in COMPATIBLE_CHANGES
        if compatible and not self.keep_compatible:
            return
        pointer = "#/" + "/".join([*self.path, *attribute])
        self.changes.append(_difference(kind, pointer, compatible))

    def extend(self, other: Context) -> None:
        self.changes.extend(other.changes)

    @property
    def compatible(self) -> bool:
        return all(change.compatible for change in self.changes)


# Immutable, so shared: the same change recurs across the versions a check compares with.
_difference = lru_cache(maxsize=4096)(Difference)
