"""Subject search: name/description substring, tag, owner, latest state, and name globs.

Built from the registry's public reads (`RegistryService.versions_by_subject`), so `latest`
and archived versions mean here what they mean everywhere.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

from llm_schema_registry.governance.current import KeptCurrent, SortedBySubject
from llm_schema_registry.governance.metadata import description_of, owner_of, tags_of
from llm_schema_registry.registry.contexts import prefix_matcher
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import Versions

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
    """What a search reads per subject with a live version: the latest version's state,
    owner, tags and description (the newest version's when none is `latest`), sorted by
    subject. Kept current subject by subject (`update`, see `governance.current`); valid until
    the earliest sunset date among the subjects it was given."""

    def __init__(self, subjects: Iterable[Versions]) -> None:
        self.valid_until: dt.datetime | None = None
        self._sorted: SortedBySubject[_Entry] = SortedBySubject(lambda entry: entry.subject)
        self.entries = self._sorted.entries
        ordered = sorted(subjects, key=lambda each: each.subject)
        self._sorted.extend_sorted(e for e in map(self._entry, ordered) if e is not None)

    def update(self, subjects: Iterable[Versions]) -> None:
        """Replace what the index holds for each of `subjects` by its current versions (a
        subject without a live version leaves the index)."""
        for found in subjects:
            self._sorted.put(found.subject, self._entry(found))

    def _entry(self, found: Versions) -> _Entry | None:
        live = found.live
        if not live:
            return None
        sunset = found.next_sunset
        if sunset is not None and (self.valid_until is None or sunset < self.valid_until):
            self.valid_until = sunset
        current = found.latest() or live[-1]
        metadata = current.schema.metadata
        return _Entry(
            found.subject,
            found.subject.lower(),
            current.state,
            owner_of(metadata),
            frozenset(tags_of(metadata)),
            description_of(metadata).lower(),
        )

    def fresh(self, now: dt.datetime) -> bool:
        return self.valid_until is None or now <= self.valid_until

    def search(self, prefix: str, wanted: SubjectQuery) -> list[str]:
        """Subjects (sorted) whose latest version matches every given criterion; a glob
        matches the whole name, otherwise `prefix` is a plain prefix (`:.ctx:` a context's
        subjects, `:*:name` a name in any context: `registry.contexts.prefix_matcher`)."""
        in_prefix = prefix_matcher(prefix)
        needle = wanted.query.lower() if wanted.query else None
        state = wanted.state.upper() if wanted.state else None
        regex = re.compile(fnmatch.translate(wanted.glob)) if wanted.glob else None
        found = []
        for entry in self.entries:
            if regex is not None:
                if regex.match(entry.subject) is None:
                    continue
            elif not in_prefix(entry.subject):
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


class SubjectSearch:
    """Search over subjects with a live version, over one `SearchIndex` kept current change
    by change (`governance.current`)."""

    def __init__(self, registry: RegistryService) -> None:
        self._index = KeptCurrent(registry, SearchIndex)

    async def search(self, prefix: str, wanted: SubjectQuery) -> list[str]:
        return (await self._index.view()).search(prefix, wanted)
