"""The REST API's JSON objects as messages of the gRPC contract, and back.

Both sides use these: the server's gRPC edge turns stored metadata and rule sets into
messages and requests back into the JSON the registry stores; the SDK's gRPC transport turns
the REST-shaped bodies its methods build into requests and replies back into REST JSON. Keys
absent in JSON stay unset in messages (optional fields) and the other way round; empty maps
and lists are left out, as the JSON of a registry that never stored them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, cast

from llm_schema_registry.rpc.v1 import registry_pb2 as pb

SCHEMA_TYPE_PREFIX = "SCHEMA_TYPE_"
STATE_PREFIX = "LIFECYCLE_STATE_"
UNSPECIFIED = "UNSPECIFIED"
# Rule fields that are text when present, by their JSON names (the messages' json_name).
_RULE_TEXTS = {
    "doc": "doc",
    "kind": "kind",
    "mode": "mode",
    "expr": "expr",
    "onSuccess": "on_success",
    "onFailure": "on_failure",
}
_RULE_LISTS = {
    "migrationRules": "migration_rules",
    "domainRules": "domain_rules",
    "encodingRules": "encoding_rules",
}


# ---- enums ---------------------------------------------------------------------------------


def schema_type_name(value: int, default: str = "AVRO") -> str:
    """`SCHEMA_TYPE_JSON` -> "JSON"; unspecified -> `default` (REST's AVRO)."""
    name = pb.SchemaType.Name(value).removeprefix(SCHEMA_TYPE_PREFIX)
    return default if name == UNSPECIFIED else name


def schema_type_value(name: str) -> pb.SchemaType:
    """`"JSON"` -> `SCHEMA_TYPE_JSON`; ValueError for a type the contract does not name."""
    return cast("pb.SchemaType", pb.SchemaType.Value(SCHEMA_TYPE_PREFIX + name.upper()))


def state_name(value: int) -> str | None:
    """`LIFECYCLE_STATE_DRAFT` -> "DRAFT"; unspecified -> None."""
    name = pb.LifecycleState.Name(value).removeprefix(STATE_PREFIX)
    return None if name == UNSPECIFIED else name


def state_value(name: str | None) -> pb.LifecycleState:
    """`"DRAFT"` -> `LIFECYCLE_STATE_DRAFT`; None -> unspecified."""
    found = pb.LifecycleState.Value(STATE_PREFIX + (name or UNSPECIFIED).upper())
    return cast("pb.LifecycleState", found)


# ---- references, metadata, rule sets -------------------------------------------------------


def reference_messages(references: Iterable[Mapping[str, Any]]) -> list[pb.Reference]:
    return [
        pb.Reference(name=str(r["name"]), subject=str(r["subject"]), version=int(r["version"]))
        for r in references
    ]


def references_json(references: Iterable[pb.Reference]) -> list[dict[str, Any]]:
    return [{"name": r.name, "subject": r.subject, "version": r.version} for r in references]


def metadata_message(metadata: Mapping[str, Any]) -> pb.Metadata:
    """Confluent's metadata object (values that are not text are written as text)."""
    tags = metadata.get("tags") or {}
    return pb.Metadata(
        tags={str(path): pb.Tags(tags=[str(t) for t in names]) for path, names in tags.items()},
        properties={str(k): str(v) for k, v in (metadata.get("properties") or {}).items()},
        sensitive=[str(name) for name in metadata.get("sensitive") or []],
    )


def metadata_json(metadata: pb.Metadata) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if metadata.tags:
        found["tags"] = {path: list(names.tags) for path, names in metadata.tags.items()}
    if metadata.properties:
        found["properties"] = dict(metadata.properties)
    if metadata.sensitive:
        found["sensitive"] = list(metadata.sensitive)
    return found


def rule_message(rule: Mapping[str, Any]) -> pb.Rule:
    message = pb.Rule(
        name=str(rule.get("name") or ""),
        type=str(rule.get("type") or ""),
        tags=[str(tag) for tag in rule.get("tags") or []],
        params={str(k): str(v) for k, v in (rule.get("params") or {}).items()},
    )
    for key, field in _RULE_TEXTS.items():
        if rule.get(key) is not None:
            setattr(message, field, str(rule[key]))
    if rule.get("disabled") is not None:
        message.disabled = bool(rule["disabled"])
    return message


def rule_json(rule: pb.Rule) -> dict[str, Any]:
    found: dict[str, Any] = {"name": rule.name}
    for key, field in _RULE_TEXTS.items():
        if rule.HasField(field):
            found[key] = getattr(rule, field)
    found["type"] = rule.type
    if rule.tags:
        found["tags"] = list(rule.tags)
    if rule.params:
        found["params"] = dict(rule.params)
    if rule.HasField("disabled"):
        found["disabled"] = rule.disabled
    return found


def rule_set_message(rule_set: Mapping[str, Any]) -> pb.RuleSet:
    return pb.RuleSet(
        **{
            field: [rule_message(rule) for rule in rule_set.get(key) or []]
            for key, field in _RULE_LISTS.items()
        }
    )


def rule_set_json(rule_set: pb.RuleSet) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, field in _RULE_LISTS.items():
        rules = getattr(rule_set, field)
        if rules:
            found[key] = [rule_json(rule) for rule in rules]
    return found


# ---- schemas and versions as REST JSON -----------------------------------------------------


def schema_json(schema: pb.Schema) -> dict[str, Any]:
    """`GET /schemas/ids/{id}`'s body, empty parts left out (`schemaType` always named)."""
    found: dict[str, Any] = {"schemaType": schema_type_name(schema.schema_type)}
    if schema.references:
        found["references"] = references_json(schema.references)
    if schema.HasField("metadata"):
        found["metadata"] = metadata_json(schema.metadata)
    if schema.HasField("rule_set"):
        found["ruleSet"] = rule_set_json(schema.rule_set)
    found["schema"] = schema.schema
    found["guid"] = schema.guid
    return found


def version_json(version: pb.SubjectVersion) -> dict[str, Any]:
    """`GET /subjects/{subject}/versions/{version}`'s body (as Confluent clients get it)."""
    found = schema_json(version.schema)
    return {
        "subject": version.subject,
        "version": version.version,
        "id": version.schema.id,
        **found,
    }


def record_result_json(result: pb.RecordResult) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "errors": [{"path": e.path, "message": e.message} for e in result.errors],
        "warnings": [{"rule": w.rule, "message": w.message} for w in result.warnings],
    }
