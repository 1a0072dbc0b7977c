"""The SDK's REST-shaped calls as RPCs of `llm_schema_registry.v1.SchemaRegistry`.

Every SDK method is written once (`methods.py`) as `Call`s of the REST API. With a
`grpc://host:port` URL the clients hand each call to `translate`, which names the RPC, builds
its request and reads its reply back into the JSON REST would have answered, so the methods
and their caches run unchanged. Calls the gRPC API does not serve (configuration, governance,
export, signatures) raise `InvalidRequestError` naming them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from google.protobuf.message import Message

from llm_schema_registry.client.errors import InvalidRequestError
from llm_schema_registry.client.transport import Call
from llm_schema_registry.rpc import shapes
from llm_schema_registry.rpc.v1 import registry_pb2 as pb

Decode = Callable[[Any], Any]


@dataclass(frozen=True)
class Translation:
    """One call as an RPC: its name, request, reply type, and the reply read as REST JSON."""

    rpc: str
    request: Message
    reply: type[Message]
    decode: Decode


def _version(text: str) -> int | None:
    """A path's version: None for latest; a number (0 for anything else: the registry's
    invalid-version error)."""
    if text == "latest":
        return None
    return int(text) if text.lstrip("-").isdigit() else 0


def _schema_fields(body: Mapping[str, Any]) -> dict[str, Any]:
    """A REST schema body (registration, lookup, compatibility) as request fields."""
    try:
        kind = shapes.schema_type_value(str(body.get("schemaType") or "AVRO"))
    except ValueError:
        raise InvalidRequestError(f"Invalid schemaType '{body.get('schemaType')}'") from None
    fields: dict[str, Any] = {
        "schema": body["schema"],
        "schema_type": kind,
        "references": shapes.reference_messages(body.get("references") or []),
    }
    if body.get("metadata") is not None:
        fields["metadata"] = shapes.metadata_message(body["metadata"])
    if body.get("ruleSet") is not None:
        fields["rule_set"] = shapes.rule_set_message(body["ruleSet"])
    return fields


def _flag(params: Mapping[str, Any] | None, name: str) -> bool:
    return str((params or {}).get(name, "")).lower() == "true"


def _register(call: Call, subject: str) -> Translation:
    request = pb.RegisterSchemaRequest(
        subject=subject, normalize=_flag(call.params, "normalize"), **_schema_fields(call.body)
    )

    def decode(reply: pb.RegisterSchemaResponse) -> dict[str, Any]:
        return {"id": reply.id, "version": reply.version, "guid": reply.guid}

    return Translation("RegisterSchema", request, pb.RegisterSchemaResponse, decode)


def _schema_by_id(call: Call, schema_id: str) -> Translation:
    request = pb.GetSchemaByIdRequest(id=int(schema_id))
    return Translation("GetSchemaById", request, pb.Schema, shapes.schema_json)


def _version_of(call: Call, subject: str, version: str) -> Translation:
    request = pb.GetVersionRequest(subject=subject, version=_version(version))
    return Translation("GetVersion", request, pb.SubjectVersion, shapes.version_json)


def _subjects(call: Call) -> Translation:
    prefix = str((call.params or {}).get("subjectPrefix") or "")
    request = pb.ListSubjectsRequest(prefix=prefix)
    return Translation("ListSubjects", request, pb.ListSubjectsResponse, _subjects_json)


def _subjects_json(reply: pb.ListSubjectsResponse) -> list[str]:
    return list(reply.subjects)


def _versions(call: Call, subject: str) -> Translation:
    request = pb.ListVersionsRequest(subject=subject)
    return Translation("ListVersions", request, pb.ListVersionsResponse, _versions_json)


def _versions_json(reply: pb.ListVersionsResponse) -> list[int]:
    return list(reply.versions)


def _lookup(call: Call, subject: str) -> Translation:
    request = pb.LookupSchemaRequest(subject=subject, **_schema_fields(call.body))
    return Translation("LookupSchema", request, pb.SubjectVersion, shapes.version_json)


def _compatibility(call: Call, subject: str, version: str | None = None) -> Translation:
    if (call.params or {}).get("samples"):  # the gRPC contract has no samples report
        raise InvalidRequestError(
            "replaying samples is not served over gRPC: use the registry's REST URL "
            "(http:// or https://) for check_compatibility(samples=True)"
        )
    against = None if version is None else (_version(version) or -1)
    request = pb.CheckCompatibilityRequest(
        subject=subject, version=against, **_schema_fields(call.body)
    )

    def decode(reply: pb.CheckCompatibilityResponse) -> dict[str, Any]:
        return {"is_compatible": reply.is_compatible, "messages": list(reply.messages)}

    return Translation("CheckCompatibility", request, pb.CheckCompatibilityResponse, decode)


def _validate(call: Call) -> Translation:
    body: Mapping[str, Any] = call.body
    version = body.get("version")
    target = pb.ValidationTarget(
        schema_id=body.get("schema_id"),
        subject=body.get("subject") or "",
        version=None if version is None else _version(str(version)),
        message=body.get("message") or "",
    )
    request = pb.ValidateDataRequest(target=target)
    if body.get("llm_output") is not None:
        request.llm_output = body["llm_output"]
    elif body.get("records") is not None:
        request.batch.records.extend(json.dumps(record) for record in body["records"])
    else:
        request.record = json.dumps(body.get("data"))
    batch = body.get("records") is not None
    return Translation("ValidateData", request, pb.ValidateDataResponse, _results(batch))


def _results(batch: bool) -> Decode:
    def decode(reply: pb.ValidateDataResponse) -> Any:
        results = [shapes.record_result_json(result) for result in reply.results]
        if batch:
            return {"results": results}
        found: dict[str, Any] = results[0]
        if reply.HasField("llm_output"):
            details = reply.llm_output
            extracted = details.extracted if details.HasField("extracted") else None
            found.update(
                extracted=None if extracted is None else json.loads(extracted),
                source=details.source,
                notes=list(details.notes),
                repair_prompt=(
                    details.repair_prompt if details.HasField("repair_prompt") else None
                ),
            )
        return found

    return decode


SUBJECT = "(?P<subject>[^/]+)"
VERSION = "(?P<version>[^/]+)"
_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Translation]]] = [
    ("POST", re.compile(f"/subjects/{SUBJECT}/versions"), _register),
    ("GET", re.compile(r"/schemas/ids/(?P<schema_id>\d+)"), _schema_by_id),
    ("GET", re.compile(f"/subjects/{SUBJECT}/versions/{VERSION}"), _version_of),
    ("GET", re.compile("/subjects"), _subjects),
    ("GET", re.compile(f"/subjects/{SUBJECT}/versions"), _versions),
    ("POST", re.compile(f"/subjects/{SUBJECT}"), _lookup),
    ("POST", re.compile(f"/compatibility/subjects/{SUBJECT}/versions/{VERSION}"), _compatibility),
    ("POST", re.compile(f"/compatibility/subjects/{SUBJECT}/versions"), _compatibility),
    ("POST", re.compile("/validate"), _validate),
]


def translate(call: Call) -> Translation:
    """`call` as an RPC (see the module docstring)."""
    for method, pattern, build in _ROUTES:
        found = pattern.fullmatch(call.path) if method == call.method else None
        if found is not None:
            return build(call, **{k: unquote(v) for k, v in found.groupdict().items()})
    raise InvalidRequestError(
        f"{call.method} {call.path} is not served over gRPC: use the registry's REST URL "
        "(http:// or https://) for this method"
    )
