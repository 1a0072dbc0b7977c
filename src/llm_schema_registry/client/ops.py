"""The operations the SDK's methods (`methods.py`) share, as generators of `Call`s (sans-I/O):
cached reads, references resolved, validators compiled. The clients run them over HTTP, the
offline `Registry` from its bundle. Errors of a call are thrown into the generator, so cache
invalidation on 404/410 lives here too."""

from __future__ import annotations

import json
from collections.abc import Generator, Mapping
from typing import Any
from urllib.parse import quote

from llm_schema_registry.client.cache import SchemaCache
from llm_schema_registry.client.errors import InvalidRequestError, NotFoundError
from llm_schema_registry.client.models import (
    CompatibilityResult,
    RegisteredSchema,
    ValidationOutcome,
)
from llm_schema_registry.client.pydantic_models import model_from_schema
from llm_schema_registry.client.transport import Call
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.llm.refs import embed_references
from llm_schema_registry.validation import Validator

Op = Generator[Call, Any, Any]


def segment(value: str | int) -> str:
    return quote(str(value), safe="")


def schema_body(
    schema: str | Mapping[str, Any],
    schema_type: str,
    references: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    rule_set: dict[str, Any] | None = None,
) -> dict[str, Any]:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    body: dict[str, Any] = {"schema": text, "schemaType": schema_type.upper()}
    if references:
        body["references"] = references
    if metadata is not None:
        body["metadata"] = metadata
    if rule_set is not None:
        body["ruleSet"] = rule_set
    return body


def register(cache: SchemaCache, subject: str, body: dict[str, Any], normalize: bool) -> Op:
    params = {"normalize": "true"} if normalize else None
    reply = yield Call("POST", f"/subjects/{segment(subject)}/versions", params, body)
    cache.invalidate(subject)
    return int(reply["id"])


def schema_by_id(cache: SchemaCache, schema_id: int) -> Op:
    found = cache.by_id(schema_id)
    if found is None:
        reply = yield Call("GET", f"/schemas/ids/{schema_id}")
        found = RegisteredSchema.from_json(reply, schema_id)
        cache.put_id(found)
    return found


def version(cache: SchemaCache, subject: str, number: str | int = "latest") -> Op:
    latest = str(number) in ("latest", "-1")
    if latest and (found := cache.latest(subject)) is not None:
        return found
    try:
        reply = yield Call("GET", f"/subjects/{segment(subject)}/versions/{segment(number)}")
    except NotFoundError:
        cache.invalidate(subject)
        raise
    found = RegisteredSchema.from_json(reply)
    if latest:
        cache.put_latest(subject, found)
    return found


def compatibility(
    subject: str, body: dict[str, Any], against: str | int, samples: bool = False
) -> Op:
    path = f"/compatibility/subjects/{segment(subject)}/versions/{segment(against)}"
    params = {"verbose": "true", **({"samples": "true"} if samples else {})}
    try:
        reply = yield Call("POST", path, params, body)
    except NotFoundError as exc:
        if exc.error_code != 40401:
            raise
        return CompatibilityResult(True, [])  # nothing registered yet: anything goes
    return CompatibilityResult(
        bool(reply["is_compatible"]), list(reply.get("messages") or []), reply.get("samples")
    )


def resolve_references(cache: SchemaCache, schema: RegisteredSchema) -> Op:
    resolved = []
    for ref in schema.references:
        target = yield from version(cache, ref.subject, ref.version)
        nested = yield from resolve_references(cache, target)
        resolved.append(
            ResolvedReference(
                ref.name,
                ref.subject,
                int(target.version or ref.version),
                SchemaType(target.schema_type),
                target.schema,
                tuple(nested),
            )
        )
    return resolved


def referenced_documents(cache: SchemaCache, schema: RegisteredSchema) -> Op:
    """name -> JSON document of everything `schema` references, transitively."""
    found: dict[str, Any] = {}
    for ref in schema.references:
        if ref.name not in found:
            target = yield from version(cache, ref.subject, ref.version)
            found[ref.name] = json.loads(target.schema)
            found.update((yield from referenced_documents(cache, target)))
    return found


def json_model(cache: SchemaCache, subject: str, number: str | int) -> Op:
    """The registered schema's JSON Schema (`SchemaFormat.json_schema`: the document itself,
    a prompt's variables) as a Pydantic model class, references embedded."""
    schema = yield from version(cache, subject, number)
    fmt = format_for(SchemaType(schema.schema_type))
    if not fmt.has_json_schema:
        raise InvalidRequestError(f"{subject} is {schema.schema_type}, not JSON Schema")
    references = yield from resolve_references(cache, schema)
    document = fmt.json_schema(fmt.parse(schema.schema, references))
    if not isinstance(document, dict):
        raise InvalidRequestError(f"{subject} is not a JSON Schema object")
    documents = yield from referenced_documents(cache, schema)
    return model_from_schema(embed_references(document, documents), subject)


def prompt_variables(cache: SchemaCache, subject: str, number: str | int) -> Op:
    """A prompt template's variables schema (`SchemaFormat.prompt`, `json_schema`), or None
    when the version is not a prompt template."""
    schema = yield from version(cache, subject, number)
    fmt = format_for(SchemaType(schema.schema_type))
    references = yield from resolve_references(cache, schema)
    parsed = fmt.parse(schema.schema, references)
    if fmt.prompt(parsed) is None:
        return None
    document = fmt.json_schema(parsed)
    return document if isinstance(document, dict) else {}


def compile_validator(cache: SchemaCache, schema: RegisteredSchema) -> Op:
    references = yield from resolve_references(cache, schema)
    kind = SchemaType(schema.schema_type)
    parsed = format_for(kind).parse(schema.schema, references)
    return Validator.for_schema(kind, parsed, schema.rule_set)


def target_schema(
    cache: SchemaCache, subject: str | None, number: str | int, schema_id: int | None
) -> Op:
    if schema_id is not None:
        return (yield from schema_by_id(cache, schema_id))
    if subject is None:
        raise InvalidRequestError("give a subject (and version) or a schema_id")
    return (yield from version(cache, subject, number))


def remote_validate(body: dict[str, Any]) -> Op:
    reply = yield Call("POST", "/validate", None, body)
    if "results" in reply:
        return [ValidationOutcome.from_json(r) for r in reply["results"]]
    return ValidationOutcome.from_json(reply)
