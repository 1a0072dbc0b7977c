"""Samples' pure parts: PII tags read from metadata, Confluent's path wildcards, redaction,
and the replay report."""

from __future__ import annotations

import json

import pytest

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.samples import (
    Sample,
    SampleKind,
    matches,
    pii_patterns,
    redact,
    replay,
)


def test_only_fields_tagged_pii_are_patterns() -> None:
    metadata = {
        "tags": {"$.ssn": ["PII"], "a.*.email": ["pii", "X"], "note": ["INTERNAL"], "bad": "PII"}
    }
    assert pii_patterns(metadata) == [("ssn",), ("a", "*", "email")]
    assert pii_patterns(None) == pii_patterns({"tags": "PII"}) == []


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("ssn", "ssn", True),
        ("ssn", "a.ssn", False),
        ("**.ssn", "ssn", True),
        ("**.ssn", "a.b.ssn", True),
        ("a.*.ssn", "a.b.ssn", True),
        ("a.*.ssn", "a.ssn", False),
        ("a.**", "a.b.c", True),
        ("**", "anything", True),
    ],
)
def test_confluent_wildcards(pattern: str, path: str, expected: bool) -> None:
    assert matches(tuple(pattern.split(".")), tuple(path.split("."))) is expected


def test_redaction_removes_tagged_members_at_any_depth_and_inside_lists() -> None:
    record = {
        "ssn": "1",
        "people": [{"email": "e", "name": "n"}, {"email": "f"}],
        "nested": {"deep": {"email": "g", "keep": 1}},
    }
    patterns = pii_patterns({"tags": {"ssn": ["PII"], "**.email": ["PII"]}})
    assert redact(record, patterns) == {
        "people": [{"name": "n"}, {}],
        "nested": {"deep": {"keep": 1}},
    }
    assert redact(record, []) is record  # nothing tagged: nothing copied
    assert redact([1, "x"], patterns) == [1, "x"]


def test_replay_counts_every_rejection_and_shows_five() -> None:
    fmt = format_for(SchemaType.JSON)
    parsed = fmt.parse(json.dumps({"type": "object", "required": ["a"]}))
    samples = [Sample(i, "s", SampleKind.CURATED, {} if i % 2 else {"a": 1}, 0) for i in range(20)]
    report = replay(fmt.validator(parsed), samples)
    assert (report.checked, report.rejected, len(report.examples)) == (20, 10, 5)
    assert [example["id"] for example in report.examples] == [1, 3, 5, 7, 9]
    assert report.examples[0]["errors"][0]["path"] == "$"
