"""Protobuf data in the proto3 JSON mapping, checked by the protobuf runtime's parser."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import descriptor_pool, json_format, message_factory

from llm_schema_registry.validation.result import Issue, json_path

_FIELD = re.compile(r"Failed to parse (\w+) field")
_UNKNOWN = re.compile(r'has no field named "([^"]+)"')


class ProtobufData:
    """Messages of one schema file; `message` picks one, else the file's first message."""

    def __init__(self, schema: Any) -> None:
        self._pool = descriptor_pool.DescriptorPool()
        added: set[str] = set()
        for dependency in schema.dependencies:
            if dependency.name not in added:
                self._pool.Add(dependency)
                added.add(dependency.name)
        self._file = self._pool.Add(schema.file)
        package = schema.file.package
        self._first = (
            f"{package}.{schema.file.message_type[0].name}".lstrip(".")
            if (schema.file.message_type)
            else None
        )

    def errors(self, record: Any, message: str | None = None) -> list[Issue]:
        name = message or self._first
        if name is None:
            return [Issue("$", "the schema defines no message")]
        try:
            descriptor = self._pool.FindMessageTypeByName(name)
        except KeyError:
            return [Issue("$", f"the schema has no message named '{name}'")]
        if not isinstance(record, dict):
            return [Issue("$", f"expected a JSON object for {name}")]
        try:
            json_format.ParseDict(record, message_factory.GetMessageClass(descriptor)())
        except json_format.ParseError as error:
            text = str(error)
            path: list[str | int] = list(_FIELD.findall(text))
            path += _UNKNOWN.findall(text)
            return [Issue(json_path(path), text)]
        return []
