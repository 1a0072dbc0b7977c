"""JSON Schema compatibility against Confluent's and Karapace's published verdicts.

The vectors live beside the repository (`../shared/conformance`, see SOURCES.md there) and
are read in place, never copied. Confluent's `diff-*.json` files are tier A: we match every
verdict. Karapace's JSON verdicts follow its own reader/writer semantics; where they differ
from Confluent's `SchemaDiff`, the case is a strict xfail naming the Confluent rule.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.formats.jsonschema import JsonSchemaFormat
from support import CONFORMANCE

SHARED = CONFORMANCE
CONFLUENT = SHARED / "confluent-schema-registry" / "json-schema-provider"
CONFLUENT_FILES = (
    "diff-schema-examples.json",
    "diff-combined-schema-examples.json",
    "diff-schema-examples-2020-12.json",
    "diff-combined-schema-examples-2020-12.json",
)
KARAPACE_FILE = SHARED / "karapace" / "extracted-jsonschema.json"
FORMAT = JsonSchemaFormat()
LEVELS = {
    "backward": CompatibilityLevel.BACKWARD,
    "forward": CompatibilityLevel.FORWARD,
    "full": CompatibilityLevel.FULL,
    "backward_transitive": CompatibilityLevel.BACKWARD_TRANSITIVE,
    "forward_transitive": CompatibilityLevel.FORWARD_TRANSITIVE,
    "full_transitive": CompatibilityLevel.FULL_TRANSITIVE,
}

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent")


@dataclass(frozen=True)
class Case:
    """One vector in the neutral form: may `new` follow `old` at `direction`?"""

    source: str
    ident: str
    old: str
    new: str
    direction: str
    expected: bool
    old_refs: tuple[ResolvedReference, ...] = ()
    new_refs: tuple[ResolvedReference, ...] = ()
    history: tuple[str, ...] = ()


def _refs(raw: list[dict[str, Any]]) -> tuple[ResolvedReference, ...]:
    return tuple(
        ResolvedReference(
            name=ref["name"],
            subject=ref.get("subject", ref["name"]),
            version=int(ref.get("version", 1)),
            schema_type=SchemaType(ref.get("schemaType", "JSON")),
            text=ref["schema"],
            references=_refs(ref.get("references", [])),
        )
        for ref in raw
    )


def _lenient_json(text: str) -> Any:
    """org.json accepts trailing commas; the 2020-12 files rely on that."""
    return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def confluent_cases(name: str) -> list[Case]:
    path = CONFLUENT / name
    if not path.is_file():
        return []
    cases = []
    for index, raw in enumerate(_lenient_json(path.read_text(encoding="utf-8"))):
        cases.append(
            Case(
                source=name,
                ident=f"{name}:{index}:{raw['description']}",
                old=json.dumps(raw["original_schema"]),
                new=json.dumps(raw["update_schema"]),
                direction="backward",
                expected=bool(raw["compatible"]),
            )
        )
    return cases


def karapace_cases() -> list[Case]:
    if not KARAPACE_FILE.is_file():
        return []
    raw_cases = json.loads(KARAPACE_FILE.read_text(encoding="utf-8"))
    return [
        Case(
            source="karapace",
            ident=raw["id"],
            old=raw["old"],
            new=raw["new"],
            direction=raw["direction"],
            expected=bool(raw["expected"]),
            old_refs=_refs(raw.get("oldReferences", [])),
            new_refs=_refs(raw.get("newReferences", [])),
            history=tuple(raw.get("oldHistory", [])),
        )
        for raw in raw_cases
    ]


def verdict(case: Case) -> bool:
    """True when our registry would accept `new` after `old` at the case's level."""
    old = FORMAT.parse(case.old, case.old_refs)
    new = FORMAT.parse(case.new, case.new_refs)
    live = [FORMAT.parse(text, case.old_refs) for text in case.history] + [old]
    return not check(FORMAT, LEVELS[case.direction], new, live)


