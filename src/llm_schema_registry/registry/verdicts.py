"""Compatibility verdicts: the check itself (traced and counted) and Confluent's messages."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Sequence
from functools import lru_cache
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel, Finding, check
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import Incompatibility, SchemaType
from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.tracing import tracer
from llm_schema_registry.registry.checks import Violation
from llm_schema_registry.registry.model import SubjectVersion


class Comparisons:
    """`can_read` results between schemas that cannot change, by keys naming their content:
    a stored schema without references by its id, a candidate by its text. (A reference
    names a subject's version, which a permanent delete can free for other content, so
    schemas with references are compared afresh.) LRU-bounded."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._capacity = capacity
        self._results: OrderedDict[Hashable, tuple[Incompatibility, ...]] = OrderedDict()

    def can_read(
        self, schema_type: SchemaType, keys: dict[int, Hashable]
    ) -> Any:  # Callable[[S, S], Sequence[Incompatibility]]
        """`can_read(reader, writer)` of the format, remembered for parsed schemas whose
        `id()` is in `keys` (valid while they are alive: for one check)."""
        fmt = format_for(schema_type)

        def remembered(reader: Any, writer: Any) -> Sequence[Incompatibility]:
            reader_key, writer_key = keys.get(id(reader)), keys.get(id(writer))
            if reader_key is None or writer_key is None:
                return fmt.can_read(reader, writer)
            key = (schema_type, reader_key, writer_key)
            found = self._results.get(key)
            if found is None:
                found = tuple(fmt.can_read(reader, writer))
                self._results[key] = found
                if len(self._results) > self._capacity:
                    self._results.popitem(last=False)
            else:
                self._results.move_to_end(key)
            return found

        return remembered


def checked(
    schema_type: SchemaType,
    level: CompatibilityLevel,
    parsed: Any,
    olds: list[Any],
    remembered: Any = None,
) -> list[Finding]:
    """`compatibility.check`, traced and counted; `remembered`: a `Comparisons.can_read`."""
    attributes = {
        "schema.type": schema_type.value,
        "compatibility.level": level.value,
        "compatibility.versions": len(olds),
    }
    with tracer.start_as_current_span("compatibility.check", attributes=attributes):
        findings = check(format_for(schema_type), level, parsed, olds, remembered)
    metrics.COMPATIBILITY_CHECKS.labels("incompatible" if findings else "compatible").inc()
    return findings


def describe(
    findings: list[Finding], live: list[SubjectVersion], level: CompatibilityLevel
) -> list[str]:
    """Confluent-style verbose messages: each problem, then the old version it concerns."""
    messages: list[str] = []
    by_version: dict[int, list[Finding]] = {}  # one pass: a subject may have many versions
    for finding in findings:
        by_version.setdefault(finding.against, []).append(finding)
    for index in sorted(by_version):
        messages += [_line(f.incompatibility, f.direction) for f in by_version[index]]
        messages.append(f"{{oldSchemaVersion: {live[index].version}}}")
        messages.append(f"{{oldSchema: '{live[index].schema.text}'}}")
    if messages:
        messages.append(f"{{validateFields: 'false', compatibility: '{level.value}'}}")
    return messages


def describe_refusals(refused: dict[str, list[Violation]]) -> list[str]:
    """What configured checks (config key -> violations) refuse, in the same message style:
    the config key, the profile, its rule and the JSON path of each finding."""
    return [
        f"{{errorType:'CONFIGURED_CHECK', config:'{key}', policy:'{v.policy}', "
        f"rule:'{v.rule}', path:'{v.path}', description:'{v.message}'}}"
        for key, violations in refused.items()
        for v in violations
    ]


@lru_cache(maxsize=4096)
def _line(issue: Incompatibility, direction: str) -> str:
    # A transitive check repeats the same few findings thousands of times (one property
    # added since each of 100 versions): each line is built once.
    return (
        f"{{errorType:'{issue.kind}', description:'{_confluent_wording(issue, direction)}', "
        f"additionalInfo:'{issue.path}'}}"
    )


def _confluent_wording(issue: Incompatibility, direction: str) -> str:
    """Formats speak of reader and writer; Confluent's messages of the new and old schema."""
    reader, writer = ("new", "old") if direction == "new reads old" else ("old", "new")
    return issue.message.replace("reader schema", f"{reader} schema").replace(
        "writer schema", f"{writer} schema"
    )
