"""Subject search: name/description substring, tag, owner, latest state, and name globs."""

from __future__ import annotations

import datetime as dt
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


@dataclass(frozen=True)
class _Entry:
    subject: str
    lowered: str
    state: str
    owner: str | None
    tags: frozenset[str]
    description: str  # lower-cased


class SearchIndex:
    """What a search reads per subject, derived once from every stored version: the latest
    version's state, owner, tags and description. Valid until the store changes (the caller
    keys it on a change counter) or the earliest sunset date among DEPRECATED versions."""

    def __init__(self, versions: Iterable[SubjectVersion], now: dt.datetime) -> None:
        by_subject: dict[str, list[SubjectVersion]] = {}
        for version in versions:
            if not version.deleted:
                by_subject.setdefault(version.subject, []).append(version)
        self.valid_until: dt.datetime | None = None
        self.entries: list[_Entry] = []
        for subject, group in sorted(by_subject.items()):
            for version in group:
                if version.state == lifecycle.State.DEPRECATED and version.sunset_date:
                    sunset = lifecycle.parse_sunset(version.sunset_date)
                    if sunset >= now and (self.valid_until is None or sunset < self.valid_until):
                        self.valid_until = sunset
            current = lifecycle.latest(_as_of(group, now)) or group[-1]
            metadata = current.schema.metadata
            self.entries.append(
                _Entry(
                    subject,
                    subject.lower(),
                    lifecycle.State.ARCHIVED
                    if lifecycle.sunset_passed(current, now)
                    else current.state,
                    owner_of(metadata),
                    frozenset(tags_of(metadata)),
                    description_of(metadata).lower(),
                )
            )

    def fresh(self, now: dt.datetime) -> bool:
        return self.valid_until is None or now <= self.valid_until

    def search(self, prefix: str, wanted: SubjectQuery) -> list[str]:
        """Subjects (sorted) whose latest version matches every given criterion; a glob
        matches the whole name, otherwise `prefix` is a plain prefix."""
        needle = wanted.query.lower() if wanted.query else None
        state = wanted.state.upper() if wanted.state else None
        regex = re.compile(fnmatch.translate(wanted.glob)) if wanted.glob else None
        found = []
        for entry in self.entries:
            if regex is not None:
                if regex.match(entry.subject) is None:
                    continue
            elif not entry.subject.startswith(prefix):
                continue
            if state is not None and entry.state != state:
                continue
            if wanted.owner is not None and entry.owner != wanted.owner:
                continue
            if wanted.tag is not None and wanted.tag not in entry.tags:
                continue
            if (
                needle is not None
                and needle not in entry.lowered
                and needle not in entry.description
            ):
                continue
            found.append(entry.subject)
        return found


def _as_of(group: list[SubjectVersion], now: dt.datetime) -> list[SubjectVersion]:
    """Versions whose sunset has passed no longer count for `latest`."""
    return [v for v in group if not lifecycle.sunset_passed(v, now)]
