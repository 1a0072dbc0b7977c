"""Views of every subject (the search index, the catalog) kept current change by change.

A view is built once from every subject's versions; after that, each change (a write here, or
one another node announced) makes it re-read only the subjects the store's change journal
names (`RegistryReads.changed_since`). It is built whole again when the journal cannot tell (a
registry-wide change, a reconnected change feed, an overrun journal), when more than
`REREAD_AT_MOST` subjects changed, when a sunset date it depends on passes, and every time on
a store keeping no counter.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Generic, Protocol, TypeVar

from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import Versions

# Past this many changed subjects, one read of everything beats a read per subject.
REREAD_AT_MOST = 500


class SubjectView(Protocol):
    def fresh(self, now: dt.datetime) -> bool: ...

    def update(self, subjects: Iterable[Versions]) -> None: ...


V = TypeVar("V", bound=SubjectView)
E = TypeVar("E")


class KeptCurrent(Generic[V]):
    """One view over the registry, built by `build` and kept current by its `update`."""

    def __init__(self, registry: RegistryService, build: Callable[[list[Versions]], V]) -> None:
        self._registry = registry
        self._build = build
        self._view: tuple[int, V] | None = None
        self._updating = asyncio.Lock()

    async def view(self) -> V:
        registry = self._registry
        cached = self._view
        fresh = cached is not None and cached[1].fresh(registry.clock.now())
        if cached is not None and fresh and cached[0] == registry.generation:
            return cached[1]
        async with self._updating:  # one update at a time; the others wait for its result
            generation = registry.generation
            if generation is None:
                return self._build(await registry.versions_by_subject())
            cached = self._view
            changed = None
            if cached is not None and cached[1].fresh(registry.clock.now()):
                changed = registry.changed_since(cached[0])
            if cached is None or changed is None or len(changed) > REREAD_AT_MOST:
                view = self._build(await registry.versions_by_subject())
            else:
                view = cached[1]
                # Read after `generation`: a change committed meanwhile is re-read next time.
                view.update(await registry.versions_of(sorted(changed)))
            self._view = (generation, view)
            return view


class SortedBySubject(Generic[E]):
    """Entries kept sorted by subject, one per subject, replaced in place."""

    def __init__(self, subject_of: Callable[[E], str]) -> None:
        self.entries: list[E] = []
        self._names: list[str] = []
        self._subject_of = subject_of

    def put(self, subject: str, entry: E | None) -> None:
        """`entry` for `subject` (None: the subject leaves)."""
        at = bisect.bisect_left(self._names, subject)
        present = at < len(self._names) and self._names[at] == subject
        if entry is None:
            if present:
                del self.entries[at], self._names[at]
        elif present:
            self.entries[at] = entry
        else:
            self.entries.insert(at, entry)
            self._names.insert(at, subject)

    def extend_sorted(self, entries: Iterable[E]) -> None:
        """Append entries already sorted by subject, after every held one."""
        for entry in entries:
            self.entries.append(entry)
            self._names.append(self._subject_of(entry))
