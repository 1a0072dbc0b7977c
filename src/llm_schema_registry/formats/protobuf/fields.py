"""The fields a `.proto` file declares, read from its compiled descriptor.

Messages are walked as declared: a nested message's fields sit one level deeper than its
parent's (`Person.Inner.dob`, depth 2), whether or not a field uses it. Paths leave the
package out; map fields count as fields (their synthetic entry messages are not walked);
oneof members are fields of their message. Imported files belong to their own schemas.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llm_schema_registry.formats.base import FieldInfo
from llm_schema_registry.formats.protobuf.schema import ProtobufSchema


def fields(schema: ProtobufSchema) -> Iterator[FieldInfo]:
    for message in schema.file.message_type:
        yield from _message(message, "", 1)


def _message(message: Any, scope: str, depth: int) -> Iterator[FieldInfo]:
    path = f"{scope}.{message.name}" if scope else str(message.name)
    for field in message.field:
        yield FieldInfo(f"{path}.{field.name}", str(field.name), depth, path)
    for nested in message.nested_type:
        if not nested.options.map_entry:
            yield from _message(nested, path, depth + 1)
