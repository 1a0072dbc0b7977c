"""Protobuf data in the proto3 JSON mapping, checked by the protobuf runtime's parser (plain
valid records by `fast_check` alone)."""

from __future__ import annotations

import re
from typing import Any

from google.protobuf import json_format, message_factory

from llm_schema_registry.formats.base import DataError, json_path
from llm_schema_registry.formats.protobuf.fast_check import FastCheck
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema

_FIELD = re.compile(r"Failed to parse (\w+) field")
_UNKNOWN = re.compile(r'has no field named "([^"]+)"')


class ProtobufData:
    """A `DataValidator` for the messages of one schema file; `message` picks one by full
    name, else the file's first message is checked."""

    def __init__(self, schema: ProtobufSchema) -> None:
        self._pool = schema.pool  # the file linked with its imports
        package = schema.file.package
        self._first = (
            f"{package}.{schema.file.message_type[0].name}".lstrip(".")
            if (schema.file.message_type)
            else None
        )
        self._fast: dict[str, FastCheck] = {}  # by message name

    def errors(self, datum: Any, message: str | None = None) -> list[DataError]:
        name = message or self._first
        fast = self._fast.get(name) if name is not None else None
        if fast is not None and isinstance(datum, dict) and fast.accepts(datum):
            return []  # a message type already found (the pool does not change): no lookup
        if name is None:
            return [DataError("$", "the schema defines no message")]
        try:
            descriptor = self._pool.FindMessageTypeByName(name)
        except KeyError:
            return [DataError("$", f"the schema has no message named '{name}'")]
        if not isinstance(datum, dict):
            return [DataError("$", f"expected a JSON object for {name}")]
        fast = self._fast.get(name)
        if fast is None:
            fast = self._fast[name] = FastCheck(descriptor)
        if fast.accepts(datum):
            return []
        try:
            json_format.ParseDict(datum, message_factory.GetMessageClass(descriptor)())
        except json_format.ParseError as error:
            text = str(error)
            path: list[str | int] = list(_FIELD.findall(text))
            path += _UNKNOWN.findall(text)
            return [DataError(json_path(path), text)]
        return []
