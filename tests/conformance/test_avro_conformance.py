"""Avro compatibility verdicts against public vectors (apache/avro, Confluent, Karapace).

The vectors are read in place from `<checkout>/../shared/conformance` and never copied here;
the module is skipped when that folder is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from llm_schema_registry.compatibility import CompatibilityLevel, check
from llm_schema_registry.formats.avro import AvroFormat
from llm_schema_registry.formats.base import InvalidSchemaError, ResolvedReference, SchemaType
from support import CONFORMANCE, load_cases

ROOT: Path = CONFORMANCE
FILES = [
    "apache-avro/extracted-avro.json",
    "confluent-schema-registry/extracted-avro.json",
    "karapace/extracted-avro.json",
]
# Vectors we believe wrong, kept visible as strict xfails: id -> reason. None so far.
XFAIL: dict[str, str] = {}

pytestmark = pytest.mark.skipif(not ROOT.is_dir(), reason=f"no conformance corpus at {ROOT}")
FMT = AvroFormat()


def _cases() -> list[Any]:
    if not ROOT.is_dir():
        return []
    params = []
    for file in FILES:
        for case in load_cases(ROOT / file):
            reason = XFAIL.get(case["id"])
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            params.append(pytest.param(file, case, id=case["id"], marks=marks))
    return params


def _references(raw: list[dict[str, Any]]) -> tuple[ResolvedReference, ...]:
    return tuple(
        ResolvedReference(
            name=ref["name"],
            subject=ref["subject"],
            version=ref["version"],
            schema_type=SchemaType(ref.get("schemaType", "AVRO")),
            text=ref["schema"],
            references=_references(ref.get("references", [])),
        )
        for ref in raw
    )


def verdict(case: dict[str, Any]) -> bool:
    """Whether `new` may be registered after the case's history at its level."""
    try:
        new = FMT.parse(case["new"], _references(case["newReferences"]))
    except InvalidSchemaError:
        return False  # a schema that cannot be registered is never compatible
    old_refs = _references(case["oldReferences"])
    live = [FMT.parse(text, old_refs) for text in [*case.get("oldHistory", []), case["old"]]]
    return not check(FMT, CompatibilityLevel[case["direction"].upper()], new, live)


@pytest.mark.parametrize(("file", "case"), _cases())
def test_avro_vector(file: str, case: dict[str, Any]) -> None:
    assert verdict(case) is case["expected"], case.get("description", case["id"])


def test_avro_pass_rate(capsys: pytest.CaptureFixture[str]) -> None:
    lines, failed = [], 0
    for file in FILES:
        cases = load_cases(ROOT / file)
        passed = sum(verdict(case) is case["expected"] for case in cases)
        failed += len(cases) - passed
        lines.append(f"{file}: {passed}/{len(cases)} ({100 * passed / len(cases):.1f}%)")
    with capsys.disabled():
        print("\nAvro conformance pass rate:\n  " + "\n  ".join(lines))
    assert failed == len(XFAIL)
