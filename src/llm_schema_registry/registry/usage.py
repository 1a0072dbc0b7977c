"""Usage counts: records validated and version lookups, per subject and version, cluster-wide.

Counting happens on the request path, so it must cost next to nothing: `UsageRecorder` adds to
a dictionary in memory, and a background task writes what has piled up every
`flush_seconds` as one batch of upserts (`UsageStore.add_usage`: each row adds to the stored
totals, so every node of a cluster writes into the same rows). A failed flush keeps its counts
for the next one. What a crash loses is what was counted since the last flush (at most one
interval); a clean shutdown flushes first. Readers see the stored totals plus this node's
unflushed counts: another node's are up to one interval behind.

Owned here (the registry counts); `storage/usage_sql.py` implements the store.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from llm_schema_registry.registry.flushing import PeriodicFlush

Metric = Literal["validations", "lookups"]


@dataclass(frozen=True, slots=True)
class UsageCount:
    """Counts of one subject version (added up, or to be added to the stored totals)."""

    subject: str
    version: int
    valid: int = 0
    invalid: int = 0
    lookups: int = 0
    last_used_ms: int = 0

    @property
    def validations(self) -> int:
        return self.valid + self.invalid

    def plus(self, other: UsageCount) -> UsageCount:
        return replace(
            self,
            valid=self.valid + other.valid,
            invalid=self.invalid + other.invalid,
            lookups=self.lookups + other.lookups,
            last_used_ms=max(self.last_used_ms, other.last_used_ms),
        )

    def as_json(self) -> dict[str, int | str]:
        return {
            "subject": self.subject,
            "version": self.version,
            "validations": self.validations,
            "valid": self.valid,
            "invalid": self.invalid,
            "lookups": self.lookups,
            "last_used_ms": self.last_used_ms,
        }


class UsageStore(Protocol):
    """Usage totals shared by every node."""

    async def add_usage(self, counts: Sequence[UsageCount]) -> None:
        """Add each count to its (subject, version) row, creating missing rows; one
        transaction (an upsert batch)."""
        ...

    async def usage(self, subject: str) -> list[UsageCount]:
        """The stored totals of each version of `subject`, by version."""
        ...

    async def top(self, metric: Metric, limit: int) -> list[UsageCount]:
        """Per subject (`version` 0: all versions added up), the `limit` highest by `metric`."""
        ...

    async def close(self) -> None: ...


_Key = tuple[str, int]


class UsageRecorder(PeriodicFlush):
    """Counts in memory, flushes in batches (see the module docstring)."""

    _what = "usage"

    def __init__(self, store: UsageStore | None, flush_seconds: float = 10.0) -> None:
        """`store` None: counts stay in this process (tests of other parts, tools)."""
        super().__init__(flush_seconds)
        self._store = store
        self._pending: dict[_Key, UsageCount] = {}

    # ---- counting (the request path) -----------------------------------------------------

    def validated(self, subject: str, version: int, valid: int, invalid: int) -> None:
        self._add(UsageCount(subject, version, valid=valid, invalid=invalid))

    def looked_up(self, subject: str, version: int) -> None:
        self._add(UsageCount(subject, version, lookups=1))

    def _add(self, count: UsageCount) -> None:
        count = replace(count, last_used_ms=int(time.time() * 1000))
        key = (count.subject, count.version)
        known = self._pending.get(key)
        self._pending[key] = count if known is None else known.plus(count)

    # ---- reading ---------------------------------------------------------------------

    async def usage(self, subject: str) -> list[UsageCount]:
        """Each version's totals: stored, plus what this node has not flushed yet."""
        stored = await self._store.usage(subject) if self._store is not None else []
        merged = {count.version: count for count in stored}
        for (name, version), count in list(self._pending.items()):
            if name == subject:
                known = merged.get(version)
                merged[version] = count if known is None else known.plus(count)
        return [merged[version] for version in sorted(merged)]

    async def top(self, metric: Metric, limit: int) -> list[UsageCount]:
        """The subjects used most by `metric` (versions added up, `version` 0)."""
        stored = await self._store.top(metric, limit + len(self._pending)) if self._store else []
        merged = {count.subject: count for count in stored}
        for (name, _), count in list(self._pending.items()):
            whole = replace(count, version=0)
            known = merged.get(name)
            merged[name] = whole if known is None else known.plus(whole)
        ranked = sorted(merged.values(), key=lambda c: (-_metric(c, metric), c.subject))
        return [count for count in ranked if _metric(count, metric) > 0][:limit]

    # ---- flushing --------------------------------------------------------------------

    async def flush(self) -> int:
        """Write what has piled up; returns how many rows. On failure the counts are kept
        for the next flush (and the error raised)."""
        if self._store is None or not self._pending:
            return 0
        batch, self._pending = self._pending, {}
        try:
            await self._store.add_usage(list(batch.values()))
        except BaseException:
            for key, count in batch.items():  # put back, merged with anything newer
                known = self._pending.get(key)
                self._pending[key] = count if known is None else count.plus(known)
            raise
        return len(batch)

    def _may_start(self) -> bool:
        return self._store is not None


def _metric(count: UsageCount, metric: Metric) -> int:
    return count.validations if metric == "validations" else count.lookups
