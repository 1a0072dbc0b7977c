"""The importer's decisions without any server: dependency order across subjects, every
conflict listed, a plan against an identical target empty, and the `_schemas` replay."""

from __future__ import annotations

import json

from llm_schema_registry.cli.migration.dump import replay
from llm_schema_registry.cli.migration.model import Ref, Schema, Snapshot, Version
from llm_schema_registry.cli.migration.planner import dependency_order, make_plan


def avro(name: str, *fields: str) -> str:
    body = [{"name": f, "type": "string"} for f in fields]
    return json.dumps({"type": "record", "name": name, "namespace": "t", "fields": body})


def version(subject: str, number: int, schema_id: int, text: str, *refs: Ref) -> Version:
    return Version(subject, number, schema_id, Schema(text, references=refs))


def snapshot(*versions: Version) -> Snapshot:
    found = Snapshot()
    for item in versions:
        found.add(item)
        found.ids.setdefault(item.id, item.schema)
    return found


A = version("a", 1, 9, avro("Name", "first"))
USES_NAME = {"type": "record", "name": "B", "fields": [{"name": "n", "type": "t.Name"}]}
B = version("b", 1, 3, json.dumps(USES_NAME), Ref("t.Name", "a", 1))


def test_versions_come_after_what_they_reference_even_with_a_lower_id() -> None:
    ordered, cycles = dependency_order(snapshot(B, A, version("c", 1, 1, avro("C", "x"))))
    assert [v.key for v in ordered] == [("c", 1), ("a", 1), ("b", 1)] and cycles == []


def test_a_reference_cycle_is_a_conflict() -> None:
    one = version("x", 1, 1, avro("X", "a"), Ref("y", "y", 1))
    other = version("y", 1, 2, avro("Y", "a"), Ref("x", "x", 1))
    ordered, cycles = dependency_order(snapshot(one, other))
    assert ordered == [] and {c.kind for c in cycles} == {"reference-cycle"}


def test_an_identical_target_needs_no_write_and_an_empty_one_everything() -> None:
    source = snapshot(A, B)
    source.modes["a"] = "READONLY"
    assert make_plan(source, source).empty
    fresh = make_plan(source, Snapshot())
    assert [v.key for v in fresh.register] == [("a", 1), ("b", 1)]
    assert fresh.import_subjects == ["a", "b"]
    assert fresh.modes == [("a", "READONLY"), ("b", None)]


def test_every_conflict_is_listed() -> None:
    source = snapshot(A, B, version("d", 1, 4, avro("D", "x")), version("e", 1, 5, avro("D", "x")))
    target = snapshot(
        version("z", 1, 9, avro("Other", "y")),  # id 9 holds other content
        version("b", 1, 7, avro("B2", "y")),  # b v1 is another id here
    )
    kinds = {(c.kind, c.ids) for c in make_plan(source, target).conflicts}
    assert ("id-taken", (9,)) in kinds
    assert ("version-taken", (3, 7)) in kinds
    assert ("same-content", (4, 5)) in kinds  # one id per schema here


def test_content_stored_here_under_another_id_is_a_conflict() -> None:
    source = snapshot(version("d", 1, 4, avro("D", "x")))
    target = snapshot(version("other", 1, 40, json.dumps(json.loads(avro("D", "x")), indent=2)))
    conflicts = make_plan(source, target).conflicts
    assert [(c.kind, c.ids) for c in conflicts] == [("content-here", (4, 40))]


def record(key: dict[str, object], value: object) -> str:
    return f"{json.dumps(key)}\t{'null' if value is None else json.dumps(value)}\n"


def test_the_replay_applies_records_in_order() -> None:
    schema = {"subject": "s", "version": 1, "id": 1, "schema": avro("S", "a")}
    lines = [
        record({"keytype": "SCHEMA", "subject": "s", "version": 1}, schema),
        record({"keytype": "SCHEMA", "subject": "t", "version": 1}, {**schema, "subject": "t"}),
        record({"keytype": "CLEAR_SUBJECT", "subject": None}, {"subject": None}),
        record({"keytype": "SCHEMA", "subject": "s", "version": 2}, {**schema, "version": 2}),
        record({"keytype": "CONFIG", "subject": "s"}, {"compatibilityLevel": "NONE"}),
        record({"keytype": "CONFIG", "subject": "s"}, None),
        record({"keytype": "ASSOCIATION", "subject": "s"}, {}),
        record({"keytype": "SCHEMA", "subject": ":.a:s", "version": 1}, {**schema, "id": 7}),
        record({"keytype": "MODE", "subject": ":.a:"}, {"mode": "READONLY"}),
    ]
    contexts = replay(lines)
    assert list(contexts) == [".", ".a"]
    named = contexts[".a"]
    assert [(v.key, v.id) for v in named.every_version()] == [((":.a:s", 1), 7)]
    assert named.modes == {None: "READONLY"}
    found = contexts["."]
    assert [v.key for v in found.every_version()] == [("s", 2)]
    assert found.configs == {} and found.skipped == {"ASSOCIATION": 1}
