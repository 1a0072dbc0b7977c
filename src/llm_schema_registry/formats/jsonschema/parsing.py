"""Text + references -> a validated `JsonSchema`, or `InvalidSchemaError` saying where."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

import jsonschema_rs

from llm_schema_registry.formats.base import InvalidSchemaError, ResolvedReference, SchemaType
from llm_schema_registry.formats.jsonschema.keywords import (
    Draft,
    Json,
    PathItem,
    draft_of,
    json_path,
    subschemas,
)
from llm_schema_registry.formats.jsonschema.model import JsonSchema
from llm_schema_registry.formats.jsonschema.normalize import compact
from llm_schema_registry.formats.jsonschema.resolver import Resolver, join, scope_of

# Deeper reference chains than this are refused rather than followed (denial of service).
MAX_REFERENCE_DEPTH = 32
# JSON nesting accepted in one document; real schemas stay far below it.
MAX_NESTING = 200

_VALIDATORS: dict[Draft, Any] = {
    Draft.DRAFT4: jsonschema_rs.Draft4Validator,
    Draft.DRAFT6: jsonschema_rs.Draft6Validator,
    Draft.DRAFT7: jsonschema_rs.Draft7Validator,
    Draft.DRAFT2019_09: jsonschema_rs.Draft201909Validator,
    Draft.DRAFT2020_12: jsonschema_rs.Draft202012Validator,
}


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text} is out of range")
    return value


def _reject_constant(text: str) -> None:
    raise ValueError(f"{text} is not valid JSON")


def _depth(document: Json) -> int:
    """Nesting depth of a JSON value, computed without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(value, dict):
            stack.extend((child, level + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, level + 1) for child in value)
    return deepest


def decode(text: str, what: str = "schema") -> Json:
    """Decode JSON text; errors name the line and column."""
    try:
        document = json.loads(text, parse_float=_finite_float, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise InvalidSchemaError(
            f"Invalid JSON in {what} at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None
    except (ValueError, RecursionError) as error:
        raise InvalidSchemaError(f"Invalid JSON in {what}: {error}") from None
    # Checks and comparisons recurse along the nesting: bound it instead of crashing.
    if _depth(document) > MAX_NESTING:
        raise InvalidSchemaError(f"The {what} nests deeper than {MAX_NESTING} levels")
    return document


def _detect_draft(document: Json, what: str) -> Draft:
    if not isinstance(document, dict | bool):
        kind = type(document).__name__
        raise InvalidSchemaError(f"A JSON Schema must be an object or a boolean, not {kind}")
    draft = draft_of(document)
    if draft is None:
        named = document.get("$schema") if isinstance(document, dict) else None
        raise InvalidSchemaError(
            f"Unsupported $schema {named!r} in {what}: use draft-04, "
            "draft-06, draft-07, 2019-09 or 2020-12"
        )
    return draft


def _meta_validate(document: Json, draft: Draft, what: str) -> None:
    """Check `document` against its draft's meta-schema (bundled in jsonschema-rs: no I/O)."""
    if isinstance(document, bool):
        if draft is Draft.DRAFT4:
            raise InvalidSchemaError(f"Draft 4 does not allow a boolean as {what}")
        return
    probe = document if "$schema" in document else {**document, "$schema": draft.value}
    try:
        jsonschema_rs.meta.validate(probe)
    except jsonschema_rs.ValidationError as error:
        location = json_path(tuple(error.instance_path))
        raise InvalidSchemaError(f"{what} {location}: {error.message}") from None
    except jsonschema_rs.ReferencingError as error:
        raise InvalidSchemaError(f"{what}: {error}") from None


def _flatten(
    references: Sequence[ResolvedReference], chain: tuple[str, ...], out: dict[str, Json]
) -> None:
    """Collect every reference (transitive too) by name; refuse cycles and foreign types."""
    if len(chain) > MAX_REFERENCE_DEPTH:
        raise InvalidSchemaError(f"References nest deeper than {MAX_REFERENCE_DEPTH} levels")
    for reference in references:
        key = f"{reference.subject}:{reference.version}"
        if reference.name in chain or key in chain:
            cycle = " -> ".join((*chain, reference.name))
            raise InvalidSchemaError(f"Reference cycle: {cycle}")
        if reference.schema_type is not SchemaType.JSON:
            raise InvalidSchemaError(
                f"Reference '{reference.name}' is a {reference.schema_type} schema, not JSON"
            )
        if reference.name not in out:
            what = f"reference '{reference.name}'"
            document = decode(reference.text, what)
            _meta_validate(document, _detect_draft(document, what), what)
            out[reference.name] = document
        _flatten(reference.references, (*chain, reference.name, key), out)


def _check_refs(
    resolver: Resolver,
    schema: Json,
    base: str,
    draft: Draft,
    path: tuple[PathItem, ...],
    what: str,
) -> None:
    """Every `$ref` must land on the schema, one of its `$id`s or a declared reference."""
    if not isinstance(schema, dict):
        return
    if "$schema" in schema:
        draft = draft_of(schema) or draft
    scope = scope_of(schema, base, draft)
    ref = schema.get("$ref")
    if isinstance(ref, str) and resolver.resolve(ref, scope) is None:
        location = json_path(path)
        raise InvalidSchemaError(
            f"{what} {location}: $ref '{ref}' does not resolve to a local definition, an $id "
            "in the schema or a declared reference (remote schemas are never fetched)"
        )
    for relative, child in subschemas(schema):
        _check_refs(resolver, child, scope, draft, path + relative, what)


def build_validator(document: Json, draft: Draft, documents: Mapping[str, Json]) -> Any:
    """A jsonschema-rs validator built offline: only the given references, never the network."""
    base = scope_of(document, "", draft)
    resources: list[tuple[str, Json]] = []
    for name, referenced in documents.items():
        resources.append((name, referenced))
        alias = join(base, name) if base else name
        if alias != name and alias not in documents:
            resources.append((alias, referenced))
    registry = jsonschema_rs.Registry(resources) if resources else None
    return _VALIDATORS[draft](document, registry=registry, offline=True)


def _compile(document: Json, draft: Draft, documents: dict[str, Json]) -> None:
    """Build the validator once at parse time: catches bad regexes and anything we missed."""
    try:
        build_validator(document, draft, documents)
    except (jsonschema_rs.ValidationError, jsonschema_rs.ReferencingError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise InvalidSchemaError(f"Invalid schema: {first_line}") from None


def parse(text: str, references: Sequence[ResolvedReference] = ()) -> JsonSchema:
    """Decode, pick the draft, validate against the meta-schema and resolve every `$ref`."""
    document = decode(text)
    draft = _detect_draft(document, "schema")
    _meta_validate(document, draft, "schema")
    documents: dict[str, Json] = {}
    _flatten(references, (), documents)
    resolver = Resolver.build(document, draft, documents)
    _check_refs(resolver, document, "", draft, (), "schema")
    for name, referenced in documents.items():
        own = draft_of(referenced) or draft
        _check_refs(resolver, referenced, name, own, (), f"reference '{name}'")
    _compile(document, draft, documents)
    return JsonSchema(
        document=document,
        draft=draft,
        references=tuple(references),
        documents=documents,
        resolver=resolver,
        identity_text=compact(document, sort_keys=True),
    )
