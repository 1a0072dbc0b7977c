"""A quick proof that a record (Avro's JSON encoding) is valid, before `data.py` walks it.

`data.py` walks a record building a path for every value it visits, so that every problem
can be reported where it is: most of what validating a batch of Avro records costs. Records
of a batch are mostly valid, so this checker, compiled once per schema, accepts those on its
own. It answers True only when `data.py` would find no problem, and False ("not sure") for
everything else, which `data.py` then walks as before and alone words: what callers see does
not change. It is stricter than `data.py` where that is simpler: exact JSON types only, and
a union value of one key (maybe the `{"<branch>": value}` form) is always left to `data.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_INT_RANGE = {"int": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


def _never(_value: Any) -> bool:
    return False


def _number(value: Any) -> bool:
    # data.py takes any int or float (NaN and infinities too) for float and double
    return type(value) is int or type(value) is float


_PRIMITIVE: dict[str, Check] = {
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
    "float": _number,
    "double": _number,
    "string": lambda v: type(v) is str,
    "bytes": lambda v: type(v) is str or type(v) is bytes,
}


def _integer(kind: str) -> Check:
    low, high = _INT_RANGE[kind]
    return lambda v: type(v) is int and low <= v <= high


class FastCheck:
    """Valid records of one schema (fastavro's parsed form), accepted without a walk."""

    def __init__(self, parsed: Any, named: dict[str, Any]) -> None:
        self._named = named
        self._records: dict[str, Check] = {}  # by full name, for recursive types
        self._root = self._compile(parsed)

    def accepts(self, datum: Any) -> bool:
        """True: `data.py` finds nothing wrong with `datum`. False: not sure (ask it)."""
        try:
            return self._root(datum)
        except RecursionError:
            return False

    def _resolve(self, schema: Any) -> tuple[Any, str]:
        """(schema, kind) as `data._check` reaches them: a name looked up only when the
        schema is the name itself, a type given as a schema followed."""
        while True:
            if isinstance(schema, str) and schema in self._named:
                schema = self._named[schema]
            if isinstance(schema, list):
                return schema, "union"
            kind = schema if isinstance(schema, str) else schema["type"]
            if not isinstance(kind, dict | list):
                return schema, kind
            schema = kind

    def _compile(self, schema: Any) -> Check:
        schema, kind = self._resolve(schema)
        if kind == "union":
            return self._union(schema)
        if kind in _PRIMITIVE:
            return _PRIMITIVE[kind]
        if kind in _INT_RANGE:
            return _integer(kind)
        if isinstance(schema, str):
            return _never  # a complex kind without its schema: data.py decides
        if kind == "record":
            return self._record(schema)
        if kind == "enum":
            symbols = frozenset(s for s in schema["symbols"] if isinstance(s, str))
            return lambda v: type(v) is str and v in symbols
        if kind == "fixed":
            size = schema["size"]
            # data.py compares the latin-1 length, "replace" making it one byte a character
            return lambda v: type(v) is str and len(v) == size
        if kind == "array":
            item = self._compile(schema["items"])
            return lambda v: type(v) is list and all(map(item, v))
        if kind == "map":
            value = self._compile(schema["values"])
            return lambda v: type(v) is dict and all(map(value, v.values()))
        return _never  # an unknown type: always an error

    def _record(self, schema: dict[str, Any]) -> Check:
        name = str(schema.get("name"))
        if name in self._records:  # being compiled (a recursive type) or compiled: bind late
            records = self._records
            return lambda v: records[name](v)
        self._records[name] = _never
        fields = {field["name"]: self._compile(field["type"]) for field in schema["fields"]}
        required = frozenset(f["name"] for f in schema["fields"] if "default" not in f)
        count = len(fields)

        def check(value: Any) -> bool:
            if type(value) is not dict:
                return False
            for key, item in value.items():
                field = fields.get(key)
                if field is None or not field(item):
                    return False  # an unknown field, or a bad value
            # every key is a field: all are there, or at least those without a default
            return len(value) == count or required.issubset(value)

        self._records[name] = check
        return check

    def _union(self, branches: list[Any]) -> Check:
        # data.py tries branches in order until one has no problem; a branch it has to walk
        # into is only passed over here when it is valid, so that nothing data.py would meet
        # in an earlier branch (its one-key-object handling can raise) is skipped unseen.
        tried = [(self._compile(branch), self._walked(branch)) for branch in branches]

        def check(value: Any) -> bool:
            if type(value) is dict and len(value) == 1:
                return False  # perhaps {"<branch>": value}: data.py decides
            for branch, walked in tried:
                if branch(value):
                    return True
                if walked(value):
                    return False
            return False

        return check

    def _walked(self, schema: Any) -> Check:
        """Whether data.py goes beyond the type test of `schema` for a value."""
        _, kind = self._resolve(schema)
        if kind == "union":
            return lambda _v: True
        if kind in ("record", "map"):
            return lambda v: isinstance(v, dict)
        if kind == "array":
            return lambda v: isinstance(v, list)
        if kind == "fixed":
            return lambda v: isinstance(v, bytes)  # bytes have no `encode`: data.py raises
        return _never
