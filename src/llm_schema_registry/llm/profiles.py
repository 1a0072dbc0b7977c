"""Provider profiles required at registration: `"llmProfiles": ["openai-strict@2026-02"]` in
a subject's (or the global) config.

A profile is a dated provider table (`providers.PROFILES`) and is judged by the export lint
(`lint.py`), so exports and registrations apply the same rules. `ProviderProfiles` is the
registry's `ConfiguredCheck` for the key (registry/checks.py; it matches that protocol by
shape, so this package stays free of server code): it refuses unknown names and combinations
no schema can satisfy when the config is set, and lists the findings of each configured
profile against a schema's JSON Schema view (`SchemaFormat.json_schema`; formats without one
are not judged).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import permutations
from typing import Any

from llm_schema_registry.formats.base import SchemaFormat
from llm_schema_registry.llm.lint import lint
from llm_schema_registry.llm.providers import PROFILES, ProviderRules

CONFIG_KEY = "llmProfiles"
# A `$ref` to another registered document: the export embeds it, and that document is judged
# under its own subject, so it is not a finding here.
_NOT_JUDGED = frozenset({"external-ref"})


@dataclass(frozen=True)
class ProfileFinding:
    """One rule of `policy` (a profile name) that the schema breaks at `path`."""

    policy: str
    rule: str
    path: str
    message: str


def demanded(rules: ProviderRules) -> set[str]:
    """Keywords every schema must carry somewhere to satisfy `rules`: `type` at the root when
    the root must be an object, and then `additionalProperties` when objects must be closed."""
    if not rules.root_object:
        return set()
    return {"type", "additionalProperties"} if rules.closed_objects else {"type"}


def refused(rules: ProviderRules) -> set[str]:
    """Keywords `rules` refuse wherever they appear."""
    keywords = set(rules.unsupported)
    if rules.closed_objects:
        keywords.discard("additionalProperties")  # the keyword is refused only when not false
    if not rules.refs:
        keywords |= {"$ref", "$defs", "definitions"}
    return keywords


def contradictions(names: list[str]) -> list[str]:
    """Why no schema can satisfy all of `names` together: a keyword one profile demands of
    every schema that another refuses (e.g. OpenAI strict mode's `additionalProperties:
    false` on every object, which Gemini's Schema object does not have)."""
    found = []
    for first, second in permutations(dict.fromkeys(names), 2):
        for keyword in sorted(demanded(PROFILES[first]) & refused(PROFILES[second])):
            found.append(f"{first} requires '{keyword}' in every schema, which {second} refuses")
    return found


def problems(value: Any) -> list[str]:
    """What is wrong with an `llmProfiles` value: not a list of names, unknown names
    (listing the valid ones), or a combination no schema can satisfy."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return [f"{CONFIG_KEY} must be a list of profile names"]
    unknown = [name for name in value if name not in PROFILES]
    if unknown:
        return [
            f"Unknown LLM profile(s) {', '.join(map(repr, unknown))}; valid profiles: "
            + ", ".join(PROFILES)
        ]
    return contradictions(value)


def judge(document: Any, names: list[str]) -> list[ProfileFinding]:
    """Every finding of each profile in `names` against a JSON Schema document."""
    return [
        ProfileFinding(name, finding.rule, finding.path, finding.message)
        for name in dict.fromkeys(names)
        for finding in lint(document, PROFILES[name])
        if finding.rule not in _NOT_JUDGED
    ]


class ProviderProfiles:
    """The `llmProfiles` config key as a registry `ConfiguredCheck`."""

    key = CONFIG_KEY

    def config_errors(self, value: Any) -> list[str]:
        return problems(value)

    def findings(self, fmt: SchemaFormat[Any], schema: Any, value: Any) -> list[ProfileFinding]:
        document = fmt.json_schema(schema) if fmt.has_json_schema else None
        if document is None or problems(value):
            return []
        return judge(document, value)
