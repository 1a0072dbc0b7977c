"""Text forms of a schema: canonical (input order), identity (sorted) and normalized."""

from __future__ import annotations

import json

from llm_schema_registry.formats.jsonschema.keywords import Json, transform


def compact(document: Json, *, sort_keys: bool = False) -> str:
    """Compact JSON text, non-ASCII kept as is (what Confluent's canonicalString() returns)."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, sort_keys=sort_keys)


def _sorted_unique(values: list[Json]) -> list[Json]:
    """Set-valued keyword arrays: order and repetition carry no meaning."""
    if not all(isinstance(value, str) for value in values):
        return values
    return sorted(set(values))


def _fold(schema: dict[str, Json]) -> dict[str, Json]:
    """Rewrite equivalent spellings of one schema object to a single form.

    Only folds that change no validation outcome and no annotation a reader sees:
    `type` is a set (a one-element list is the bare name), `required` and property-dependency
    lists are sets. `enum` keeps its order: code generators expose it to readers.
    """
    out = dict(schema)
    kind = out.get("type")
    if isinstance(kind, list) and all(isinstance(name, str) for name in kind):
        names = _sorted_unique(kind)
        out["type"] = names[0] if len(names) == 1 else names
    required = out.get("required")
    if isinstance(required, list):
        out["required"] = _sorted_unique(required)
    for keyword in ("dependentRequired", "dependencies"):
        mapping = out.get(keyword)
        if isinstance(mapping, dict):
            out[keyword] = {
                name: _sorted_unique(value) if isinstance(value, list) else value
                for name, value in mapping.items()
            }
    return out


def normalized_document(document: Json) -> Json:
    """`document` with equivalent spellings folded (see `_fold`)."""
    return transform(document, _fold)
