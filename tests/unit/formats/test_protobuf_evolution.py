"""Protobuf evolution rules (Confluent's SchemaDiff), each checked BACKWARD and FORWARD.

BACKWARD: the new schema reads data of the old one; FORWARD: the old reads the new. Verdicts
follow Confluent, including where it is lenient (enum-to-enum, unlabelled proto3 fields).
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.formats.protobuf import ProtobufFormat, ProtobufSchema

FMT = ProtobufFormat()
P3 = 'syntax = "proto3";\n'
P2 = 'syntax = "proto2";\n'


def msg(body: str, extra: str = "", header: str = P3) -> str:
    return f"{header}{extra}\nmessage M {{\n{body}\n}}\n"


class Evolution(NamedTuple):
    id: str
    old: str
    new: str
    backward: bool
    forward: bool


CASES = [
    Evolution("field added", msg("int32 a = 1;"), msg("int32 a = 1; string b = 2;"), True, True),
    Evolution("field removed", msg("int32 a = 1; string b = 2;"), msg("int32 a = 1;"), True, True),
    Evolution("field renamed", msg("int32 a = 1;"), msg("int32 renamed = 1;"), True, True),
    Evolution("field renumbered", msg("int32 a = 1;"), msg("int32 a = 2;"), True, True),
    Evolution("int32 to int64", msg("int32 a = 1;"), msg("int64 a = 1;"), True, True),
    Evolution("int32 to uint32", msg("int32 a = 1;"), msg("uint32 a = 1;"), True, True),
    Evolution("uint64 to bool", msg("uint64 a = 1;"), msg("bool a = 1;"), True, True),
    Evolution("sint32 to sint64", msg("sint32 a = 1;"), msg("sint64 a = 1;"), True, True),
    Evolution("fixed32 to sfixed32", msg("fixed32 a = 1;"), msg("sfixed32 a = 1;"), True, True),
    Evolution("fixed64 to sfixed64", msg("fixed64 a = 1;"), msg("sfixed64 a = 1;"), True, True),
    Evolution("string to bytes", msg("string a = 1;"), msg("bytes a = 1;"), True, True),
    Evolution("int32 to sint32", msg("int32 a = 1;"), msg("sint32 a = 1;"), False, False),
    Evolution("int32 to string", msg("int32 a = 1;"), msg("string a = 1;"), False, False),
    Evolution("float to double", msg("float a = 1;"), msg("double a = 1;"), False, False),
    Evolution("fixed32 to fixed64", msg("fixed32 a = 1;"), msg("fixed64 a = 1;"), False, False),
    Evolution("uint64 to sint64", msg("uint64 a = 1;"), msg("sint64 a = 1;"), False, False),
    Evolution("double to fixed64", msg("double a = 1;"), msg("fixed64 a = 1;"), False, False),
    Evolution(
        "message to bytes",
        msg("N a = 1;", "message N { int32 x = 1; }"),
        msg("bytes a = 1;", "message N { int32 x = 1; }"),
        False,
        False,
    ),
    Evolution(
        "int32 to enum",
        msg("int32 a = 1;"),
        msg("E a = 1;", "enum E { E0 = 0; E1 = 1; }"),
        True,
        True,
    ),
    Evolution(
        "string to enum",
        msg("string a = 1;"),
        msg("E a = 1;", "enum E { E0 = 0; }"),
        False,
        False,
    ),
    Evolution(
        "enum to other enum",
        msg("E a = 1;", "enum E { E0 = 0; } enum F { F0 = 0; }"),
        msg("F a = 1;", "enum E { E0 = 0; } enum F { F0 = 0; }"),
        True,
        True,
    ),
    Evolution(
        "message type changed",
        msg("A a = 1;", "message A { int32 x = 1; } message B { int32 x = 1; }"),
        msg("B a = 1;", "message A { int32 x = 1; } message B { int32 x = 1; }"),
        False,
        False,
    ),
    Evolution(
        "enum to message",
        msg("T a = 1;", "enum T { T0 = 0; }"),
        msg("T a = 1;", "message T { int32 x = 1; }"),
        False,
        False,
    ),
    Evolution("scalar to map", msg("int32 a = 1;"), msg("map<string, int32> a = 1;"), False, False),
    Evolution(
        "map value int32 to int64",
        msg("map<string, int32> a = 1;"),
        msg("map<string, int64> a = 1;"),
        True,
        True,
    ),
    Evolution(
        "map value int32 to string",
        msg("map<string, int32> a = 1;"),
        msg("map<string, string> a = 1;"),
        False,
        False,
    ),
    Evolution(
        "map key string to int32",
        msg("map<string, int32> a = 1;"),
        msg("map<int32, int32> a = 1;"),
        False,
        False,
    ),
    Evolution(
        "map value message renamed",
        msg("map<string, A> a = 1;", "message A {} message B {}"),
        msg("map<string, B> a = 1;", "message A {} message B {}"),
        False,
        False,
    ),
    Evolution(
        "message added", msg("int32 a = 1;"), msg("int32 a = 1;", "message N {}"), True, False
    ),
    Evolution(
        "message removed", msg("int32 a = 1;", "message N {}"), msg("int32 a = 1;"), False, True
    ),
    Evolution(
        "messages reordered",
        f"{P3}message A {{}}\nmessage B {{}}\n",
        f"{P3}message B {{}}\nmessage A {{}}\n",
        True,
        True,
    ),
    Evolution("message renamed", f"{P3}message A {{}}\n", f"{P3}message B {{}}\n", False, False),
    Evolution(
        "nested field type changed",
        msg("message In { int32 x = 1; } In a = 1;"),
        msg("message In { string x = 1; } In a = 1;"),
        False,
        False,
    ),
    Evolution(
        "nested message added",
        msg("int32 a = 1;"),
        msg("message In {} int32 a = 1;"),
        True,
        False,
    ),
    Evolution(
        "enum value added",
        msg("E a = 1;", "enum E { E0 = 0; }"),
        msg("E a = 1;", "enum E { E0 = 0; E1 = 1; }"),
        True,
        True,
    ),
    Evolution(
        "enum value renamed",
        msg("E a = 1;", "enum E { E0 = 0; E1 = 1; }"),
        msg("E a = 1;", "enum E { E0 = 0; ONE = 1; }"),
        True,
        True,
    ),
    Evolution(
        "enum value renumbered",
        msg("E a = 1;", "enum E { E0 = 0; E1 = 1; }"),
        msg("E a = 1;", "enum E { E0 = 0; E1 = 2; }"),
        True,
        True,
    ),
    Evolution(
        "unused enum removed",
        msg("int32 a = 1;", "enum E { E0 = 0; }"),
        msg("int32 a = 1;"),
        True,
        True,
    ),
    Evolution(
        "nested enum added",
        msg("int32 a = 1;"),
        msg("enum In { I0 = 0; } int32 a = 1;"),
        True,
        True,
    ),
    Evolution(
        "package changed",
        msg("int32 a = 1;", "package a;"),
        msg("int32 a = 1;", "package b;"),
        False,
        False,
    ),
    Evolution(
        "proto3 optional int32 to repeated",
        msg("optional int32 a = 1;"),
        msg("repeated int32 a = 1;"),
        False,
        False,
    ),
    Evolution(
        "proto3 optional string to repeated",
        msg("optional string a = 1;"),
        msg("repeated string a = 1;"),
        True,
        True,
    ),
    Evolution(
        "unlabelled proto3 int32 to repeated (Confluent compares written labels only)",
        msg("int32 a = 1;"),
        msg("repeated int32 a = 1;"),
        True,
        True,
    ),
    Evolution(
        "proto3 optional dropped", msg("optional string a = 1;"), msg("string a = 1;"), True, True
    ),
    Evolution(
        "repeated message to singular",
        msg("repeated N a = 1;", "message N {}"),
        msg("N a = 1;", "message N {}"),
        True,
        True,
    ),
    Evolution(
        "proto2 required field added",
        msg("optional int32 a = 1;", header=P2),
        msg("optional int32 a = 1; required int32 b = 2;", header=P2),
        False,
        False,
    ),
    Evolution(
        "proto2 required field removed",
        msg("optional int32 a = 1; required int32 b = 2;", header=P2),
        msg("optional int32 a = 1;", header=P2),
        False,
        False,
    ),
    Evolution(
        "proto2 optional field added",
        msg("optional int32 a = 1;", header=P2),
        msg("optional int32 a = 1; optional string b = 2;", header=P2),
        True,
        True,
    ),
    Evolution(
        "proto2 optional int32 made required",
        msg("optional int32 a = 1;", header=P2),
        msg("required int32 a = 1;", header=P2),
        False,
        False,
    ),
    Evolution(
        "proto2 optional string made required",
        msg("optional string a = 1;", header=P2),
        msg("required string a = 1;", header=P2),
        True,
        True,
    ),
    Evolution(
        "syntax proto2 to proto3",
        msg("optional int32 a = 1; optional string b = 2;", header=P2),
        msg("int32 a = 1; string b = 2;"),
        True,
        True,
    ),
    Evolution(
        "single field moved into a new oneof",
        msg("int32 a = 1; int32 b = 2;"),
        msg("int32 a = 1; oneof o { int32 b = 2; }"),
        True,
        True,
    ),
    Evolution(
        "two fields moved into a new oneof",
        msg("int32 a = 1; int32 b = 2;"),
        msg("oneof o { int32 a = 1; int32 b = 2; }"),
        False,
        True,
    ),
    Evolution(
        "field moved into an existing oneof",
        msg("int32 a = 1; oneof o { int32 b = 2; }"),
        msg("oneof o { int32 a = 1; int32 b = 2; }"),
        False,
        True,
    ),
    Evolution(
        "field added to a oneof",
        msg("oneof o { int32 a = 1; }"),
        msg("oneof o { int32 a = 1; string b = 2; }"),
        True,
        False,
    ),
    Evolution(
        "field removed from a oneof",
        msg("oneof o { int32 a = 1; string b = 2; }"),
        msg("oneof o { int32 a = 1; }"),
        False,
        True,
    ),
    Evolution(
        "whole oneof removed",
        msg("int32 x = 9; oneof o { int32 a = 1; string b = 2; }"),
        msg("int32 x = 9;"),
        True,
        True,
    ),
    Evolution(
        "oneof renamed",
        msg("oneof o { int32 a = 1; string b = 2; }"),
        msg("oneof p { int32 a = 1; string b = 2; }"),
        True,
        True,
    ),
    Evolution(
        "field moved out of a oneof",
        msg("oneof o { int32 a = 1; string b = 2; }"),
        msg("int32 a = 1; oneof o { string b = 2; }"),
        True,
        False,
    ),
    Evolution(
        "oneof member type changed",
        msg("oneof o { int32 a = 1; }"),
        msg("oneof o { string a = 1; }"),
        False,
        False,
    ),
    Evolution(
        "well-known type changed",
        msg("google.protobuf.Timestamp a = 1;", 'import "google/protobuf/timestamp.proto";'),
        msg("google.protobuf.Duration a = 1;", 'import "google/protobuf/duration.proto";'),
        False,
        False,
    ),
    Evolution(
        "well-known type to int64",
        msg("google.protobuf.Timestamp a = 1;", 'import "google/protobuf/timestamp.proto";'),
        msg("int64 a = 1;"),
        False,
        False,
    ),
    Evolution(
        "service added",
        msg("int32 a = 1;"),
        msg("int32 a = 1;") + "service S { rpc Get (M) returns (M); }\n",
        True,
        True,
    ),
    Evolution(
        "file option changed",
        msg("int32 a = 1;", 'option java_package = "a";'),
        msg("int32 a = 1;", 'option java_package = "b";'),
        True,
        True,
    ),
    Evolution(
        "field removed and reserved",
        msg("int32 a = 1; int32 b = 2;"),
        msg('reserved 2; reserved "b"; int32 a = 1;'),
        True,
        True,
    ),
    Evolution(
        "extension range added",
        msg("optional int32 a = 1;", header=P2),
        msg("optional int32 a = 1; extensions 100 to 199;", header=P2),
        True,
        True,
    ),
]


def _parse(text: str, refs: tuple[ResolvedReference, ...] = ()) -> ProtobufSchema:
    return FMT.parse(text, refs)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_backward(case: Evolution) -> None:
    found = check(FMT, CompatibilityLevel.BACKWARD, _parse(case.new), [_parse(case.old)])
    assert (not found) == case.backward, found


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_forward(case: Evolution) -> None:
    found = check(FMT, CompatibilityLevel.FORWARD, _parse(case.new), [_parse(case.old)])
    assert (not found) == case.forward, found


@pytest.mark.parametrize("case", CASES[:20], ids=[c.id for c in CASES[:20]])
def test_full_is_both_directions(case: Evolution) -> None:
    found = check(FMT, CompatibilityLevel.FULL, _parse(case.new), [_parse(case.old)])
    assert (not found) == (case.backward and case.forward)


def test_incompatibility_names_confluent_kind_and_path() -> None:
    old = _parse(msg("int32 a = 1;", "package p;"))
    new = _parse(msg("string a = 1;", "package p;"))
    [finding] = FMT.can_read(reader=new, writer=old)
    assert (finding.kind, finding.path) == ("FIELD_SCALAR_KIND_CHANGED", "#/M/1")
    assert "#/M/1" in finding.message


def test_differences_lists_compatible_changes_too() -> None:
    old = _parse(msg("int32 a = 1;"))
    new = _parse(msg("int32 b = 1; string c = 2;", "message N {}"))
    changes = {(d.kind, d.path, d.compatible) for d in FMT.differences(old, new)}
    assert changes == {
        ("FIELD_NAME_CHANGED", "#/M/1", True),
        ("FIELD_ADDED", "#/M/2", True),
        ("MESSAGE_ADDED", "#/N", True),
        ("MESSAGE_MOVED", "#/M", True),  # N is declared first, so M's index changed
    }


def test_transitive_checks_every_version_non_transitive_only_the_latest() -> None:
    v1 = _parse(msg("int32 a = 1;"))
    v2 = _parse(msg("int32 a = 1; string b = 2;"))
    v3 = _parse(msg("int32 a = 1; string b = 2;", "message N {}"))
    new = _parse(msg("string a = 1; string b = 2;", "message N {}"))
    assert check(FMT, CompatibilityLevel.BACKWARD, v3, [v1, v2]) == []
    assert check(FMT, CompatibilityLevel.BACKWARD_TRANSITIVE, v3, [v1, v2]) == []
    latest_only = check(FMT, CompatibilityLevel.BACKWARD, new, [v1, v2, v3])
    every = check(FMT, CompatibilityLevel.BACKWARD_TRANSITIVE, new, [v1, v2, v3])
    assert {f.against for f in latest_only} == {2}
    assert {f.against for f in every} == {0, 1, 2}


def test_forward_transitive_fails_on_an_old_version_only() -> None:
    v1 = _parse(msg("int32 a = 1;"))
    v2 = _parse(msg("int32 a = 1;", "message N {}"))
    new = _parse(msg("int32 a = 1;", "message N {}"))
    assert check(FMT, CompatibilityLevel.FORWARD, new, [v1, v2]) == []
    found = check(FMT, CompatibilityLevel.FORWARD_TRANSITIVE, new, [v1, v2])
    assert {(f.against, f.incompatibility.kind) for f in found} == {(0, "MESSAGE_REMOVED")}
    newer = _parse(msg("int32 a = 1;", "message N {} message O {}"))
    found = check(FMT, CompatibilityLevel.FULL_TRANSITIVE, newer, [v1, v2])
    assert {(f.against, f.direction) for f in found} == {(0, "old reads new"), (1, "old reads new")}


def _ref(name: str, text: str, version: int, subject: str = "dep") -> ResolvedReference:
    return ResolvedReference(name, subject, version, SchemaType.PROTOBUF, text)


DEP_V1 = 'syntax = "proto3";\npackage dep;\nmessage D { int32 x = 1; }\n'
DEP_V2 = 'syntax = "proto3";\npackage dep;\nmessage D { string x = 1; }\n'
DEP_V3 = 'syntax = "proto3";\npackage dep;\nmessage D { int64 x = 1; string y = 2; }\n'
USES_DEP = msg("dep.D d = 1;", 'import "dep.proto";')


def test_referenced_message_incompatible_change() -> None:
    old = _parse(USES_DEP, (_ref("dep.proto", DEP_V1, 1),))
    new = _parse(USES_DEP, (_ref("dep.proto", DEP_V2, 2),))
    kinds = {(i.kind, i.path) for i in FMT.can_read(reader=new, writer=old)}
    assert kinds == {("FIELD_SCALAR_KIND_CHANGED", "#/D/1"), ("FIELD_NAMED_TYPE_CHANGED", "#/M/1")}
    assert check(FMT, CompatibilityLevel.FORWARD, new, [old])


def test_referenced_message_compatible_change() -> None:
    old = _parse(USES_DEP, (_ref("dep.proto", DEP_V1, 1),))
    new = _parse(USES_DEP, (_ref("dep.proto", DEP_V3, 3),))
    assert check(FMT, CompatibilityLevel.FULL, new, [old]) == []


def test_same_reference_version_is_not_recompared() -> None:
    old = _parse(USES_DEP, (_ref("dep.proto", DEP_V1, 1),))
    new = _parse(USES_DEP, (_ref("dep.proto", DEP_V1, 1),))
    assert FMT.differences(old, new) == []
