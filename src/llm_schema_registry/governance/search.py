"""Subject search: name/description substring, tag, owner, latest state, and name globs."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

from llm_schema_registry.governance import lifecycle
from llm_schema_registry.governance.metadata import description_of, owner_of, tags_of
from llm_schema_registry.registry.model import SubjectVersion

_GLOB_CHARS = re.compile(r"[*?\[]")


def is_glob(prefix: str) -> bool:
    return _GLOB_CHARS.search(prefix) is not None


def literal_prefix(pattern: str) -> str:
    """The part of a glob before its first wildcard: the store can narrow on it."""
    match = _GLOB_CHARS.search(pattern)
    return pattern if match is None else pattern[: match.start()]


@dataclass(frozen=True)
class SubjectQuery:
    query: str | None = None  # case-insensitive substring of the name or description
    tag: str | None = None
    owner: str | None = None
    state: str | None = None  # of the latest version (DRAFT/ARCHIVED: of the newest one)
    glob: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.query or self.tag or self.owner or self.state or self.glob)


def matching_subjects(versions: Iterable[SubjectVersion], wanted: SubjectQuery) -> list[str]:
    """Subjects (sorted) whose live versions match every given criterion. Metadata is read
    from the subject's latest version (else its newest live one)."""
    by_subject: dict[str, list[SubjectVersion]] = {}
    for version in versions:
        if not version.deleted:
            by_subject.setdefault(version.subject, []).append(version)
    needle = wanted.query.lower() if wanted.query else None
    state = wanted.state.upper() if wanted.state else None
    regex = re.compile(fnmatch.translate(wanted.glob)) if wanted.glob else None
    found = []
    for subject, group in by_subject.items():
        if regex is not None and regex.match(subject) is None:
            continue
        current = lifecycle.latest(group) or group[-1]
        metadata = current.schema.metadata
        if state is not None and current.state != state:
            continue
        if wanted.owner is not None and owner_of(metadata) != wanted.owner:
            continue
        if wanted.tag is not None and wanted.tag not in tags_of(metadata):
            continue
        if (
            needle is not None
            and needle not in subject.lower()
            and needle not in description_of(metadata).lower()
        ):
            continue
        found.append(subject)
    return sorted(found)
