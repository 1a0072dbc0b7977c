"""Which JSON Schema keywords hold subschemas, and a walker over every subschema position.

Several passes (reference checks, `$id` indexing, normalization) must tell a subschema from
plain data: `{"enum": [{"type": "x"}]}` holds a value, not a schema, and must not be rewritten
or searched for `$ref`s. Keeping the keyword table here gives all passes the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import Enum
from typing import Any, TypeAlias

Json: TypeAlias = Any
"""A decoded JSON value (dict, list, str, int, float, bool or None)."""

PathItem: TypeAlias = str | int


class Draft(Enum):
    """The JSON Schema drafts the registry accepts, in order of publication."""

    DRAFT4 = "http://json-schema.org/draft-04/schema#"
    DRAFT6 = "http://json-schema.org/draft-06/schema#"
    DRAFT7 = "http://json-schema.org/draft-07/schema#"
    DRAFT2019_09 = "https://json-schema.org/draft/2019-09/schema"
    DRAFT2020_12 = "https://json-schema.org/draft/2020-12/schema"

    @property
    def modern(self) -> bool:
        """2019-09 and later: `$ref` may have siblings, `$defs`, `unevaluated*`, `dependent*`."""
        return self in (Draft.DRAFT2019_09, Draft.DRAFT2020_12)


# Confluent's JSON Schema provider validates with draft-07 when `$schema` is absent.
DEFAULT_DRAFT = Draft.DRAFT7


def draft_of(schema: Json) -> Draft | None:
    """The draft named by `$schema` (http/https, trailing `#` ignored); None when unknown."""
    if not isinstance(schema, dict) or "$schema" not in schema:
        return DEFAULT_DRAFT
    uri = schema["$schema"]
    if not isinstance(uri, str):
        return None
    key = uri.strip().rstrip("#").split("://", 1)[-1]
    for draft in Draft:
        if draft.value.rstrip("#").split("://", 1)[-1] == key:
            return draft
    return None


# Keyword -> how its value holds subschemas.
SINGLE = frozenset(
    {
        "additionalProperties",
        "additionalItems",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentSchema",
    }
)
LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def subschemas(schema: Json) -> Iterator[tuple[tuple[PathItem, ...], Json]]:
    """Each direct subschema of `schema` with its relative path (keyword, then key/index)."""
    if not isinstance(schema, dict):
        return
    for key, value in schema.items():
        if key in SINGLE and isinstance(value, dict | bool):
            yield (key,), value
        elif key in LISTS and isinstance(value, list):
            for index, item in enumerate(value):
                yield (key, index), item
        elif key in MAPS and isinstance(value, dict):
            for name, item in value.items():
                yield (key, name), item
        elif key == "items":
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield (key, index), item
            elif isinstance(value, dict | bool):
                yield (key,), value
        elif key == "dependencies" and isinstance(value, dict):
            # Draft 4-7: each value is either a schema or an array of property names.
            for name, item in value.items():
                if isinstance(item, dict | bool):
                    yield (key, name), item


def walk(
    schema: Json, path: tuple[PathItem, ...] = ()
) -> Iterator[tuple[tuple[PathItem, ...], Json]]:
    """`schema` and every nested subschema, depth first, with absolute paths."""
    yield path, schema
    for relative, child in subschemas(schema):
        yield from walk(child, path + relative)


def transform(schema: Json, fold: Callable[[dict[str, Json]], dict[str, Json]]) -> Json:
    """A copy of `schema` with `fold` applied to every schema object, innermost first.

    Data keywords (`enum`, `const`, `default`, `examples`...) are copied untouched.
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Json] = {}
    for key, value in schema.items():
        if key in SINGLE and isinstance(value, dict | bool):
            out[key] = transform(value, fold)
        elif key in LISTS and isinstance(value, list):
            out[key] = [transform(item, fold) for item in value]
        elif key in MAPS and isinstance(value, dict):
            out[key] = {name: transform(item, fold) for name, item in value.items()}
        elif key == "items" and isinstance(value, list):
            out[key] = [transform(item, fold) for item in value]
        elif key == "items" and isinstance(value, dict | bool):
            out[key] = transform(value, fold)
        elif key == "dependencies" and isinstance(value, dict):
            out[key] = {name: transform(item, fold) for name, item in value.items()}
        else:
            out[key] = value
    return fold(out)


def json_path(path: tuple[PathItem, ...]) -> str:
    """A JSONPath-style location (`$.properties.age.type`, `$.allOf[1]`)."""
    text = "$"
    for item in path:
        if isinstance(item, int):
            text += f"[{item}]"
        elif item.replace("_", "a").replace("$", "a").isalnum():
            text += f".{item}"
        else:
            text += "[" + repr(item) + "]"
    return text