# Karapace cases whose verdict contradicts Confluent's SchemaDiff rules, by id -> reason.
_KARAPACE = "karapace:test_jsonschema_compatibility:"
_TO_EMPTY = (
    "Confluent: any schema may change to the empty schema or `true` (tier-A vector "
    "'Anything can change to empty schema'); Karapace refuses it"
)
_FROM_FALSE = (
    "Confluent: a `false` original accepted no data, so any update reads all of it (no "
    "difference is recorded); Karapace refuses it"
)
KARAPACE_DISAGREES: dict[str, str] = {
    f"{_KARAPACE}test_boolean_schemas_are_backward_compatible:2": (
        "Confluent: `true` -> `false` changes the schema class (TYPE_CHANGED, incompatible); "
        "Karapace accepts it"
    ),
    f"{_KARAPACE}test_extra_field_with_closed_model_is_incompatible:4": _FROM_FALSE,
    f"{_KARAPACE}test_true_and_false_schemas:190": _FROM_FALSE,
    f"{_KARAPACE}test_true_and_false_schemas:192": _FROM_FALSE,
    f"{_KARAPACE}test_true_and_false_schemas:193": _FROM_FALSE,
    f"{_KARAPACE}test_true_and_false_schemas:195": _TO_EMPTY,
    f"{_KARAPACE}test_true_and_false_schemas:196": _TO_EMPTY,
    f"{_KARAPACE}test_object_properties:30": (
        "Confluent: a property with the empty schema added to an open content model is "
        "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL (compatible)"
    ),
    f"{_KARAPACE}test_property_names:40": (
        "Confluent: `propertyNames` does not close the content model, so adding a property "
        "with the empty schema is PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
    ),
    f"{_KARAPACE}test_pattern_properties:38": (
        "Confluent: the removed property 'b' matches the new pattern '^a*' whose schema is "
        "empty: PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL (compatible)"
    ),
    **{
        f"{_KARAPACE}test_true_schema_is_compatible_with_object:{n}": _TO_EMPTY
        for n in range(223, 282)
    },
}


def _params(cases: list[Case]) -> Iterator[Any]:
    for case in cases:
        marks = []
        reason = KARAPACE_DISAGREES.get(case.ident) if case.source == "karapace" else None
        if reason is not None:
            marks.append(pytest.mark.xfail(strict=True, reason=reason))
        yield pytest.param(case, id=case.ident, marks=marks)


ALL_CONFLUENT = [case for name in CONFLUENT_FILES for case in confluent_cases(name)]
ALL_KARAPACE = karapace_cases()


@pytest.mark.parametrize("case", list(_params(ALL_CONFLUENT)))
def test_confluent_vector(case: Case) -> None:
    assert verdict(case) is case.expected


@pytest.mark.parametrize("case", list(_params(ALL_KARAPACE)))
def test_karapace_vector(case: Case) -> None:
    assert verdict(case) is case.expected


def _rate(cases: list[Case]) -> tuple[int, int]:
    passed = 0
    for case in cases:
        with contextlib.suppress(Exception):  # a crash counts as a miss in the rate line
            passed += verdict(case) is case.expected
    return passed, len(cases)


def test_pass_rate_per_file(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints one line per vector file; Confluent's must all pass, Karapace's all but the
    cases where its semantics knowingly differ from Confluent's."""
    lines, confluent_misses = [], 0
    for name in CONFLUENT_FILES:
        passed, total = _rate(confluent_cases(name))
        confluent_misses += total - passed
        lines.append(f"confluent/{name}: {passed}/{total}")
    karapace_passed, karapace_total = _rate(ALL_KARAPACE)
    known = len(KARAPACE_DISAGREES)
    lines.append(
        f"karapace/extracted-jsonschema.json: {karapace_passed}/{karapace_total} "
        f"({known} known xfail)"
    )
    with capsys.disabled():
        print("\n" + "\n".join(f"JSON Schema conformance {line}" for line in lines))
    assert confluent_misses == 0
    assert karapace_passed == karapace_total - known
