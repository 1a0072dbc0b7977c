"""Avro data (its JSON encoding) against a parsed schema, reporting every problem with a path.

fastavro's own validator stops at the first error and ignores unknown fields, so records are
walked here (over fastavro's parsed form, where named types are already resolved). A union
value may be given plainly or wrapped as `{"<branch>": value}`. Valid records are mostly
accepted by `fast_check` alone.
"""

from __future__ import annotations

import math
from typing import Any

from llm_schema_registry.formats.avro.fast_check import FastCheck
from llm_schema_registry.formats.base import DataError, json_path

_INT_RANGE = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


class AvroData:
    """A `DataValidator` for one Avro schema (fastavro's parsed form of it)."""

    def __init__(self, parsed: dict[str, Any]) -> None:
        self._schema = parsed
        self._named: dict[str, Any] = parsed.get("__named_schemas", {})
        self._fast = FastCheck(parsed, self._named)

    def errors(self, datum: Any, message: str | None = None) -> list[DataError]:
        if self._fast.accepts(datum):
            return []  # most records: valid, and proven so without a walk
        return self.problems(datum)

    def problems(self, datum: Any) -> list[DataError]:
        """Every problem with `datum`, found by walking it (what `errors` answers whenever
        the fast check is not sure)."""
        found: list[DataError] = []
        _check(self._schema, datum, [], self._named, found)
        return found


def _name(schema: Any) -> str:
    if isinstance(schema, str):
        return schema
    if isinstance(schema, list):
        return "union"
    return str(schema.get("name") or schema.get("type"))


def _check(
    schema: Any, datum: Any, path: list[str | int], named: dict[str, Any], found: list[DataError]
) -> None:
    if isinstance(schema, str) and schema in named:
        schema = named[schema]
    if isinstance(schema, list):
        _union(schema, datum, path, named, found)
        return
    kind = schema if isinstance(schema, str) else schema["type"]
    if isinstance(kind, dict | list):
        _check(kind, datum, path, named, found)
        return
    problem = _primitive(kind, datum)
    if problem is not None:
        found.append(DataError(json_path(path), problem))
        return
    if kind == "record":
        _record(schema, datum, path, named, found)
    elif kind == "enum" and datum not in schema["symbols"]:
        found.append(DataError(json_path(path), f"'{datum}' is not one of {schema['symbols']}"))
    elif kind == "array":
        for index, item in enumerate(datum):
            _check(schema["items"], item, [*path, index], named, found)
    elif kind == "map":
        for key, item in datum.items():
            _check(schema["values"], item, [*path, key], named, found)
    elif kind == "fixed" and len(datum.encode("latin-1", "replace")) != schema["size"]:
        found.append(DataError(json_path(path), f"expected {schema['size']} bytes"))


def _primitive(kind: str, datum: Any) -> str | None:
    """Why `datum` is not of `kind` at the top level (None when it is, or kind is complex)."""
    expected = {
        "null": datum is None,
        "boolean": isinstance(datum, bool),
        "int": isinstance(datum, int) and not isinstance(datum, bool),
        "long": isinstance(datum, int) and not isinstance(datum, bool),
        "float": isinstance(datum, int | float) and not isinstance(datum, bool),
        "double": isinstance(datum, int | float) and not isinstance(datum, bool),
        "string": isinstance(datum, str),
        "bytes": isinstance(datum, str | bytes),
        "fixed": isinstance(datum, str | bytes),
        "enum": isinstance(datum, str),
        "record": isinstance(datum, dict),
        "map": isinstance(datum, dict),
        "array": isinstance(datum, list),
    }.get(kind)
    if expected is None:
        return f"unknown type {kind}"
    if not expected:
        return f"expected {kind}, got {_json_type(datum)}"
    if kind in _INT_RANGE:
        low, high = _INT_RANGE[kind]
        if not low <= datum <= high:
            return f"{datum} is out of range for {kind}"
    if kind in ("float", "double") and isinstance(datum, float) and math.isnan(datum):
        return None
    return None


def _record(
    schema: dict[str, Any],
    datum: dict[str, Any],
    path: list[str | int],
    named: dict[str, Any],
    found: list[DataError],
) -> None:
    known = {field["name"] for field in schema["fields"]}
    for field in schema["fields"]:
        if field["name"] in datum:
            _check(field["type"], datum[field["name"]], [*path, field["name"]], named, found)
        elif "default" not in field:
            found.append(DataError(json_path([*path, field["name"]]), "required field is missing"))
    for extra in sorted(set(datum) - known):
        found.append(DataError(json_path([*path, extra]), f"unknown field of {_name(schema)}"))


def _union(
    branches: list[Any],
    datum: Any,
    path: list[str | int],
    named: dict[str, Any],
    found: list[DataError],
) -> None:
    if isinstance(datum, dict) and len(datum) == 1:
        ((branch_name, inner),) = datum.items()
        for branch in branches:
            resolved = named.get(branch, branch) if isinstance(branch, str) else branch
            if _name(branch) == branch_name or _name(resolved) == branch_name:
                _check(branch, inner, path, named, found)
                return
    for branch in branches:
        trial: list[DataError] = []
        _check(branch, datum, path, named, trial)
        if not trial:
            return
    names = ", ".join(_name(b) for b in branches)
    found.append(DataError(json_path(path), f"matches no branch of the union [{names}]"))


def _json_type(datum: Any) -> str:
    if datum is None:
        return "null"
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(datum), type(datum).__name__)
