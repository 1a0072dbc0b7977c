"""One field list per event, rendered as both JSON Schema and Avro so the two stay alike.

JSON Schema properties keep OpenTelemetry's dotted attribute names (`gen_ai.request.model`);
Avro names cannot hold dots, so there they become underscores and the field's doc names the
attribute.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str  # the JSON property name (an OTel attribute where one exists)
    kind: str  # string | long | int | double | boolean | timestamp | strings | enum
    doc: str
    optional: bool = False
    symbols: tuple[str, ...] = ()  # enum only
    enum_name: str = ""  # enum only: the Avro enum type name

    @property
    def avro_name(self) -> str:
        return self.name.replace(".", "_")


_JSON_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "long": {"type": "integer", "minimum": 0},
    "int": {"type": "integer"},
    "double": {"type": "number"},
    "boolean": {"type": "boolean"},
    "timestamp": {"type": "string", "format": "date-time"},
    "strings": {"type": "array", "items": {"type": "string"}},
}
_AVRO_TYPES: dict[str, Any] = {
    "string": "string",
    "long": "long",
    "int": "int",
    "double": "double",
    "boolean": "boolean",
    "timestamp": {"type": "long", "logicalType": "timestamp-millis"},
    "strings": {"type": "array", "items": "string"},
}


def json_schema(title: str, description: str, fields: list[Field]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for field in fields:
        if field.kind == "enum":
            spec: dict[str, Any] = {"type": "string", "enum": list(field.symbols)}
        else:
            spec = dict(_JSON_TYPES[field.kind])
        if field.optional:
            spec = {"anyOf": [spec, {"type": "null"}]}
        properties[field.name] = {**spec, "description": field.doc}
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        "description": description,
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if not f.optional],
        "additionalProperties": False,
    }


def avro_schema(name: str, namespace: str, doc: str, fields: list[Field]) -> dict[str, Any]:
    rendered = []
    for field in fields:
        if field.kind == "enum":
            kind: Any = {"type": "enum", "name": field.enum_name, "symbols": list(field.symbols)}
        else:
            kind = _AVRO_TYPES[field.kind]
        entry: dict[str, Any] = {"name": field.avro_name, "doc": field.doc}
        if field.optional:
            entry.update(type=["null", kind], default=None)
        else:
            entry["type"] = kind
        rendered.append(entry)
    return {"type": "record", "name": name, "namespace": namespace, "doc": doc, "fields": rendered}
