"""Rows to registry records and back: how schema and version rows are encoded."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Any

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.model import (
    NewSchema,
    Reference,
    SchemaId,
    StoredSchema,
    SubjectVersion,
)


def now_ms() -> int:
    return int(time.time() * 1000)


def schema_from_row(row: Any) -> StoredSchema:
    refs = tuple(
        Reference(r["name"], r["subject"], r["version"]) for r in json.loads(row.references_json)
    )
    return StoredSchema(
        id=SchemaId(row.id),
        guid=row.guid,
        schema_type=SchemaType(row.schema_type),
        text=row.text,
        content_hash=row.content_hash,
        references=refs,
        metadata=json.loads(row.metadata_json) if row.metadata_json else None,
        rule_set=json.loads(row.rule_set_json) if row.rule_set_json else None,
    )


def version_from_row(row: Any, schema: StoredSchema) -> SubjectVersion:
    """A subject_versions row holding `schema` (the version's own metadata edit applied)."""
    if row.metadata_override is not None:
        # Governance metadata edited in place replaces the schema's for this version.
        schema = dataclasses.replace(schema, metadata=json.loads(row.metadata_override))
    return SubjectVersion(
        subject=row.subject,
        version=row.version,
        schema=schema,
        deleted=bool(row.deleted),
        ts=row.ts,
        state=row.state,
        sunset_date=row.sunset_date,
        reason=row.reason,
    )


def schema_values(schema: NewSchema, new_id: Any) -> dict[str, Any]:
    """Every column of a new schemas row; `new_id` a number or an SQL expression."""
    return {
        "id": new_id,
        "guid": str(uuid.uuid4()),
        "schema_type": schema.schema_type.value,
        "text": schema.text,
        "identity_hash": schema.identity_hash,
        "content_hash": schema.content_hash,
        "references_json": json.dumps([ref.as_json() for ref in schema.references]),
        "metadata_json": json.dumps(schema.metadata) if schema.metadata is not None else None,
        "rule_set_json": json.dumps(schema.rule_set) if schema.rule_set is not None else None,
        "created_ms": now_ms(),
    }


def stored_from_values(schema: NewSchema, values: dict[str, Any]) -> StoredSchema:
    """What a row just inserted from `schema_values` reads back as."""
    return StoredSchema(
        id=SchemaId(values["id"]),
        guid=values["guid"],
        schema_type=schema.schema_type,
        text=schema.text,
        content_hash=schema.content_hash,
        references=schema.references,
        metadata=schema.metadata,
        rule_set=schema.rule_set,
    )
