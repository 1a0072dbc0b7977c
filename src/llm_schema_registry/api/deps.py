"""What routes share: the service, lenient query flags, paging and response shapes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic import AfterValidator, BeforeValidator

from llm_schema_registry.api.front import SchemaBodyCache, decode_segment
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.errors import InvalidSchemaError
from llm_schema_registry.registry.model import Reference as ReferenceRecord
from llm_schema_registry.registry.model import (
    RegisterRequest,
    StoredSchema,
    SubjectVersion,
)
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.usage import UsageRecorder

UNKNOWN_PROPERTIES_HEADER = "confluent-accept-unknown-properties"


def _flag(value: object) -> bool:
    # JAX-RS reads booleans with Boolean.valueOf: "true" in any case is true, all else false.
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() == "true"


Flag = Annotated[bool, BeforeValidator(_flag)]


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


Registry = Annotated[RegistryService, Depends(_registry)]
# Where reads of a version are counted (lookups, per subject version, cluster-wide).
Usage = Annotated[UsageRecorder, Depends(_usage)]
BodyCache = Annotated[SchemaBodyCache, Depends(_body_cache)]


# A subject path parameter, decoded once for every route: the front layer routes on the raw
# path, so an encoded slash arrives as a placeholder until this turns it back into "/".
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
        schema=body.schema_,
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
        "id": found.schema.id,
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
