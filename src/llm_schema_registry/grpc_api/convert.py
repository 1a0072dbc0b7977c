"""Registry records as messages and requests as the registry's records: the gRPC twin of
what `api/deps.py` does for REST bodies (the JSON parts through `rpc.shapes`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import orjson

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.checks import Violation
from llm_schema_registry.registry.contexts import public_id
from llm_schema_registry.registry.errors import InvalidSchemaError
from llm_schema_registry.registry.model import Reference, RegisterRequest, StoredSchema
from llm_schema_registry.registry.model import SubjectVersion as StoredVersion
from llm_schema_registry.registry.validation import InvalidValidationRequestError
from llm_schema_registry.rpc import shapes
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.validation import ValidationResult


class SchemaRequest(Protocol):
    """What registration, lookup and compatibility requests share (REST: one body)."""

    @property
    def schema(self) -> str: ...
    @property
    def schema_type(self) -> int: ...
    @property
    def references(self) -> Sequence[pb.Reference]: ...
    @property
    def metadata(self) -> pb.Metadata: ...
    @property
    def rule_set(self) -> pb.RuleSet: ...

    def HasField(self, field_name: str) -> bool: ...  # protobuf's name


def schema_request(request: SchemaRequest) -> RegisterRequest:
    """The request as the service's record (schema type checked, as REST does)."""
    kind = shapes.schema_type_name(request.schema_type)
    if kind not in SchemaType.__members__:
        raise InvalidSchemaError(f"Invalid schema_type {request.schema_type}")
    return RegisterRequest(
        schema=request.schema,
        schema_type=SchemaType(kind),
        references=tuple(Reference(r.name, r.subject, r.version) for r in request.references),
        metadata=(shapes.metadata_json(request.metadata) if request.HasField("metadata") else None),
        rule_set=(shapes.rule_set_json(request.rule_set) if request.HasField("rule_set") else None),
    )


def registration(request: pb.RegisterSchemaRequest) -> RegisterRequest:
    found = schema_request(request)
    found.id = request.id if request.HasField("id") else None
    found.version = request.version if request.HasField("version") else None
    found.state = shapes.state_name(request.state)
    return found


def version_spec(request: Any) -> str | int:
    """A request's optional `version`: unset is the latest, as -1 is."""
    return request.version if request.HasField("version") else "latest"


def schema_message(schema: StoredSchema, text: str | None = None) -> pb.Schema:
    found = pb.Schema(
        id=public_id(schema.id),
        guid=schema.guid,
        schema_type=shapes.schema_type_value(schema.schema_type.value),
        schema=schema.text if text is None else text,
        references=[
            pb.Reference(name=r.name, subject=r.subject, version=r.version)
            for r in schema.references
        ],
    )
    if schema.metadata is not None:
        found.metadata.CopyFrom(shapes.metadata_message(schema.metadata))
    if schema.rule_set is not None:
        found.rule_set.CopyFrom(shapes.rule_set_message(schema.rule_set))
    return found


def version_message(version: StoredVersion, text: str | None = None) -> pb.SubjectVersion:
    found = pb.SubjectVersion(
        subject=version.subject,
        version=version.version,
        schema=schema_message(version.schema, text),
        ts=version.ts,
        deleted=version.deleted,
        state=shapes.state_value(version.state),
    )
    if version.sunset_date is not None:
        found.sunset_date = version.sunset_date
    if version.reason is not None:
        found.reason = version.reason
    return found


def violations(found: Iterable[Violation]) -> list[pb.PolicyViolation]:
    return [
        pb.PolicyViolation(policy=v.policy, action=v.action, path=v.path, message=v.message)
        for v in found
    ]


def registered(version: StoredVersion, warnings: Iterable[Violation]) -> pb.RegisterSchemaResponse:
    return pb.RegisterSchemaResponse(
        id=public_id(version.schema.id),
        version=version.version,
        guid=version.schema.guid,
        state=shapes.state_value(version.state),
        ts=version.ts,
        warnings=violations(warnings),
    )


# ---- validation ----------------------------------------------------------------------------


def records(texts: Iterable[str], first: int = 0) -> list[Any]:
    """Records from their JSON texts (`first`: the index of the first, for messages)."""
    found = []
    for index, text in enumerate(texts, start=first):
        try:
            found.append(orjson.loads(text))
        except orjson.JSONDecodeError as error:
            raise InvalidValidationRequestError(f"Record {index} is not JSON: {error}") from None
    return found


def record_result(result: ValidationResult) -> pb.RecordResult:
    return pb.RecordResult(
        valid=result.valid,
        errors=[pb.Problem(path=e.path, message=e.message) for e in result.errors],
        warnings=[pb.RuleWarning(rule=w.rule, message=w.message) for w in result.warnings],
    )


def llm_output_reply(found: dict[str, Any]) -> pb.ValidateDataResponse:
    """`llm_output_result`'s answer (REST's body for `llm_output`) as a message."""
    result = pb.RecordResult(
        valid=bool(found["valid"]),
        errors=[pb.Problem(path=e["path"], message=e["message"]) for e in found["errors"]],
        warnings=[pb.RuleWarning(rule=w["rule"], message=w["message"]) for w in found["warnings"]],
    )
    details = pb.LlmOutputDetails(source=found["source"], notes=found["notes"])
    if found["extracted"] is not None:
        details.extracted = orjson.dumps(found["extracted"]).decode()
    if found["repair_prompt"] is not None:
        details.repair_prompt = found["repair_prompt"]
    return pb.ValidateDataResponse(results=[result], llm_output=details)
