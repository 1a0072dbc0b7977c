"""The catalog: every subject with a live version, searchable by name, description and tags,
filtered by format, owner, tag and state, sorted and paged (the dashboard's front page).

One row per subject, from its latest version (the newest live one when none is `latest`),
built from the registry's public reads and kept current change by change, like the search
index (`governance.current`): a page of 10,000 subjects is a filter and a sort over rows in
memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from llm_schema_registry.governance.current import KeptCurrent, SortedBySubject
from llm_schema_registry.governance.metadata import description_of, owner_of, tags_of
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import Versions

SORTS = ("subject", "updated", "versions", "owner", "state", "format")
PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    subject: str
    schema_type: str
    version: int
    state: str
    owner: str
    description: str
    tags: tuple[str, ...]
    versions: int  # live versions
    updated_ms: int  # when the newest live version was registered
    text: str  # lower-cased subject, description and tags: what a search matches


@dataclass(frozen=True)
class CatalogQuery:
    search: str = ""
    schema_type: str = ""
    owner: str = ""
    tag: str = ""
    state: str = ""
    sort: str = "subject"
    descending: bool = False
    page: int = 1
    size: int = PAGE_SIZE


@dataclass(frozen=True)
class CatalogPage:
    entries: list[CatalogEntry]
    total: int  # matching entries, over every page
    page: int
    pages: int


@dataclass
class CatalogIndex:
    """Rows of every subject with a live version, and the values each filter offers."""

    entries: list[CatalogEntry] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    valid_until: dt.datetime | None = None
    _sorted: SortedBySubject[CatalogEntry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sorted = SortedBySubject(lambda e: e.subject)
        self._sorted.extend_sorted(sorted(self.entries, key=lambda e: e.subject))
        self.entries = self._sorted.entries

    @classmethod
    def build(cls, subjects: Iterable[Versions]) -> CatalogIndex:
        index = cls()
        rows = (index._entry(found) for found in subjects)
        index._sorted.extend_sorted(sorted((e for e in rows if e), key=lambda e: e.subject))
        index._collect_filters()
        return index

    def update(self, subjects: Iterable[Versions]) -> None:
        """Replace the rows of `subjects` by their current versions (see `governance.current`)."""
        for found in subjects:
            self._sorted.put(found.subject, self._entry(found))
        self._collect_filters()

    def _collect_filters(self) -> None:
        self.owners = sorted({e.owner for e in self.entries if e.owner})
        self.tags = sorted({t for e in self.entries for t in e.tags})
        self.formats = sorted({e.schema_type for e in self.entries})
        self.states = sorted({e.state for e in self.entries})

    def _entry(self, found: Versions) -> CatalogEntry | None:
        live = found.live
        if not live:
            return None
        sunset = found.next_sunset
        if sunset is not None and (self.valid_until is None or sunset < self.valid_until):
            self.valid_until = sunset
        current = found.latest() or live[-1]
        metadata = current.schema.metadata
        tags = tuple(sorted(tags_of(metadata)))
        description = description_of(metadata)
        return CatalogEntry(
            subject=found.subject,
            schema_type=current.schema.schema_type.value,
            version=current.version,
            state=current.state,
            owner=owner_of(metadata) or "",
            description=description,
            tags=tags,
            versions=len(live),
            updated_ms=max(v.ts for v in live),
            text=" ".join((found.subject, description, *tags)).lower(),
        )

    def fresh(self, now: dt.datetime) -> bool:
        return self.valid_until is None or now <= self.valid_until

    def query(
        self, wanted: CatalogQuery, visible: Callable[[str], bool] | None = None
    ) -> CatalogPage:
        """The page of entries matching `wanted`; `visible`: which subjects the reader may
        see at all (None: every one), applied before counting and paging."""
        needle = wanted.search.strip().lower()
        found = [
            e
            for e in self.entries
            if (visible is None or visible(e.subject))
            and (not needle or needle in e.text)
            and (not wanted.schema_type or e.schema_type == wanted.schema_type)
            and (not wanted.owner or e.owner == wanted.owner)
            and (not wanted.tag or wanted.tag in e.tags)
            and (not wanted.state or e.state == wanted.state)
        ]
        sort = wanted.sort if wanted.sort in SORTS else "subject"
        if sort != "subject" or wanted.descending:  # entries are kept sorted by subject
            found.sort(key=lambda e: e.subject)
            found.sort(key=lambda e: _sort_key(e, sort), reverse=wanted.descending)
        size = max(1, wanted.size)
        pages = max(1, -(-len(found) // size))
        page = min(max(1, wanted.page), pages)
        start = (page - 1) * size
        return CatalogPage(found[start : start + size], len(found), page, pages)


def _sort_key(entry: CatalogEntry, sort: str) -> str | int:
    if sort == "updated":
        return entry.updated_ms
    if sort == "versions":
        return entry.versions
    if sort == "owner":
        return entry.owner.lower()
    if sort == "state":
        return entry.state
    if sort == "format":
        return entry.schema_type
    return entry.subject


class Catalog:
    """Keeps one `CatalogIndex` current change by change (see `governance.current`)."""

    def __init__(self, registry: RegistryService) -> None:
        self._index = KeptCurrent(registry, CatalogIndex.build)

    async def index(self) -> CatalogIndex:
        return await self._index.view()
