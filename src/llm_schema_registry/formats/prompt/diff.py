"""How two prompt templates compare: the calls they accept and the answers they ask for.

- Variables. A call is a JSON object checked against the variables schema, so the JSON
  Schema format's rules apply as they are. BACKWARD (the new version reads the old one's
  calls): every call valid for the old version is valid for, and renders with, the new one
  = JSON `can_read(reader=new.variables, writer=old.variables)`; a new required variable, a
  narrowed type or enum breaks it. FORWARD is the mirror.
- Output schema. Judged by the JSON Schema format, the rules of the subject it is registered
  under, in the same direction. None means "any answer": adding one where there was none
  narrows the answers (breaks BACKWARD), removing one widens them (breaks FORWARD).
- Messages, model settings, description: listed by `differences`, compatible both ways,
  since they change what is sent, not which calls are accepted.
"""

from __future__ import annotations

import re
from typing import Any

from llm_schema_registry.formats.base import Change, Incompatibility
from llm_schema_registry.formats.jsonschema import JsonSchemaFormat
from llm_schema_registry.formats.prompt.model import PromptSchema

VARIABLES, OUTPUT = "#/variables", "#/output_schema"
_JSON = JsonSchemaFormat()
_VARIABLE = re.compile(r"^#/properties/([^/]+)")


def _variable_name(path: str) -> str:
    """The variable (top-level property) a JSON pointer into the variables schema is under."""
    found = _VARIABLE.match(path)
    return found.group(1).replace("~1", "/").replace("~0", "~") if found else ""


def _within(prefix: str, path: str) -> str:
    return prefix + path.removeprefix("#")


def _repath(prefix: str, message: str) -> str:
    """A JSON format message with its `'#/...'` pointers made relative to the prompt."""
    return message.replace("'#/", f"'{prefix}/")


def _about(name: str, what: str, text: str) -> str:
    return f"{what} '{name}': {text}" if name else f"{what}: {text}"


def can_read(reader: PromptSchema, writer: PromptSchema) -> list[Incompatibility]:
    """Why calls (and answers) of `writer` may be refused by `reader` (empty: they are not)."""
    found = [
        Incompatibility(
            issue.kind,
            _within(VARIABLES, issue.path),
            _about(_variable_name(issue.path), "Variable", _repath(VARIABLES, issue.message)),
        )
        for issue in _JSON.can_read(reader.variables, writer.variables)
    ]
    if reader.output_schema is None or reader.output is None:
        return found
    if writer.output_schema is None:
        message = f"an output schema ({_where(reader)}) now constrains answers that were free"
        return [*found, Incompatibility("OUTPUT_SCHEMA_ADDED", OUTPUT, message)]
    return found + [
        Incompatibility(
            issue.kind,
            _within(OUTPUT, issue.path),
            f"Output schema ({_where(reader)}): {_repath(OUTPUT, issue.message)}",
        )
        for issue in _JSON.can_read(reader.output_schema, writer.output_schema)
    ]


def differences(old: PromptSchema, new: PromptSchema) -> list[Change]:
    """Every change from `old` to `new`, judged both ways."""
    changes = [
        Change(
            _within(VARIABLES, change.path),
            change.kind,
            change.backward,
            change.forward,
            _variable_name(change.path) or change.name,
            _about(_variable_name(change.path), "Variable", change.description),
        )
        for change in _JSON.differences(old.variables, new.variables)
    ]
    return changes + _output(old, new) + _messages(old, new) + _settings(old, new)


def _where(prompt: PromptSchema) -> str:
    output = prompt.output
    return f"{output.subject} version {output.version}" if output else "none"


def _output(old: PromptSchema, new: PromptSchema) -> list[Change]:
    if old.output_schema is None and new.output_schema is None:
        return []
    if old.output_schema is None:
        text = f"Output schema added: {_where(new)}"
        return [Change(OUTPUT, "OUTPUT_SCHEMA_ADDED", True, False, "output_schema", text)]
    if new.output_schema is None:
        text = f"Output schema removed (was {_where(old)})"
        return [Change(OUTPUT, "OUTPUT_SCHEMA_REMOVED", False, True, "output_schema", text)]
    changes = []
    if _where(old) != _where(new):
        text = f"Output schema moved from {_where(old)} to {_where(new)}"
        changes.append(Change(OUTPUT, "OUTPUT_SCHEMA_CHANGED", False, False, "output_schema", text))
    for change in _JSON.differences(old.output_schema, new.output_schema):
        text = f"Output schema: {change.description}"
        path = _within(OUTPUT, change.path)
        changes.append(
            Change(path, change.kind, change.backward, change.forward, change.name, text)
        )
    return changes


def _messages(old: PromptSchema, new: PromptSchema) -> list[Change]:
    changes = []
    for index in range(max(len(old.messages), len(new.messages))):
        before = old.messages[index] if index < len(old.messages) else None
        after = new.messages[index] if index < len(new.messages) else None
        path = f"#/messages/{index}"
        if before is None and after is not None:
            text = f"{after.role} message {index + 1} added"
            changes.append(Change(path, "MESSAGE_ADDED", False, False, after.role, text))
        elif after is None and before is not None:
            text = f"{before.role} message {index + 1} removed"
            changes.append(Change(path, "MESSAGE_REMOVED", False, False, before.role, text))
        elif before and after and (before.role, before.source) != (after.role, after.source):
            text = f"{after.role} message {index + 1} changed"
            changes.append(Change(path, "MESSAGE_CHANGED", False, False, after.role, text))
    return changes


def _settings(old: PromptSchema, new: PromptSchema) -> list[Change]:
    changes = []
    before: dict[str, Any] = {**old.settings, "description": old.document.get("description")}
    after: dict[str, Any] = {**new.settings, "description": new.document.get("description")}
    for key in sorted(set(before) | set(after)):
        if before.get(key) == after.get(key):
            continue
        if key == "description":
            text = "Description changed"
            changes.append(Change("#/description", "DESCRIPTION_CHANGED", False, False, key, text))
            continue
        kind = (
            "MODEL_SETTING_ADDED"
            if key not in before
            else "MODEL_SETTING_REMOVED"
            if key not in after
            else "MODEL_SETTING_CHANGED"
        )
        text = f"Model setting '{key}': {before.get(key)!r} -> {after.get(key)!r}"
        changes.append(Change(f"#/model/{key}", kind, False, False, key, text))
    return changes
