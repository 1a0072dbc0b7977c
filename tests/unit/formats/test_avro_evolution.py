"""A written table of Avro evolutions, each checked in all seven compatibility modes.

Every case states two facts: can the new schema read data written with the old one
(`new_reads_old`), and can the old schema read data written with the new one
(`old_reads_new`). Each mode's verdict follows from them. Transitive modes get a history
whose latest version equals the new schema, so only the older version can break them,
while the non-transitive modes (which look at the latest only) must then pass.
Apache `avro.compatibility` serves as an oracle except where it is known to differ from Java.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import avro.schema
import pytest
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.avro import AvroFormat

FMT = AvroFormat()


def rec(
    *fields: dict[str, Any], name: str = "R", namespace: str | None = None, **extra: Any
) -> Any:
    schema: dict[str, Any] = {"type": "record", "name": name, "fields": list(fields), **extra}
    if namespace is not None:
        schema["namespace"] = namespace
    return schema


def fld(name: str, type_: Any, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


def enum(symbols: list[str], name: str = "E", **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": name, "symbols": symbols, **extra}


def fixed(size: int, name: str = "F", **extra: Any) -> dict[str, Any]:
    return {"type": "fixed", "name": name, "size": size, **extra}


def one(type_: Any, **extra: Any) -> Any:
    """A record with a single field `f` of `type_`."""
    return rec(fld("f", type_, **extra))


def linked(head: str, *more: dict[str, Any]) -> Any:
    return {
        "type": "record",
        "name": "List",
        "fields": [fld("head", head), fld("tail", ["null", "List"], default=None), *more],
    }


@dataclass(frozen=True)
class Evolution:
    id: str
    old: Any
    new: Any
    new_reads_old: bool
    old_reads_new: bool
    kind: str | None = None  # reported by the failing direction (new reading old first)
    oracle: bool = True  # False where Apache's Python checker is known to disagree with Java


A, B, C = "A", "B", "C"
CASES = [
    # fields added and removed
    Evolution(
        "add-field-with-default",
        one("int"),
        rec(fld("f", "int"), fld("g", "int", default=0)),
        True,
        True,
    ),
    Evolution(
        "add-field-without-default",
        one("int"),
        rec(fld("f", "int"), fld("g", "int")),
        False,
        True,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    Evolution(
        "remove-field-with-default",
        rec(fld("f", "int"), fld("g", "int", default=0)),
        one("int"),
        True,
        True,
    ),
    Evolution(
        "remove-field-without-default",
        rec(fld("f", "int"), fld("g", "int")),
        one("int"),
        True,
        False,
    ),
    Evolution(
        "add-nullable-field-null-default",
        one("int"),
        rec(fld("f", "int"), fld("g", ["null", "string"], default=None)),
        True,
        True,
    ),
    Evolution(
        "add-two-fields-one-without-default",
        one("int"),
        rec(fld("f", "int"), fld("g", "int", default=1), fld("h", "string")),
        False,
        True,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    Evolution(
        "rename-field-with-alias", one("int"), rec(fld("g", "int", aliases=["f"])), True, False
    ),
    Evolution(
        "rename-field-without-alias",
        one("int"),
        rec(fld("g", "int")),
        False,
        False,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    Evolution("change-default", one("int", default=1), one("int", default=2), True, True),
    Evolution(
        "reorder-fields",
        rec(fld("a", "int"), fld("b", "string")),
        rec(fld("b", "string"), fld("a", "int")),
        True,
        True,
    ),
    Evolution("change-doc", one("int", doc="x"), one("int", doc="y"), True, True),
    Evolution("empty-record-to-field-with-default", rec(), one("int", default=3), True, True),
    # promotions
    Evolution("int-to-long", one("int"), one("long"), True, False, "TYPE_MISMATCH"),
    Evolution("int-to-float", one("int"), one("float"), True, False),
    Evolution("int-to-double", one("int"), one("double"), True, False),
    Evolution("long-to-float", one("long"), one("float"), True, False),
    Evolution("long-to-double", one("long"), one("double"), True, False),
    Evolution("float-to-double", one("float"), one("double"), True, False),
    Evolution("long-to-int", one("long"), one("int"), False, True, "TYPE_MISMATCH"),
    Evolution("double-to-float", one("double"), one("float"), False, True, "TYPE_MISMATCH"),
    Evolution("string-to-bytes", one("string"), one("bytes"), True, True),
    Evolution("bytes-to-string", one("bytes"), one("string"), True, True),
    Evolution("int-to-string", one("int"), one("string"), False, False, "TYPE_MISMATCH"),
    Evolution("boolean-to-int", one("boolean"), one("int"), False, False, "TYPE_MISMATCH"),
    Evolution("null-to-string", one("null"), one("string"), False, False, "TYPE_MISMATCH"),
    Evolution("top-level-int-to-long", "int", "long", True, False, "TYPE_MISMATCH"),
    Evolution("top-level-string-to-record", "string", one("string"), False, False, "TYPE_MISMATCH"),
    # enums
    Evolution("enum-add-symbol", one(enum([A, B])), one(enum([A, B, C])), True, False),
    Evolution(
        "enum-remove-symbol",
        one(enum([A, B, C])),
        one(enum([A, B])),
        False,
        True,
        "MISSING_ENUM_SYMBOLS",
    ),
    Evolution(
        "enum-remove-symbol-new-has-default",
        one(enum([A, B, C])),
        one(enum([A, B], default=A)),
        True,
        True,
    ),
    Evolution(
        "enum-add-symbol-old-has-default",
        one(enum([A, B], default=A)),
        one(enum([A, B, C])),
        True,
        True,
    ),
    Evolution("enum-reorder-symbols", one(enum([A, B])), one(enum([B, A])), True, True),
    Evolution(
        "enum-rename",
        one(enum([A], name="E1")),
        one(enum([A], name="E2")),
        False,
        False,
        "NAME_MISMATCH",
    ),
    Evolution(
        "enum-rename-with-alias",
        one(enum([A], name="E1")),
        one(enum([A], name="E2", aliases=["E1"])),
        True,
        False,
    ),
    Evolution("top-level-enum-add-symbol", enum([A]), enum([A, B]), True, False),
    Evolution(
        "add-enum-field-with-enum-default-only",
        one("int"),
        rec(fld("f", "int"), fld("e", enum([A], default=A))),
        False,
        True,
        "TYPE_MISMATCH",
    ),
    # unions
    Evolution("string-to-nullable-string", one("string"), one(["null", "string"]), True, False),
    Evolution(
        "nullable-string-to-string",
        one(["null", "string"]),
        one("string"),
        False,
        True,
        "TYPE_MISMATCH",
    ),
    Evolution(
        "union-add-branch", one(["null", "string"]), one(["null", "string", "int"]), True, False
    ),
    Evolution(
        "union-remove-branch",
        one(["null", "string", "int"]),
        one(["null", "string"]),
        False,
        True,
        "MISSING_UNION_BRANCH",
    ),
    Evolution(
        "union-reorder-branches", one(["null", "string"]), one(["string", "null"]), True, True
    ),
    Evolution("int-to-union-with-long", one("int"), one(["null", "long"]), True, False),
    Evolution(
        "union-branch-promoted", one(["int", "string"]), one(["long", "string"]), True, False
    ),
    Evolution("union-to-double", one(["int", "long"]), one("double"), True, False),
    Evolution(
        "union-of-records-add-field-with-default",
        one(["null", rec(fld("a", "int"), name="S")]),
        one(["null", rec(fld("a", "int"), fld("b", "int", default=0), name="S")]),
        True,
        True,
    ),
    Evolution(
        "union-of-records-add-field-without-default",
        one(["null", rec(fld("a", "int"), name="S")]),
        one(["null", rec(fld("a", "int"), fld("b", "int"), name="S")]),
        False,
        True,
        "MISSING_UNION_BRANCH",
    ),
    Evolution(
        "record-to-nullable-record",
        one(rec(fld("a", "int"), name="S")),
        one(["null", rec(fld("a", "int"), name="S")], default=None),
        True,
        False,
    ),
    Evolution(
        "top-level-union-add-branch", ["null", "int"], ["null", "int", "string"], True, False
    ),
    # named types
    Evolution("record-rename", rec(name="Old"), rec(name="New"), False, False, "NAME_MISMATCH"),
    Evolution(
        "record-rename-with-full-alias",
        rec(name="Old", namespace="com.acme"),
        rec(name="New", namespace="com.acme", aliases=["com.acme.Old"]),
        True,
        False,
    ),
    Evolution(
        "record-rename-with-short-alias",
        rec(name="Old", namespace="com.acme"),
        rec(name="New", namespace="com.acme", aliases=["Old"]),
        True,
        False,
        oracle=False,
    ),
    Evolution(
        "record-namespace-change-same-name",
        rec(name="R", namespace="com.a"),
        rec(name="R", namespace="com.b"),
        True,
        True,
    ),
    Evolution(
        "record-alias-with-wrong-namespace",
        rec(name="Old", namespace="com.a"),
        rec(name="New", namespace="com.b", aliases=["Old"]),
        False,
        False,
        "NAME_MISMATCH",
    ),
    Evolution(
        "fixed-size-change", one(fixed(4)), one(fixed(8)), False, False, "FIXED_SIZE_MISMATCH"
    ),
    Evolution(
        "fixed-rename",
        one(fixed(4, name="F1")),
        one(fixed(4, name="F2")),
        False,
        False,
        "NAME_MISMATCH",
    ),
    Evolution("fixed-same", one(fixed(16)), one(fixed(16, doc="now documented")), True, True),
    Evolution("fixed-to-bytes", one(fixed(4)), one("bytes"), False, False, "TYPE_MISMATCH"),
    # nested records, arrays and maps
    Evolution(
        "nested-add-field-without-default",
        one(rec(fld("a", "int"), name="S")),
        one(rec(fld("a", "int"), fld("b", "int"), name="S")),
        False,
        True,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    Evolution(
        "nested-add-field-with-default",
        one(rec(fld("a", "int"), name="S")),
        one(rec(fld("a", "int"), fld("b", "int", default=0), name="S")),
        True,
        True,
    ),
    Evolution(
        "nested-field-promotion",
        one(rec(fld("a", "int"), name="S")),
        one(rec(fld("a", "long"), name="S")),
        True,
        False,
    ),
    Evolution(
        "array-items-promoted",
        one({"type": "array", "items": "int"}),
        one({"type": "array", "items": "long"}),
        True,
        False,
    ),
    Evolution(
        "array-items-changed",
        one({"type": "array", "items": "string"}),
        one({"type": "array", "items": "int"}),
        False,
        False,
        "TYPE_MISMATCH",
    ),
    Evolution(
        "array-to-map",
        one({"type": "array", "items": "int"}),
        one({"type": "map", "values": "int"}),
        False,
        False,
        "TYPE_MISMATCH",
    ),
    Evolution(
        "map-values-promoted",
        one({"type": "map", "values": "int"}),
        one({"type": "map", "values": "long"}),
        True,
        False,
    ),
    Evolution(
        "map-values-string-to-bytes",
        one({"type": "map", "values": "string"}),
        one({"type": "map", "values": "bytes"}),
        True,
        True,
    ),
    Evolution(
        "map-of-records-add-field-without-default",
        one({"type": "map", "values": rec(fld("a", "int"), name="S")}),
        one({"type": "map", "values": rec(fld("a", "int"), fld("b", "int"), name="S")}),
        False,
        True,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    Evolution(
        "array-of-enums-add-symbol",
        one({"type": "array", "items": enum([A])}),
        one({"type": "array", "items": enum([A, B])}),
        True,
        False,
    ),
    # recursive types
    Evolution("recursive-same", linked("int"), linked("int"), True, True),
    Evolution("recursive-promotion", linked("int"), linked("long"), True, False),
    Evolution(
        "recursive-add-field-with-default",
        linked("int"),
        linked("int", fld("x", "int", default=0)),
        True,
        True,
    ),
    Evolution(
        "recursive-add-field-without-default",
        linked("int"),
        linked("int", fld("x", "int")),
        False,
        True,
        "READER_FIELD_MISSING_DEFAULT_VALUE",
    ),
    # logical types are not part of Avro resolution
    Evolution(
        "add-logical-type", one("int"), one({"type": "int", "logicalType": "date"}), True, True
    ),
    Evolution(
        "change-decimal-precision",
        one({"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}),
        one({"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 2}),
        True,
        True,
    ),
]


def test_table_is_large_and_ids_are_unique() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


def _expected(level: CompatibilityLevel, case: Evolution) -> bool:
    if level is CompatibilityLevel.NONE:
        return True
    ok = True
    if level.new_reads_old:
        ok = ok and case.new_reads_old
    if level.old_reads_new:
        ok = ok and case.old_reads_new
    return ok


@pytest.mark.parametrize("level", list(CompatibilityLevel))
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_evolution_verdict(case: Evolution, level: CompatibilityLevel) -> None:
    old, new = FMT.parse(json.dumps(case.old)), FMT.parse(json.dumps(case.new))
    if level.transitive:
        # The latest version equals the new one; only the older version can break this.
        history = [old, FMT.parse(json.dumps(case.new))]
        assert not check(FMT, level, new, history[1:])
    else:
        history = [old]
        # A non-transitive level only looks at the latest version, whatever came before it.
        assert not check(FMT, level, new, [old, FMT.parse(json.dumps(case.new))])
    assert (not check(FMT, level, new, history)) is _expected(level, case)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind], ids=lambda case: case.id)
def test_evolution_reports_the_java_kind(case: Evolution) -> None:
    old, new = FMT.parse(json.dumps(case.old)), FMT.parse(json.dumps(case.new))
    found = FMT.can_read(new, old) if not case.new_reads_old else FMT.can_read(old, new)
    assert case.kind in {i.kind for i in found}


def _oracle(reader: Any, writer: Any) -> bool:
    result = ReaderWriterCompatibilityChecker().get_compatibility(
        avro.schema.parse(json.dumps(reader)), avro.schema.parse(json.dumps(writer))
    )
    return result.compatibility is SchemaCompatibilityType.compatible


@pytest.mark.parametrize("case", [c for c in CASES if c.oracle], ids=lambda case: case.id)
def test_evolution_agrees_with_apache_avro(case: Evolution) -> None:
    assert _oracle(reader=case.new, writer=case.old) is case.new_reads_old
    assert _oracle(reader=case.old, writer=case.new) is case.old_reads_new


def test_apache_avro_misses_namespace_relative_reader_aliases() -> None:
    """Java resolves a short alias in the record's namespace; Apache's Python port does not."""
    case = next(c for c in CASES if c.id == "record-rename-with-short-alias")
    assert _oracle(reader=case.new, writer=case.old) is False
    reader, writer = FMT.parse(json.dumps(case.new)), FMT.parse(json.dumps(case.old))
    assert FMT.can_read(reader, writer) == []
