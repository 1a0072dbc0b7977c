"""Protobuf compatibility against Confluent's and Karapace's own test vectors.

The vectors live in `shared/conformance/` beside the repository (see its SOURCES.md) and are
read in place, never copied. Each case: BACKWARD, old = original/writer, new = update/reader.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.formats.protobuf import ProtobufFormat
from support import CONFORMANCE

CONFLUENT = CONFORMANCE / "confluent-schema-registry" / "protobuf-provider"
CLASSPATH = CONFLUENT / "classpath"
KARAPACE = CONFORMANCE / "karapace" / "extracted-protobuf.json"

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="shared/conformance absent")

# Karapace verdicts that contradict Confluent's SchemaDiff; we follow Confluent.
_RENUMBER = (
    "Confluent treats a renumbered field as FIELD_REMOVED + FIELD_ADDED, both compatible "
    "(diff-schema-examples.json #9 'Detect changed field number')"
)
KARAPACE_DISAGREES: dict[str, str] = {
    "karapace:test_protobuf_checks:test_changing_field_number_is_incompatible:2": _RENUMBER,
    "karapace:test_protobuf_compatibility:test_compatibility_field_tag_change:12": _RENUMBER,
    "karapace:test_protobuf_compatibility:test_compatibility_package:16": (
        "Confluent reports PACKAGE_CHANGED, which is not in its compatible set "
        "(diff-schema-examples.json #1 'Detect package change')"
    ),
    "karapace:test_protobuf_compatibility:test_compatibility_ordering_change_msg:15": (
        "field number 0 is not a valid Protobuf field number: protoc rejects the schema, as "
        "Confluent does when it builds the descriptor; Karapace's parser accepts it"
    ),
}


@dataclass(frozen=True)
class Case:
    id: str
    old: str
    new: str
    old_refs: tuple[ResolvedReference, ...]
    new_refs: tuple[ResolvedReference, ...]
    expected: bool
    changes: tuple[str, ...] | None = None
    marks: tuple[Any, ...] = field(default=())


def _confluent_refs(case: dict[str, Any], side: str) -> tuple[ResolvedReference, ...]:
    texts = {}
    for dep in case.get(f"{side}_dependencies", []):
        text = dep.get("dependency")
        if text is None:
            path = CLASSPATH / dep["name"]
            text = path.read_text() if path.is_file() else ""
        texts[dep["name"]] = text
    refs = []
    for ref in case.get(f"{side}_references", []):
        if ref["name"].startswith("google/protobuf/"):
            continue  # built-in well-known type (SOURCES.md: the harness drops it)
        text = texts.get(ref["name"], "")
        refs.append(
            ResolvedReference(
                ref["name"], ref["subject"], ref["version"], SchemaType.PROTOBUF, text
            )
        )
    return tuple(refs)


def _schema_text(value: str) -> str:
    return (CLASSPATH / value).read_text() if value.endswith(".proto") else value


def _confluent_cases(filename: str) -> Iterator[Case]:
    path = CONFLUENT / filename
    if not path.is_file():
        return
    for index, case in enumerate(json.loads(path.read_text())):
        yield Case(
            id=f"{filename}#{index}: {case['description']}",
            old=_schema_text(case["original_schema"]),
            new=_schema_text(case["update_schema"]),
            old_refs=_confluent_refs(case, "original"),
            new_refs=_confluent_refs(case, "update"),
            expected=case["compatible"],
            changes=tuple(case["changes"]),
        )


def _neutral_refs(refs: list[dict[str, Any]]) -> tuple[ResolvedReference, ...]:
    return tuple(
        ResolvedReference(
            r["name"],
            r["subject"],
            r["version"],
            SchemaType.PROTOBUF,
            r["schema"],
            _neutral_refs(r.get("references", [])),
        )
        for r in refs
    )


def _karapace_cases() -> Iterator[Case]:
    if not KARAPACE.is_file():
        return
    for case in json.loads(KARAPACE.read_text()):
        reason = KARAPACE_DISAGREES.get(case["id"])
        marks = (pytest.mark.xfail(strict=True, reason=reason),) if reason else ()
        yield Case(
            id=case["id"],
            old=case["old"],
            new=case["new"],
            old_refs=_neutral_refs(case["oldReferences"]),
            new_refs=_neutral_refs(case["newReferences"]),
            expected=case["expected"],
            marks=marks,
        )


FILES = {
    "diff-schema-examples.json": list(_confluent_cases("diff-schema-examples.json")),
    "diff-schema-examples-with-meta.json": list(
        _confluent_cases("diff-schema-examples-with-meta.json")
    ),
    "karapace/extracted-protobuf.json": list(_karapace_cases()),
}
FMT = ProtobufFormat()


def _verdict(case: Case) -> tuple[bool, list[str]]:
    old = FMT.parse(case.old, case.old_refs)
    new = FMT.parse(case.new, case.new_refs)
    found = check(FMT, CompatibilityLevel.BACKWARD, new, [old])
    return not found, [str(d) for d in FMT.differences(old, new)]


def _params(name: str) -> list[Any]:
    return [pytest.param(c, id=c.id, marks=c.marks) for c in FILES[name]]


@pytest.mark.parametrize("case", _params("diff-schema-examples.json"))
def test_confluent_diff_examples(case: Case) -> None:
    compatible, changes = _verdict(case)
    assert compatible == case.expected
    assert sorted(changes) == sorted(case.changes or ())


@pytest.mark.parametrize("case", _params("diff-schema-examples-with-meta.json"))
def test_confluent_diff_examples_with_meta(case: Case) -> None:
    compatible, changes = _verdict(case)
    assert compatible == case.expected
    assert sorted(changes) == sorted(case.changes or ())


@pytest.mark.parametrize("case", _params("karapace/extracted-protobuf.json"))
def test_karapace_protobuf(case: Case) -> None:
    compatible, _ = _verdict(case)
    assert compatible == case.expected


@pytest.mark.parametrize("name", list(FILES))
def test_pass_rate(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints one pass-rate line per file (run with -s to see it) and pins Confluent's."""
    cases = FILES[name]
    agree = 0
    for case in cases:
        # A schema that fails to parse counts as a disagreement in the rate.
        with contextlib.suppress(Exception):
            agree += _verdict(case)[0] == case.expected
    with capsys.disabled():
        print(f"\nprotobuf conformance {name}: {agree}/{len(cases)} verdicts agree")
    if not name.startswith("karapace"):
        assert agree == len(cases)
