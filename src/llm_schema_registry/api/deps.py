"""What routes share: the service, lenient query flags, paging and response shapes."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import AfterValidator, BeforeValidator
from starlette.exceptions import HTTPException

from llm_schema_registry.api.front import SchemaBodyCache, decode_segment
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.contexts import public_id
from llm_schema_registry.registry.errors import InvalidSchemaError
from llm_schema_registry.registry.model import Reference as ReferenceRecord
from llm_schema_registry.registry.model import (
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.sampling import SampleService
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.usage import UsageRecorder
from llm_schema_registry.registry.versions import parse_version

UNKNOWN_PROPERTIES_HEADER = "confluent-accept-unknown-properties"


def _flag(value: object) -> bool:
    # JAX-RS reads booleans with Boolean.valueOf: "true" in any case is true, all else false.
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


Flag = Annotated[bool, BeforeValidator(_flag)]

# What Jersey's Integer.valueOf takes, cut to ASCII as the project's contract says: an optional
# minus and ASCII digits, within a Java int. "+1", "1_000", " 1", "1.0", "²", "٣" and fullwidth
# digits (all of which `int()` or pydantic would take, or choke on) are refused with a 4xx.
_JAVA_INT = re.compile(r"-?[0-9]+")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def java_int(text: str) -> int | None:
    """`text` as a Java int (ASCII digits, optional minus), or None if it is not one."""
    if not _JAVA_INT.fullmatch(text) or len(text.lstrip("-").lstrip("0")) > 10:
        return None  # (the length check first: int() refuses over 4,300 digits)
    number = int(text)
    return number if INT_MIN <= number <= INT_MAX else None


def _query_int(value: object) -> object:
    if isinstance(value, str):
        number = java_int(value)
        if number is None:
            raise ValueError("Input should be an integer of ASCII digits within a 32-bit int")
        return number
    return value


# An integer query parameter (offset, limit, depth…), parsed as Confluent's server parses it.
QueryInt = Annotated[int, BeforeValidator(_query_int)]


def _version(raw: str) -> str:
    parse_version(raw)  # InvalidVersionError (42202) escapes validation, as it should
    return raw


# A `{version}` path parameter: checked while the parameters are read, so a bad version is
# answered 42202 (as Confluent's VersionId does) whatever else the request gets wrong.
Version = Annotated[str, AfterValidator(_version)]


def schema_id(raw: str) -> int:
    """A `{id}` path segment as a schema id. JAX-RS answers a path id that is not an int
    (`@PathParam("id") Integer`, SchemasResource) with a plain 404, before the resource runs:
    so do we, `{"error_code": 404, "message": "HTTP 404 Not Found"}`."""
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > 10:
        raise HTTPException(404)
    number = int(raw)
    if number > INT_MAX:
        raise HTTPException(404)
    return number


# Async on purpose: FastAPI runs plain `def` dependencies in a thread pool (a hop per request).
async def _registry(request: Request) -> RegistryService:
    service: RegistryService = request.app.state.registry
    return service


async def _body_cache(request: Request) -> SchemaBodyCache:
    cache: SchemaBodyCache = request.app.state.body_cache
    return cache


async def _usage(request: Request) -> UsageRecorder:
    recorder: UsageRecorder = request.app.state.usage
    return recorder


async def _samples(request: Request) -> SampleService:
    service: SampleService = request.app.state.samples
    return service


Registry = Annotated[RegistryService, Depends(_registry)]
# Recent and curated samples of subjects, replayed against proposed versions.
Samples = Annotated[SampleService, Depends(_samples)]
# Where reads of a version are counted (lookups, per subject version, cluster-wide).
Usage = Annotated[UsageRecorder, Depends(_usage)]
BodyCache = Annotated[SchemaBodyCache, Depends(_body_cache)]


# A subject path parameter, decoded once for every route: the front layer routes on the raw
# path, so an encoded slash arrives as a stand-in character until this turns it back into "/".
Subject = Annotated[str, AfterValidator(decode_segment)]


def page(items: list[Any], offset: int, limit: int) -> list[Any]:
    start = max(offset, 0)
    return items[start:] if limit < 0 else items[start : start + limit]


def to_request(body: Any) -> RegisterRequest:
    """The API body as the service's request record (schemaType checked here)."""
    kind = (body.schemaType or "AVRO").upper()
    if kind not in SchemaType.__members__:
        raise InvalidSchemaError(
            f"Invalid schemaType '{body.schemaType}': use AVRO, PROTOBUF, JSON or PROMPT"
        )
    refs = tuple(ReferenceRecord(r.name, r.subject, r.version) for r in body.references or ())
    return RegisterRequest(
        schema=body.schema_ or "",
        schema_type=SchemaType(kind),
        references=refs,
        metadata=body.metadata,
        rule_set=body.ruleSet,
        id=body.id,
        version=body.version,
        state=getattr(body, "state", None),
    )


def schema_json(schema: StoredSchema, text: str | None = None) -> dict[str, Any]:
    """Confluent's schema fields: AVRO omits `schemaType`; empty parts are left out."""
    payload: dict[str, Any] = {}
    if schema.schema_type is not SchemaType.AVRO:
        payload["schemaType"] = schema.schema_type.value
    if schema.references:
        payload["references"] = [ref.as_json() for ref in schema.references]
    if schema.metadata is not None:
        payload["metadata"] = schema.metadata
    if schema.rule_set is not None:
        payload["ruleSet"] = schema.rule_set
    payload["schema"] = schema.text if text is None else text
    return payload


def by_id_json(schema: StoredSchema, text: str | None = None) -> dict[str, Any]:
    """`GET /schemas/ids/{id}`'s body."""
    return {**schema_json(schema, text), "guid": schema.guid}


def version_json(
    found: SubjectVersion, text: str | None = None, *, extras: bool = True
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "subject": found.subject,
        "version": found.version,
        "id": public_id(found.schema.id),
        "guid": found.schema.guid,
        **schema_json(found.schema, text),
    }
    if extras:
        payload["ts"] = found.ts
        payload["deleted"] = found.deleted
        # Governance lifecycle, for clients that accept fields Confluent does not send.
        payload["state"] = found.state
        payload["sunset_date"] = found.sunset_date
        payload["reason"] = found.reason
    return payload


def wants_extras(request: Request) -> bool:
    """Confluent sends `ts`/`deleted` only to clients that say they tolerate new fields."""
    return request.headers.get(UNKNOWN_PROPERTIES_HEADER, "").lower() == "true"
